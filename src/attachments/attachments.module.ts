import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { ChannelsModule } from '../channels/channels.module.js';
import { IdentityModule } from '../identity/identity.module.js';
import { AttachmentChunksRepository } from './attachment-chunks.repository.js';
import { ATTACHMENT_STORE } from './attachment-store.js';
import { AttachmentsController } from './attachments.controller.js';
import { AttachmentsRepository } from './attachments.repository.js';
import { AttachmentsService } from './attachments.service.js';

/**
 * Encrypted file attachments. The chunks' store is behind `ATTACHMENT_STORE`: PostgreSQL here; another
 * store (S3-compatible object storage, docs/operations.md) is a provider swap, nothing else.
 */
@Module({
  imports: [AuditModule, ChannelsModule, IdentityModule],
  providers: [
    AttachmentsService,
    AttachmentsRepository,
    AttachmentChunksRepository,
    { provide: ATTACHMENT_STORE, useExisting: AttachmentChunksRepository },
  ],
  controllers: [AttachmentsController],
  exports: [AttachmentsRepository, ATTACHMENT_STORE],
})
export class AttachmentsModule {}
