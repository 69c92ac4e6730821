import { Module } from '@nestjs/common';
import { AuditEventsReadModel } from './audit-events.read-model.js';
import { AuditController } from './audit.controller.js';
import { AuditRepository } from './audit.repository.js';
import { AuditService } from './audit.service.js';

@Module({
  providers: [AuditService, AuditRepository, AuditEventsReadModel],
  controllers: [AuditController],
  exports: [AuditService],
})
export class AuditModule {}
