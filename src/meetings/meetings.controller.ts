import {
  exportRecordedView,
  recordExportSchema,
  type ExportRecordedView,
  type RecordExportInput,
} from '../../contracts/common.js';
import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import {
  amendSchema,
  attendanceSchema,
  closeMeetingSchema,
  entrySchema,
  inviteSchema,
  meetingEntryCreated,
  meetingSummary,
  meetingView,
  minutesSaved,
  minutesVersionView,
  saveMinutesSchema,
  scheduleMeetingSchema,
  type AmendInput,
  type AttendanceParsed,
  type CloseMeetingInput,
  type EntryInput,
  type InviteInput,
  type MeetingEntryCreated,
  type MeetingSummary,
  type MeetingView,
  type MinutesSaved,
  type MinutesVersionView,
  type SaveMinutesInput,
  type ScheduleMeetingParsed,
} from '../../contracts/meetings.js';
import { ApiDoc, ApiZodBody, emptyBodySchema, uuidParam, zodPipe } from '../common/zod.js';
import { Auth, type AuthContext } from '../identity/auth-context.js';
import { MeetingAttendanceService } from './meeting-attendance.service.js';
import { MeetingEntriesService } from './meeting-entries.service.js';
import { MeetingMinutesService } from './meeting-minutes.service.js';
import { MeetingViewService } from './meeting-view.service.js';
import { MeetingsService } from './meetings.service.js';

/** Meetings in a channel: schedule, start, minute, close (signed), amend (signed). */
@ApiTags('meetings')
@ApiBearerAuth()
@Controller()
export class MeetingsController {
  constructor(
    private readonly meetings: MeetingsService,
    private readonly attendance: MeetingAttendanceService,
    private readonly minutes: MeetingMinutesService,
    private readonly entries: MeetingEntriesService,
    private readonly view: MeetingViewService,
  ) {}

  @Post('meetings')
  @ApiDoc('Schedule a meeting in a channel you chair', meetingView, 201)
  @ApiZodBody(scheduleMeetingSchema)
  schedule(
    @Auth() auth: AuthContext,
    @Body(zodPipe(scheduleMeetingSchema)) dto: ScheduleMeetingParsed,
  ): Promise<MeetingView> {
    return this.meetings.schedule(auth, dto);
  }

  /** Meetings you are invited to. */
  @Get('meetings')
  @ApiDoc('Meetings you are invited to, soonest first', meetingSummary.array())
  mine(@Auth() auth: AuthContext): Promise<MeetingSummary[]> {
    return this.meetings.mine(auth);
  }

  @Get('channels/:id/meetings')
  @ApiDoc('Meetings of a channel, newest first', meetingSummary.array())
  forChannel(@Auth() auth: AuthContext, @Param('id', uuidParam) id: string): Promise<MeetingSummary[]> {
    return this.meetings.listForChannel(auth, id);
  }

  @Get('meetings/:id')
  @ApiDoc('A meeting with its invitees, latest minutes, amendments and entries', meetingView)
  show(@Auth() auth: AuthContext, @Param('id', uuidParam) id: string): Promise<MeetingView> {
    return this.view.show(auth, id);
  }

  @Post('meetings/:id/invitations')
  @ApiDoc('Invite channel members to a meeting (chair)', meetingView, 201)
  @ApiZodBody(inviteSchema)
  invite(
    @Auth() auth: AuthContext,
    @Param('id', uuidParam) id: string,
    @Body(zodPipe(inviteSchema)) dto: InviteInput,
  ): Promise<MeetingView> {
    return this.attendance.addInvitees(auth, id, dto);
  }

  @Post('meetings/:id/start')
  @ApiDoc('Start a scheduled meeting (chair)', meetingView, 201)
  start(
    @Auth() auth: AuthContext,
    @Param('id', uuidParam) id: string,
    @Body(zodPipe(emptyBodySchema)) _: unknown,
  ): Promise<MeetingView> {
    return this.meetings.start(auth, id);
  }

  @Post('meetings/:id/attendance')
  @ApiDoc('Record who attended (chair or minute-taker)', meetingView, 201)
  @ApiZodBody(attendanceSchema)
  recordAttendance(
    @Auth() auth: AuthContext,
    @Param('id', uuidParam) id: string,
    @Body(zodPipe(attendanceSchema)) dto: AttendanceParsed,
  ): Promise<MeetingView> {
    return this.attendance.setAttendance(auth, id, dto);
  }

  /** Saves a new version of the (sealed) minutes; `baseVersion` must be the latest. */
  @Post('meetings/:id/minutes')
  @ApiDoc('Save a new version of the sealed minutes', minutesSaved, 201)
  @ApiZodBody(saveMinutesSchema)
  saveMinutes(
    @Auth() auth: AuthContext,
    @Param('id', uuidParam) id: string,
    @Body(zodPipe(saveMinutesSchema)) dto: SaveMinutesInput,
  ): Promise<MinutesSaved> {
    return this.minutes.saveMinutes(auth, id, dto);
  }

  @Get('meetings/:id/minutes')
  @ApiDoc('Every saved version of the minutes, oldest first', minutesVersionView.array())
  versions(@Auth() auth: AuthContext, @Param('id', uuidParam) id: string): Promise<MinutesVersionView[]> {
    return this.minutes.versions(auth, id);
  }

  @Post('meetings/:id/entries')
  @ApiDoc('Add a typed entry against an agenda item', meetingEntryCreated, 201)
  @ApiZodBody(entrySchema)
  entry(
    @Auth() auth: AuthContext,
    @Param('id', uuidParam) id: string,
    @Body(zodPipe(entrySchema)) dto: EntryInput,
  ): Promise<MeetingEntryCreated> {
    return this.entries.addEntry(auth, id, dto);
  }

  /** Closes the meeting: the chair's device signs the final version of the minutes. */
  @Post('meetings/:id/close')
  @ApiDoc('Close the meeting, signing the final minutes (chair)', meetingView, 201)
  @ApiZodBody(closeMeetingSchema)
  close(
    @Auth() auth: AuthContext,
    @Param('id', uuidParam) id: string,
    @Body(zodPipe(closeMeetingSchema)) dto: CloseMeetingInput,
  ): Promise<MeetingView> {
    return this.minutes.close(auth, id, dto);
  }

  @Post('meetings/:id/amendments')
  @ApiDoc('Add a signed amendment to closed minutes', meetingView, 201)
  @ApiZodBody(amendSchema)
  amend(
    @Auth() auth: AuthContext,
    @Param('id', uuidParam) id: string,
    @Body(zodPipe(amendSchema)) dto: AmendInput,
  ): Promise<MeetingView> {
    return this.minutes.amend(auth, id, dto);
  }

  /** Records that the caller exported this closed meeting to their agency's case record (audited). */
  @Post('meetings/:id/exports')
  @ApiDoc('Record an export of the closed meeting to your case record', exportRecordedView, 201)
  @ApiZodBody(recordExportSchema)
  exported(
    @Auth() auth: AuthContext,
    @Param('id', uuidParam) id: string,
    @Body(zodPipe(recordExportSchema)) dto: RecordExportInput,
  ): Promise<ExportRecordedView> {
    return this.meetings.recordExport(auth, id, dto);
  }
}
