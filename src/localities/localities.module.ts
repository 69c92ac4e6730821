import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { LocalitiesController } from './localities.controller.js';
import { LocalitiesRepository } from './localities.repository.js';
import { LocalitiesService } from './localities.service.js';

/** The ISA team's list of localities (ISA 2.2); families are placed in one, the programme report counts by them. */
@Module({
  imports: [AuditModule],
  providers: [LocalitiesRepository, LocalitiesService],
  controllers: [LocalitiesController],
  exports: [LocalitiesService],
})
export class LocalitiesModule {}
