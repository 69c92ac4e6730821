import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { ChannelsModule } from '../channels/channels.module.js';
import { IdentityModule } from '../identity/identity.module.js';
import { MessageWriter } from './message-writer.js';
import { MessagesController } from './messages.controller.js';
import { MessagesService } from './messages.service.js';

@Module({
  imports: [AuditModule, ChannelsModule, IdentityModule],
  providers: [MessagesService, MessageWriter],
  controllers: [MessagesController],
  exports: [MessagesService, MessageWriter],
})
export class MessagesModule {}
