import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type {
  Attendance,
  MeetingKind,
  MeetingStatus,
  MeetingSummary,
  ScheduleMeetingParsed,
} from '../../contracts/meetings.js';
import { notFound } from '../common/app-error.js';
import { onRecordIdTaken } from '../common/db-errors.js';
import { sealedBytes } from '../common/sealed.js';
import { returningRows } from '../common/sql.js';

/** A row of `meetings`. */
export interface MeetingRow {
  id: string;
  channel_id: string;
  kind: MeetingKind;
  scheduled_at: Date;
  place_ciphertext: Buffer | null;
  place_epoch: number | null;
  agenda_ciphertext: Buffer | null;
  agenda_epoch: number | null;
  chair_id: string;
  minute_taker_id: string | null;
  status: MeetingStatus;
  started_at: Date | null;
  closed_at: Date | null;
  final_version: number | null;
  final_signature: Buffer | null;
  final_signer_device_id: string | null;
  /** The hash of the final minutes' text the chair signed (null for minutes signed before it was covered). */
  final_text_hash: Buffer | null;
  created_by: string;
  created_at: Date;
}

/** A row of `meeting_family_attendance`. */
export interface FamilyAttendanceRow {
  member_id: string;
  present: boolean;
}

export const toMeetingSummary = (r: MeetingRow): MeetingSummary => ({
  id: r.id,
  channelId: r.channel_id,
  kind: r.kind,
  scheduledAt: r.scheduled_at.toISOString(),
  status: r.status,
  chairId: r.chair_id,
  minuteTakerId: r.minute_taker_id,
});

/** Meetings, who is invited to them and who attended (`meetings`, `meeting_invitations`, `meeting_family_attendance`). */
@Injectable()
export class MeetingsRepository {
  /** The meeting, or null; `lock` holds its row for the caller's transaction. */
  async find(m: EntityManager, meetingId: string, lock = false): Promise<MeetingRow | null> {
    const [row] = await m.query<MeetingRow[]>(`SELECT * FROM meetings WHERE id = $1 ${lock ? 'FOR UPDATE' : ''}`, [
      meetingId,
    ]);
    return row ?? null;
  }

  /** The meeting; 404 if there is none. */
  async get(m: EntityManager, meetingId: string, lock = false): Promise<MeetingRow> {
    const row = await this.find(m, meetingId, lock);
    if (!row) throw notFound('Meeting');
    return row;
  }

  /** A new scheduled meeting chaired (and created) by `chairId`; returns its id. */
  async insert(m: EntityManager, input: ScheduleMeetingParsed, chairId: string, now: Date): Promise<string> {
    const [{ id }] = await m
      .query<{ id: string }[]>(
        `INSERT INTO meetings (channel_id, kind, scheduled_at, place_ciphertext, place_epoch, agenda_ciphertext, agenda_epoch,
          chair_id, minute_taker_id, created_by, created_at, id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $8, $10, $11) RETURNING id`,
        [
          input.channelId,
          input.kind,
          new Date(input.scheduledAt),
          input.place ? sealedBytes(input.place) : null,
          input.place?.epoch ?? null,
          input.agenda ? sealedBytes(input.agenda) : null,
          input.agenda?.epoch ?? null,
          chairId,
          input.minuteTakerId ?? null,
          now,
          input.id,
        ],
      )
      .catch(onRecordIdTaken('meetings'));
    return id;
  }

  async markStarted(m: EntityManager, meetingId: string, at: Date): Promise<void> {
    await m.query(`UPDATE meetings SET status = 'in_progress', started_at = $2 WHERE id = $1`, [meetingId, at]);
  }

  /** Closes the meeting on `version` of its minutes, whose text hashes to `textHash`, signed by `deviceId`. */
  async markClosed(
    m: EntityManager,
    meetingId: string,
    at: Date,
    final: { version: number; textHash: Buffer; signature: Buffer; deviceId: string },
  ): Promise<void> {
    await m.query(
      `UPDATE meetings SET status = 'closed', closed_at = $2, final_version = $3, final_signature = $4,
              final_signer_device_id = $5, final_text_hash = $6 WHERE id = $1`,
      [meetingId, at, final.version, final.signature, final.deviceId, final.textHash],
    );
  }

  /** Meetings of a channel, newest first. */
  listForChannel(m: EntityManager, channelId: string): Promise<MeetingRow[]> {
    return m.query<MeetingRow[]>(
      'SELECT * FROM meetings WHERE channel_id = $1 ORDER BY scheduled_at DESC, created_at DESC',
      [channelId],
    );
  }

  /** Meetings `userId` is invited to among `channelIds`, soonest first. */
  listInvited(m: EntityManager, userId: string, channelIds: string[]): Promise<MeetingRow[]> {
    return m.query<MeetingRow[]>(
      `SELECT mt.* FROM meetings mt JOIN meeting_invitations i ON i.meeting_id = mt.id AND i.user_id = $1
        WHERE mt.channel_id = ANY ($2::uuid[])
        ORDER BY mt.scheduled_at, mt.created_at`,
      [userId, channelIds],
    );
  }

  /** Invites each user (with their agency, pairwise); someone already invited stays as they were. */
  async invite(
    m: EntityManager,
    meetingId: string,
    userIds: string[],
    agencyIds: string[],
    invitedBy: string,
    at: Date,
  ): Promise<void> {
    await m.query(
      `INSERT INTO meeting_invitations (meeting_id, user_id, agency_id, invited_by, invited_at)
       SELECT $1, r.user_id, r.agency_id, $3, $4 FROM unnest($2::uuid[], $5::uuid[]) AS r (user_id, agency_id)
       ON CONFLICT DO NOTHING`,
      [meetingId, userIds, invitedBy, at, agencyIds],
    );
  }

  /** Records an invitee's attendance; false when `userId` is not invited. */
  async setAttendance(
    m: EntityManager,
    meetingId: string,
    userId: string,
    attendance: Attendance,
    recordedBy: string,
  ): Promise<boolean> {
    const updated = await returningRows(
      m,
      `UPDATE meeting_invitations SET attendance = $3, attendance_recorded_by = $4
        WHERE meeting_id = $1 AND user_id = $2 RETURNING user_id`,
      [meetingId, userId, attendance, recordedBy],
    );
    return updated.length > 0;
  }

  async setFamilyAttendance(
    m: EntityManager,
    meetingId: string,
    memberId: string,
    present: boolean,
    recordedBy: string,
  ): Promise<void> {
    await m.query(
      `INSERT INTO meeting_family_attendance (meeting_id, member_id, present, recorded_by) VALUES ($1, $2, $3, $4)
       ON CONFLICT (meeting_id, member_id) DO UPDATE SET present = EXCLUDED.present, recorded_by = EXCLUDED.recorded_by`,
      [meetingId, memberId, present, recordedBy],
    );
  }

  familyAttendance(m: EntityManager, meetingId: string): Promise<FamilyAttendanceRow[]> {
    return m.query<FamilyAttendanceRow[]>(
      'SELECT member_id, present FROM meeting_family_attendance WHERE meeting_id = $1',
      [meetingId],
    );
  }
}
