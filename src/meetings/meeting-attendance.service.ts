import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { AttendanceParsed, InviteInput, MeetingView } from '../../contracts/meetings.js';
import { AuditService } from '../audit/audit.service.js';
import { ChannelsService } from '../channels/channels.service.js';
import { badRequest, conflict, notFound } from '../common/app-error.js';
import { Clock } from '../common/clock.js';
import { FamiliesService } from '../families/families.service.js';
import { actorOf, type AuthContext } from '../identity/auth-context.js';
import { requireChair, requireMinuter, requireStatus } from './meeting-rules.js';
import { MeetingViewService } from './meeting-view.service.js';
import { MeetingsRepository, type MeetingRow } from './meetings.repository.js';

/** Who is invited to a meeting and who attended it. */
@Injectable()
export class MeetingAttendanceService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly channels: ChannelsService,
    private readonly families: FamiliesService,
    private readonly audit: AuditService,
    private readonly meetings: MeetingsRepository,
    private readonly view: MeetingViewService,
  ) {}

  /** Invitees must be channel members now, and their agency a signatory now (not suspended or withdrawn). */
  async invite(
    m: EntityManager,
    auth: AuthContext,
    meeting: Pick<MeetingRow, 'id' | 'channel_id'>,
    userIds: string[],
  ): Promise<void> {
    const agencyIds: string[] = [];
    for (const id of userIds)
      agencyIds.push(await this.channels.assertParticipant(m, meeting.channel_id, id, 'An invitee'));
    await this.meetings.invite(m, meeting.id, userIds, agencyIds, auth.user.id, this.clock.now());
  }

  async addInvitees(auth: AuthContext, meetingId: string, dto: InviteInput): Promise<MeetingView> {
    await this.db.transaction(async (m) => {
      const { meeting } = await this.view.readable(m, auth, meetingId, true);
      requireChair(meeting, auth.user.id);
      if (meeting.status === 'closed') requireStatus(meeting, 'in_progress', 'inviting');
      await this.invite(m, auth, meeting, [...new Set(dto.userIds)]);
      await this.audit.record(m, {
        actor: actorOf(auth),
        action: 'meeting.invited',
        target: { type: 'meeting', id: meetingId },
        details: { invited: dto.userIds.length },
        meta: auth.meta,
      });
    });
    return this.view.show(auth, meetingId);
  }

  async setAttendance(auth: AuthContext, meetingId: string, dto: AttendanceParsed): Promise<MeetingView> {
    await this.db.transaction(async (m) => {
      const { meeting } = await this.view.readable(m, auth, meetingId, true);
      requireMinuter(meeting, auth.user.id);
      requireStatus(meeting, 'in_progress', 'recording attendance');
      for (const p of dto.people) {
        if (!(await this.meetings.setAttendance(m, meetingId, p.userId, p.attendance, auth.user.id))) {
          throw conflict('not_invited', 'Attendance is recorded for invited people only: invite them first.', {
            userId: p.userId,
          });
        }
      }
      if (dto.familyMembers.length) {
        if (meeting.kind !== 'family') {
          throw badRequest('validation_failed', 'Family members attend family meetings only.', {
            fields: { familyMembers: [`not for a ${meeting.kind} meeting`] },
          });
        }
        await this.assertFamilyMembers(
          m,
          meeting.channel_id,
          dto.familyMembers.map((f) => f.memberId),
        );
        for (const f of dto.familyMembers) {
          await this.meetings.setFamilyAttendance(m, meetingId, f.memberId, f.present, auth.user.id);
        }
      }
      await this.audit.record(m, {
        actor: actorOf(auth),
        action: 'meeting.attendance_recorded',
        target: { type: 'meeting', id: meetingId },
        details: { people: dto.people.length, familyMembers: dto.familyMembers.length },
        meta: auth.meta,
      });
    });
    return this.view.show(auth, meetingId);
  }

  /** Every id must be a member of the family whose channel the meeting is in (404 otherwise). */
  private async assertFamilyMembers(m: EntityManager, channelId: string, memberIds: string[]): Promise<void> {
    const family = await this.families.forChannel(m, channelId);
    const known = new Set(family ? (await this.families.members(m, family.id)).map((fm) => fm.id) : []);
    // PostgreSQL compares uuids case-insensitively; so does this check.
    if (!memberIds.every((id) => known.has(id.toLowerCase()))) throw notFound('Family member');
  }
}
