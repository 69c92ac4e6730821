import { Module } from '@nestjs/common';
import { IdentityModule } from '../identity/identity.module.js';
import { AuditModule } from '../audit/audit.module.js';
import { ChannelsModule } from '../channels/channels.module.js';
import { FamiliesController } from './families.controller.js';
import { FamiliesRepository } from './families.repository.js';
import { FamiliesService } from './families.service.js';
import { FamilyPlansRepository } from './family-plans.repository.js';
import { FamilyPlansService } from './family-plans.service.js';

@Module({
  imports: [AuditModule, ChannelsModule, IdentityModule],
  providers: [FamiliesRepository, FamilyPlansRepository, FamiliesService, FamilyPlansService],
  controllers: [FamiliesController],
  exports: [FamiliesService],
})
export class FamiliesModule {}
