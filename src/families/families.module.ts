import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { ChannelsModule } from '../channels/channels.module.js';
import { FamiliesController } from './families.controller.js';
import { FamiliesService } from './families.service.js';
import { FamilyPlansService } from './family-plans.service.js';

@Module({
  imports: [AuditModule, ChannelsModule],
  providers: [FamiliesService, FamilyPlansService],
  controllers: [FamiliesController],
  exports: [FamiliesService],
})
export class FamiliesModule {}
