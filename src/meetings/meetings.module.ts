import { Module } from '@nestjs/common';
import { IdentityModule } from '../identity/identity.module.js';
import { AuditModule } from '../audit/audit.module.js';
import { ChannelsModule } from '../channels/channels.module.js';
import { FamiliesModule } from '../families/families.module.js';
import { RetentionSchedulesModule } from '../retention-schedules/retention-schedules.module.js';
import { MeetingAttendanceService } from './meeting-attendance.service.js';
import { MeetingEntriesService } from './meeting-entries.service.js';
import { MeetingInviteesReadModel } from './meeting-invitees.read-model.js';
import { MeetingMinutesService } from './meeting-minutes.service.js';
import { MeetingViewService } from './meeting-view.service.js';
import { MeetingsController } from './meetings.controller.js';
import { MeetingsRepository } from './meetings.repository.js';
import { MeetingsService } from './meetings.service.js';
import { MinutesRepository } from './minutes.repository.js';

@Module({
  imports: [AuditModule, ChannelsModule, FamiliesModule, IdentityModule, RetentionSchedulesModule],
  providers: [
    MeetingsRepository,
    MinutesRepository,
    MeetingInviteesReadModel,
    MeetingViewService,
    MeetingAttendanceService,
    MeetingMinutesService,
    MeetingEntriesService,
    MeetingsService,
  ],
  controllers: [MeetingsController],
  exports: [MeetingsRepository],
})
export class MeetingsModule {}
