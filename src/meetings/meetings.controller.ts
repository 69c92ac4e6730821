import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiZodBody, emptyBodySchema, uuidParam, zodPipe } from '../common/zod.js';
import { recordExportSchema, type RecordExportDto } from '../families/dto/family.dto.js';
import { Auth, type AuthContext } from '../identity/auth-context.js';
import {
  amendSchema,
  attendanceSchema,
  closeMeetingSchema,
  entrySchema,
  inviteSchema,
  saveMinutesSchema,
  scheduleMeetingSchema,
  type AmendDto,
  type AttendanceDto,
  type CloseMeetingDto,
  type EntryDto,
  type InviteDto,
  type SaveMinutesDto,
  type ScheduleMeetingDto,
} from './dto/meeting.dto.js';
import { MeetingsService } from './meetings.service.js';

/** Meetings in a channel: schedule, start, minute, close (signed), amend (signed). */
@ApiTags('meetings')
@ApiBearerAuth()
@Controller()
export class MeetingsController {
  constructor(private readonly meetings: MeetingsService) {}

  @Post('meetings')
  @ApiZodBody(scheduleMeetingSchema)
  schedule(@Auth() auth: AuthContext, @Body(zodPipe(scheduleMeetingSchema)) dto: ScheduleMeetingDto) {
    return this.meetings.schedule(auth, dto);
  }

  /** Meetings you are invited to. */
  @Get('meetings')
  mine(@Auth() auth: AuthContext) {
    return this.meetings.mine(auth);
  }

  @Get('channels/:id/meetings')
  forChannel(@Auth() auth: AuthContext, @Param('id', uuidParam) id: string) {
    return this.meetings.listForChannel(auth, id);
  }

  @Get('meetings/:id')
  show(@Auth() auth: AuthContext, @Param('id', uuidParam) id: string) {
    return this.meetings.show(auth, id);
  }

  @Post('meetings/:id/invitations')
  @ApiZodBody(inviteSchema)
  invite(@Auth() auth: AuthContext, @Param('id', uuidParam) id: string, @Body(zodPipe(inviteSchema)) dto: InviteDto) {
    return this.meetings.addInvitees(auth, id, dto);
  }

  @Post('meetings/:id/start')
  start(@Auth() auth: AuthContext, @Param('id', uuidParam) id: string, @Body(zodPipe(emptyBodySchema)) _: unknown) {
    return this.meetings.start(auth, id);
  }

  @Post('meetings/:id/attendance')
  @ApiZodBody(attendanceSchema)
  attendance(
    @Auth() auth: AuthContext,
    @Param('id', uuidParam) id: string,
    @Body(zodPipe(attendanceSchema)) dto: AttendanceDto,
  ) {
    return this.meetings.setAttendance(auth, id, dto);
  }

  /** Saves a new version of the (sealed) minutes; `baseVersion` must be the latest. */
  @Post('meetings/:id/minutes')
  @ApiZodBody(saveMinutesSchema)
  minutes(
    @Auth() auth: AuthContext,
    @Param('id', uuidParam) id: string,
    @Body(zodPipe(saveMinutesSchema)) dto: SaveMinutesDto,
  ) {
    return this.meetings.saveMinutes(auth, id, dto);
  }

  @Get('meetings/:id/minutes')
  versions(@Auth() auth: AuthContext, @Param('id', uuidParam) id: string) {
    return this.meetings.versions(auth, id);
  }

  @Post('meetings/:id/entries')
  @ApiZodBody(entrySchema)
  entry(@Auth() auth: AuthContext, @Param('id', uuidParam) id: string, @Body(zodPipe(entrySchema)) dto: EntryDto) {
    return this.meetings.addEntry(auth, id, dto);
  }

  /** Closes the meeting: the chair's device signs the final version of the minutes. */
  @Post('meetings/:id/close')
  @ApiZodBody(closeMeetingSchema)
  close(
    @Auth() auth: AuthContext,
    @Param('id', uuidParam) id: string,
    @Body(zodPipe(closeMeetingSchema)) dto: CloseMeetingDto,
  ) {
    return this.meetings.close(auth, id, dto);
  }

  @Post('meetings/:id/amendments')
  @ApiZodBody(amendSchema)
  amend(@Auth() auth: AuthContext, @Param('id', uuidParam) id: string, @Body(zodPipe(amendSchema)) dto: AmendDto) {
    return this.meetings.amend(auth, id, dto);
  }

  /** Records that the caller exported this closed meeting to their agency's case record (audited). */
  @Post('meetings/:id/exports')
  @ApiZodBody(recordExportSchema)
  exported(
    @Auth() auth: AuthContext,
    @Param('id', uuidParam) id: string,
    @Body(zodPipe(recordExportSchema)) dto: RecordExportDto,
  ) {
    return this.meetings.recordExport(auth, id, dto);
  }
}
