import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { AgenciesController, AgreementsController } from './agencies.controller.js';
import { AgenciesRepository } from './agencies.repository.js';
import { AgenciesService } from './agencies.service.js';
import { AgencyStatusService } from './agency-status.service.js';
import { AgencyWithdrawalsService } from './agency-withdrawals.service.js';

@Module({
  imports: [AuditModule],
  providers: [AgenciesService, AgenciesRepository, AgencyStatusService, AgencyWithdrawalsService],
  controllers: [AgreementsController, AgenciesController],
  exports: [AgenciesService, AgenciesRepository],
})
export class AgenciesModule {}
