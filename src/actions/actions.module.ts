import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { ChannelsModule } from '../channels/channels.module.js';
import { FamiliesModule } from '../families/families.module.js';
import { MeetingsModule } from '../meetings/meetings.module.js';
import { ActionRemindersService } from './action-reminders.service.js';
import { ActionsController } from './actions.controller.js';
import { ActionsRepository } from './actions.repository.js';
import { ActionsService } from './actions.service.js';
import { RetentionSchedulesModule } from '../retention-schedules/retention-schedules.module.js';

@Module({
  imports: [AuditModule, ChannelsModule, FamiliesModule, MeetingsModule, RetentionSchedulesModule],
  providers: [ActionsRepository, ActionsService, ActionRemindersService],
  controllers: [ActionsController],
  exports: [ActionsService],
})
export class ActionsModule {}
