import { Module } from '@nestjs/common';
import { AgenciesModule } from '../agencies/agencies.module.js';
import { AuditModule } from '../audit/audit.module.js';
import { LocalitiesModule } from '../localities/localities.module.js';
import { ProgrammeReadModel } from './programme.read-model.js';
import { ReportsController } from './reports.controller.js';
import { ReportsService } from './reports.service.js';
import { ReviewReadModel } from './review.read-model.js';

/** The ISA review report and the programme report: read-only, from metadata. */
@Module({
  imports: [AuditModule, AgenciesModule, LocalitiesModule],
  providers: [ReportsService, ReviewReadModel, ProgrammeReadModel],
  controllers: [ReportsController],
})
export class ReportsModule {}
