import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { ChannelsModule } from '../channels/channels.module.js';
import { FamiliesModule } from '../families/families.module.js';
import { ConsentController } from './consent.controller.js';
import { ConsentService } from './consent.service.js';

@Module({
  imports: [AuditModule, ChannelsModule, FamiliesModule],
  providers: [ConsentService],
  controllers: [ConsentController],
})
export class ConsentModule {}
