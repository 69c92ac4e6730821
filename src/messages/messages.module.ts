import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { ChannelsModule } from '../channels/channels.module.js';
import { IdentityModule } from '../identity/identity.module.js';
import { MessageSignatures } from './message-signatures.js';
import { MessageWriter } from './message-writer.js';
import { MessagesController } from './messages.controller.js';
import { MessagesRepository } from './messages.repository.js';
import { MessagesService } from './messages.service.js';
import { SendBatchReadModel } from './send-batch.read-model.js';

@Module({
  imports: [AuditModule, ChannelsModule, IdentityModule],
  providers: [MessagesService, MessageWriter, MessagesRepository, SendBatchReadModel, MessageSignatures],
  controllers: [MessagesController],
  exports: [MessagesService, MessageWriter, MessagesRepository],
})
export class MessagesModule {}
