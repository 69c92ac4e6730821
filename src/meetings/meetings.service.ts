import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { ExportRecordedView, RecordExportInput } from '../../contracts/common.js';
import type { MeetingSummary, MeetingView, ScheduleMeetingParsed } from '../../contracts/meetings.js';
import { AuditService } from '../audit/audit.service.js';
import { ChannelsService } from '../channels/channels.service.js';
import { conflict, forbidden } from '../common/app-error.js';
import { Clock } from '../common/clock.js';
import { RetentionSchedulesService } from '../retention-schedules/retention-schedules.service.js';
import { actorOf, type AuthContext } from '../identity/auth-context.js';
import { MeetingAttendanceService } from './meeting-attendance.service.js';
import { MEETING_CHANNEL_KINDS, requireChair, requireStatus } from './meeting-rules.js';
import { MeetingViewService } from './meeting-view.service.js';
import { MeetingsRepository, toMeetingSummary } from './meetings.repository.js';

/**
 * Locality, family and professionals' meetings (ISA 3.3.14): scheduling, starting, listing and export
 * notices. A meeting lives in a channel: its members are who can be invited, so the ISA and consent
 * rules on channels hold for meetings too. Attendance, minutes and entries have their own services.
 */
@Injectable()
export class MeetingsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly channels: ChannelsService,
    private readonly audit: AuditService,
    private readonly meetings: MeetingsRepository,
    private readonly attendance: MeetingAttendanceService,
    private readonly view: MeetingViewService,
    private readonly retention: RetentionSchedulesService,
  ) {}

  async schedule(auth: AuthContext, dto: ScheduleMeetingParsed): Promise<MeetingView> {
    const now = this.clock.now();
    const id = await this.db.transaction(async (m) => {
      const channel = await this.channels.lock(m, dto.channelId);
      const me = await this.channels.membership(m, dto.channelId, auth.user.id);
      if (me.role !== 'chair') throw forbidden('chair_only', 'Only a chair of the channel can schedule its meetings.');
      if (!MEETING_CHANNEL_KINDS[dto.kind].includes(channel.kind)) {
        throw conflict(
          'wrong_channel_kind',
          `A ${dto.kind} meeting is held in a ${MEETING_CHANNEL_KINDS[dto.kind].join(' or ')} channel.`,
          {
            channelKind: channel.kind,
          },
        );
      }
      for (const [field, value] of [
        ['place', dto.place],
        ['agenda', dto.agenda],
      ] as const) {
        if (value) await this.channels.assertSealedEpoch(m, dto.channelId, value.epoch, field);
      }
      if (dto.minuteTakerId) {
        await this.channels.assertParticipant(m, dto.channelId, dto.minuteTakerId, 'The minute-taker');
      }
      const meetingId = await this.meetings.insert(m, dto, auth.user.id, now);
      await this.retention.fixAtCreation(m, 'minutes', meetingId, auth.user.agencyId, now);
      const invitees = [...new Set([auth.user.id, ...(dto.minuteTakerId ? [dto.minuteTakerId] : []), ...dto.invitees])];
      await this.attendance.invite(m, auth, { id: meetingId, channel_id: dto.channelId }, invitees);
      await this.audit.record(m, {
        actor: actorOf(auth),
        action: 'meeting.scheduled',
        target: { type: 'meeting', id: meetingId },
        details: { channelId: dto.channelId, kind: dto.kind, invited: invitees.length },
        meta: auth.meta,
      });
      return meetingId;
    });
    return this.view.show(auth, id);
  }

  /** A change of state by the chair: scheduled → in_progress (start). Closing has its own signed path. */
  async start(auth: AuthContext, meetingId: string): Promise<MeetingView> {
    await this.db.transaction(async (m) => {
      const { meeting } = await this.view.readable(m, auth, meetingId, true);
      requireChair(meeting, auth.user.id);
      requireStatus(meeting, 'scheduled', 'starting');
      await this.meetings.markStarted(m, meetingId, this.clock.now());
      await this.audit.record(m, {
        actor: actorOf(auth),
        action: 'meeting.started',
        target: { type: 'meeting', id: meetingId },
        meta: auth.meta,
      });
    });
    return this.view.show(auth, meetingId);
  }

  /**
   * Records that a member exported the closed meeting to their agency's case record. The export itself
   * is made and signed on their device; the server keeps only who, when and the export's id.
   */
  async recordExport(auth: AuthContext, meetingId: string, dto: RecordExportInput): Promise<ExportRecordedView> {
    return this.db.transaction(async (m) => {
      const { meeting } = await this.view.readable(m, auth, meetingId);
      if (meeting.status !== 'closed') {
        throw conflict('invalid_status', 'Only a closed meeting, with signed minutes, is exported to a case record.', {
          status: meeting.status,
        });
      }
      const recordedAt = this.clock.now().toISOString();
      await this.audit.record(m, {
        actor: actorOf(auth),
        action: 'meeting.exported',
        target: { type: 'meeting', id: meetingId },
        details: { exportId: dto.exportId },
        meta: auth.meta,
      });
      return { exportId: dto.exportId, recordedAt };
    });
  }

  /** Meetings of a channel, newest first. */
  async listForChannel(auth: AuthContext, channelId: string): Promise<MeetingSummary[]> {
    await this.channels.membership(this.db.manager, channelId, auth.user.id);
    return (await this.meetings.listForChannel(this.db.manager, channelId)).map(toMeetingSummary);
  }

  /** Meetings you are invited to, in the channels you are still in, soonest first. */
  async mine(auth: AuthContext): Promise<MeetingSummary[]> {
    const channelIds = await this.channels.channelIdsOf(this.db.manager, auth.user.id);
    return (await this.meetings.listInvited(this.db.manager, auth.user.id, channelIds)).map(toMeetingSummary);
  }
}
