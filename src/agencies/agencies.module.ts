import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { AgenciesController, AgreementsController } from './agencies.controller.js';
import { AgenciesService } from './agencies.service.js';

@Module({
  imports: [AuditModule],
  providers: [AgenciesService],
  controllers: [AgreementsController, AgenciesController],
  exports: [AgenciesService],
})
export class AgenciesModule {}
