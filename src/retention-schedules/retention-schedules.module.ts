import { Module } from '@nestjs/common';
import { AgenciesModule } from '../agencies/agencies.module.js';
import { AuditModule } from '../audit/audit.module.js';
import { RetentionSchedulesController } from './retention-schedules.controller.js';
import { RetentionSchedulesRepository } from './retention-schedules.repository.js';
import { RetentionSchedulesService } from './retention-schedules.service.js';

/**
 * Each agency's retention schedule by record class, and the period each record fixed at creation. Its own
 * module (not `retention`, which expires records and so depends on channels) so that channels, meetings,
 * referrals and information requests can take their periods from it.
 */
@Module({
  imports: [AuditModule, AgenciesModule],
  providers: [RetentionSchedulesRepository, RetentionSchedulesService],
  controllers: [RetentionSchedulesController],
  exports: [RetentionSchedulesService],
})
export class RetentionSchedulesModule {}
