import { Module } from '@nestjs/common';
import { AuditEventsReadModel } from './audit-events.read-model.js';
import { AuditHeadsController } from './audit-heads.controller.js';
import { AuditHeadsRepository } from './audit-heads.repository.js';
import { AuditHeadsService } from './audit-heads.service.js';
import { AuditController } from './audit.controller.js';
import { AuditRepository } from './audit.repository.js';
import { AuditService } from './audit.service.js';

@Module({
  providers: [AuditService, AuditRepository, AuditEventsReadModel, AuditHeadsService, AuditHeadsRepository],
  controllers: [AuditController, AuditHeadsController],
  exports: [AuditService, AuditHeadsService],
})
export class AuditModule {}
