import { Module } from '@nestjs/common';
import { AttachmentsModule } from '../attachments/attachments.module.js';
import { AuditModule } from '../audit/audit.module.js';
import { MessagesModule } from '../messages/messages.module.js';
import { SpentKeysReadModel } from './spent-keys.read-model.js';
import { RetentionService } from './retention.service.js';

@Module({
  imports: [AuditModule, MessagesModule, AttachmentsModule],
  providers: [RetentionService, SpentKeysReadModel],
  exports: [RetentionService],
})
export class RetentionModule {}
