import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { FamilyAttendanceView, MeetingView } from '../../contracts/meetings.js';
import { ChannelsService } from '../channels/channels.service.js';
import { b64, sealedView } from '../common/sealed.js';
import { FamiliesService } from '../families/families.service.js';
import type { AuthContext } from '../identity/auth-context.js';
import { MeetingInviteesReadModel } from './meeting-invitees.read-model.js';
import {
  MeetingsRepository,
  toMeetingSummary,
  type FamilyAttendanceRow,
  type MeetingRow,
} from './meetings.repository.js';
import {
  MinutesRepository,
  toMeetingEntryView,
  toMinutesAmendmentView,
  toMinutesVersionView,
} from './minutes.repository.js';

/** Reading a meeting: who may (its channel's members) and the whole meeting as they see it. */
@Injectable()
export class MeetingViewService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly channels: ChannelsService,
    private readonly families: FamiliesService,
    private readonly meetings: MeetingsRepository,
    private readonly minutes: MinutesRepository,
    private readonly inviteesReadModel: MeetingInviteesReadModel,
  ) {}

  /** The meeting, for a member of its channel (404/403 otherwise, as for the channel). */
  async readable(m: EntityManager, auth: AuthContext, meetingId: string, lock = false) {
    const meeting = await this.meetings.get(m, meetingId, lock);
    const member = await this.channels.membership(m, meeting.channel_id, auth.user.id);
    return { meeting, member };
  }

  async show(auth: AuthContext, meetingId: string): Promise<MeetingView> {
    const m = this.db.manager;
    const { meeting } = await this.readable(m, auth, meetingId);
    const invitees = await this.inviteesReadModel.invitees(m, meetingId);
    const familyAttendance = await this.familyAttendance(
      m,
      meeting,
      await this.meetings.familyAttendance(m, meetingId),
    );
    const minutes = await this.minutes.latestVersion(m, meetingId);
    const amendments = await this.minutes.amendments(m, meetingId);
    const entries = await this.minutes.entries(m, meetingId);
    return {
      ...toMeetingSummary(meeting),
      place: sealedView(meeting.place_ciphertext, meeting.place_epoch),
      agenda: sealedView(meeting.agenda_ciphertext, meeting.agenda_epoch),
      startedAt: meeting.started_at?.toISOString() ?? null,
      closedAt: meeting.closed_at?.toISOString() ?? null,
      invitees,
      familyAttendance,
      minutes: minutes ? toMinutesVersionView(minutes) : null,
      final:
        meeting.status === 'closed'
          ? {
              version: meeting.final_version!,
              textHash: meeting.final_text_hash ? b64(meeting.final_text_hash) : null,
              signature: b64(meeting.final_signature!),
              deviceId: meeting.final_signer_device_id!,
            }
          : null,
      amendments: amendments.map(toMinutesAmendmentView),
      entries: entries.map(toMeetingEntryView),
    };
  }

  /** Family members recorded at the meeting, by member ref, in the family's own order of its members. */
  private async familyAttendance(
    m: EntityManager,
    meeting: MeetingRow,
    rows: FamilyAttendanceRow[],
  ): Promise<FamilyAttendanceView[]> {
    if (!rows.length) return [];
    const present = new Map(rows.map((r) => [r.member_id, r.present]));
    const family = await this.families.forChannel(m, meeting.channel_id);
    const members = family ? await this.families.members(m, family.id) : [];
    return members
      .filter((fm) => present.has(fm.id))
      .map((fm) => ({ memberId: fm.id, memberRef: fm.ref, present: present.get(fm.id)! }));
  }
}
