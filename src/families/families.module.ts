import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { ChannelsModule } from '../channels/channels.module.js';
import { FamiliesController } from './families.controller.js';
import { FamiliesService } from './families.service.js';

@Module({
  imports: [AuditModule, ChannelsModule],
  providers: [FamiliesService],
  controllers: [FamiliesController],
  exports: [FamiliesService],
})
export class FamiliesModule {}
