import { Module } from '@nestjs/common';
import { IdentityModule } from '../identity/identity.module.js';
import { AuditModule } from '../audit/audit.module.js';
import { ChannelsModule } from '../channels/channels.module.js';
import { LocalitiesModule } from '../localities/localities.module.js';
import { FamiliesController } from './families.controller.js';
import { FamiliesRepository } from './families.repository.js';
import { FamiliesService } from './families.service.js';
import { FamilyLocalityService } from './family-locality.service.js';
import { FamilyPlansRepository } from './family-plans.repository.js';
import { FamilyPlansService } from './family-plans.service.js';
import { RetentionSchedulesModule } from '../retention-schedules/retention-schedules.module.js';

@Module({
  imports: [AuditModule, ChannelsModule, IdentityModule, LocalitiesModule, RetentionSchedulesModule],
  providers: [FamiliesRepository, FamilyPlansRepository, FamiliesService, FamilyPlansService, FamilyLocalityService],
  controllers: [FamiliesController],
  exports: [FamiliesService],
})
export class FamiliesModule {}
