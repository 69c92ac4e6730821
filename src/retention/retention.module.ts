import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { MessagesModule } from '../messages/messages.module.js';
import { ChannelsTablesPending } from './channels-tables.pending.js';
import { RetentionService } from './retention.service.js';

@Module({
  imports: [AuditModule, MessagesModule],
  providers: [RetentionService, ChannelsTablesPending],
  exports: [RetentionService],
})
export class RetentionModule {}
