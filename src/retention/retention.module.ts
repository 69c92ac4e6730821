import { Module } from '@nestjs/common';
import { AttachmentsModule } from '../attachments/attachments.module.js';
import { AuditModule } from '../audit/audit.module.js';
import { ChannelsModule } from '../channels/channels.module.js';
import { HeldExpiryReadModel } from './held-expiry.read-model.js';
import { HoldsController } from './holds.controller.js';
import { DisposalsRepository, HoldsRepository } from './holds.repository.js';
import { HoldsService } from './holds.service.js';
import { RecordExpiryReadModel } from './record-expiry.read-model.js';
import { RecordExpiryService } from './record-expiry.service.js';
import { RetentionService } from './retention.service.js';
import { SpentKeysReadModel } from './spent-keys.read-model.js';

@Module({
  imports: [AuditModule, AttachmentsModule, ChannelsModule],
  providers: [
    RetentionService,
    SpentKeysReadModel,
    HeldExpiryReadModel,
    HoldsRepository,
    DisposalsRepository,
    HoldsService,
    RecordExpiryReadModel,
    RecordExpiryService,
  ],
  controllers: [HoldsController],
  exports: [RetentionService],
})
export class RetentionModule {}
