import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { ChannelsModule } from '../channels/channels.module.js';
import { AuditGrantsController } from './audit-grants.controller.js';
import { AuditGrantsReadModel } from './audit-grants.read-model.js';
import { AuditGrantsRepository } from './audit-grants.repository.js';
import { AuditGrantsService } from './audit-grants.service.js';

/** Time-limited audit access (ISA 6.1): audit grants and the observer memberships they open. */
@Module({
  imports: [AuditModule, ChannelsModule],
  providers: [AuditGrantsRepository, AuditGrantsReadModel, AuditGrantsService],
  controllers: [AuditGrantsController],
})
export class AccessGrantsModule {}
