import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { ChannelsModule } from '../channels/channels.module.js';
import { FamiliesModule } from '../families/families.module.js';
import { MeetingsModule } from '../meetings/meetings.module.js';
import { ActionRemindersService } from './action-reminders.service.js';
import { ActionsController } from './actions.controller.js';
import { ActionsRepository } from './actions.repository.js';
import { ActionsService } from './actions.service.js';

@Module({
  imports: [AuditModule, ChannelsModule, FamiliesModule, MeetingsModule],
  providers: [ActionsRepository, ActionsService, ActionRemindersService],
  controllers: [ActionsController],
  exports: [ActionsService],
})
export class ActionsModule {}
