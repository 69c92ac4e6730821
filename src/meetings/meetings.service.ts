import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { ChannelsService } from '../channels/channels.service.js';
import { AppError, badRequest, conflict, forbidden, notFound } from '../common/app-error.js';
import { Clock } from '../common/clock.js';
import { DomainEvents } from '../common/domain-events.js';
import { returningRows } from '../common/sql.js';
import { nextVersion } from '../common/versions.js';
import { b64, sealedBytes, sealedView } from '../common/sealed.js';
import type { RecordExportDto } from '../families/dto/family.dto.js';
import { actorOf, type AuthContext } from '../identity/auth-context.js';
import { verifyEd25519 } from '../identity/device-proof.js';
import { Notifier } from '../notifications/notifier.js';
import type {
  AmendDto,
  AttendanceDto,
  CloseMeetingDto,
  EntryDto,
  InviteDto,
  MeetingKind,
  SaveMinutesDto,
  ScheduleMeetingDto,
} from './dto/meeting.dto.js';
import { minutesSigningBytes } from './minutes-proofs.js';

interface MeetingRow {
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
  status: 'scheduled' | 'in_progress' | 'closed';
  started_at: Date | null;
  closed_at: Date | null;
  final_version: number | null;
  final_signature: Buffer | null;
  final_signer_device_id: string | null;
  created_by: string;
  created_at: Date;
}

/** Which channels each kind of meeting is held in (professionals' meetings may use a family's channel). */
const CHANNEL_KINDS: Record<MeetingKind, string[]> = {
  locality: ['locality_meeting'],
  family: ['family_meeting'],
  professionals: ['professionals_meeting', 'family_meeting'],
};

/**
 * Locality, family and professionals' meetings (ISA 3.3.14). A meeting lives in a channel: its members
 * are who can be invited, so the ISA and consent rules on channels hold for meetings too. Minutes are
 * versioned ciphertext written while the meeting is in progress; closing locks them under the
 * chair's device signature over the final version; corrections after that are signed amendments.
 */
@Injectable()
export class MeetingsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly channels: ChannelsService,
    private readonly audit: AuditService,
    private readonly events: DomainEvents,
    private readonly notifier: Notifier,
  ) {}

  private async get(m: EntityManager, meetingId: string, lock = false): Promise<MeetingRow> {
    const [row] = await m.query<MeetingRow[]>(`SELECT * FROM meetings WHERE id = $1 ${lock ? 'FOR UPDATE' : ''}`, [
      meetingId,
    ]);
    if (!row) throw notFound('Meeting');
    return row;
  }

  /** The meeting, for a member of its channel (404/403 otherwise, as for the channel). */
  private async readable(m: EntityManager, auth: AuthContext, meetingId: string, lock = false) {
    const meeting = await this.get(m, meetingId, lock);
    const member = await this.channels.membership(m, meeting.channel_id, auth.user.id);
    return { meeting, member };
  }

  private requireChair(meeting: MeetingRow, auth: AuthContext): void {
    if (meeting.chair_id !== auth.user.id) throw forbidden('chair_only', 'Only the meeting’s chair can do this.');
  }

  private requireMinuter(meeting: MeetingRow, auth: AuthContext): void {
    if (meeting.chair_id !== auth.user.id && meeting.minute_taker_id !== auth.user.id) {
      throw forbidden('minute_taker_only', 'Only the chair or the minute-taker can write the minutes.');
    }
  }

  private requireStatus(meeting: MeetingRow, status: MeetingRow['status'], what: string): void {
    if (meeting.status === status) return;
    if (meeting.status === 'closed') {
      throw conflict(
        'minutes_locked',
        `The meeting is closed and its minutes are locked: ${what} needs an amendment.`,
        {
          status: meeting.status,
        },
      );
    }
    throw conflict(
      'invalid_status',
      `The meeting is ${meeting.status.replace('_', ' ')}: ${what} needs it ${status.replace('_', ' ')}.`,
      {
        status: meeting.status,
      },
    );
  }

  /** Invitees must be channel members now, and their agency a signatory now (not suspended or withdrawn). */
  private async invite(m: EntityManager, auth: AuthContext, meeting: MeetingRow, userIds: string[]): Promise<void> {
    const agencyIds: string[] = [];
    for (const id of userIds)
      agencyIds.push(await this.channels.assertParticipant(m, meeting.channel_id, id, 'An invitee'));
    await m.query(
      `INSERT INTO meeting_invitations (meeting_id, user_id, agency_id, invited_by, invited_at)
       SELECT $1, r.user_id, r.agency_id, $3, $4 FROM unnest($2::uuid[], $5::uuid[]) AS r (user_id, agency_id)
       ON CONFLICT DO NOTHING`,
      [meeting.id, userIds, auth.user.id, this.clock.now(), agencyIds],
    );
  }

  async schedule(auth: AuthContext, dto: ScheduleMeetingDto) {
    const now = this.clock.now();
    const id = await this.db.transaction(async (m) => {
      const channel = await this.channels.lock(m, dto.channelId);
      const me = await this.channels.membership(m, dto.channelId, auth.user.id);
      if (me.role !== 'chair') throw forbidden('chair_only', 'Only a chair of the channel can schedule its meetings.');
      if (!CHANNEL_KINDS[dto.kind].includes(channel.kind)) {
        throw conflict(
          'wrong_channel_kind',
          `A ${dto.kind} meeting is held in a ${CHANNEL_KINDS[dto.kind].join(' or ')} channel.`,
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
      const [{ id: meetingId }] = await m.query<{ id: string }[]>(
        `INSERT INTO meetings (channel_id, kind, scheduled_at, place_ciphertext, place_epoch, agenda_ciphertext, agenda_epoch,
            chair_id, minute_taker_id, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $8, $10) RETURNING id`,
        [
          dto.channelId,
          dto.kind,
          new Date(dto.scheduledAt),
          dto.place ? sealedBytes(dto.place) : null,
          dto.place?.epoch ?? null,
          dto.agenda ? sealedBytes(dto.agenda) : null,
          dto.agenda?.epoch ?? null,
          auth.user.id,
          dto.minuteTakerId ?? null,
          now,
        ],
      );
      const meeting = await this.get(m, meetingId);
      const invitees = [...new Set([auth.user.id, ...(dto.minuteTakerId ? [dto.minuteTakerId] : []), ...dto.invitees])];
      await this.invite(m, auth, meeting, invitees);
      await this.audit.record(m, {
        actor: actorOf(auth),
        action: 'meeting.scheduled',
        target: { type: 'meeting', id: meetingId },
        details: { channelId: dto.channelId, kind: dto.kind, invited: invitees.length },
        meta: auth.meta,
      });
      return meetingId;
    });
    return this.show(auth, id);
  }

  async addInvitees(auth: AuthContext, meetingId: string, dto: InviteDto) {
    await this.db.transaction(async (m) => {
      const { meeting } = await this.readable(m, auth, meetingId, true);
      this.requireChair(meeting, auth);
      if (meeting.status === 'closed') this.requireStatus(meeting, 'in_progress', 'inviting');
      await this.invite(m, auth, meeting, [...new Set(dto.userIds)]);
      await this.audit.record(m, {
        actor: actorOf(auth),
        action: 'meeting.invited',
        target: { type: 'meeting', id: meetingId },
        details: { invited: dto.userIds.length },
        meta: auth.meta,
      });
    });
    return this.show(auth, meetingId);
  }

  /** A change of state by the chair: scheduled → in_progress (start). Closing has its own signed path. */
  async start(auth: AuthContext, meetingId: string) {
    await this.db.transaction(async (m) => {
      const { meeting } = await this.readable(m, auth, meetingId, true);
      this.requireChair(meeting, auth);
      this.requireStatus(meeting, 'scheduled', 'starting');
      await m.query(`UPDATE meetings SET status = 'in_progress', started_at = $2 WHERE id = $1`, [
        meetingId,
        this.clock.now(),
      ]);
      await this.audit.record(m, {
        actor: actorOf(auth),
        action: 'meeting.started',
        target: { type: 'meeting', id: meetingId },
        meta: auth.meta,
      });
    });
    return this.show(auth, meetingId);
  }

  async setAttendance(auth: AuthContext, meetingId: string, dto: AttendanceDto) {
    await this.db.transaction(async (m) => {
      const { meeting } = await this.readable(m, auth, meetingId, true);
      this.requireMinuter(meeting, auth);
      this.requireStatus(meeting, 'in_progress', 'recording attendance');
      for (const p of dto.people) {
        const updated = await returningRows(
          m,
          `UPDATE meeting_invitations SET attendance = $3, attendance_recorded_by = $4
            WHERE meeting_id = $1 AND user_id = $2 RETURNING user_id`,
          [meetingId, p.userId, p.attendance, auth.user.id],
        );
        if (!updated.length) {
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
        const known = await m.query<{ id: string }[]>(
          `SELECT fm.id FROM family_members fm JOIN families f ON f.id = fm.family_id
            WHERE f.channel_id = $1 AND fm.id = ANY ($2::uuid[])`,
          [meeting.channel_id, dto.familyMembers.map((f) => f.memberId)],
        );
        if (known.length !== new Set(dto.familyMembers.map((f) => f.memberId)).size) throw notFound('Family member');
        for (const f of dto.familyMembers) {
          await m.query(
            `INSERT INTO meeting_family_attendance (meeting_id, member_id, present, recorded_by) VALUES ($1, $2, $3, $4)
             ON CONFLICT (meeting_id, member_id) DO UPDATE SET present = EXCLUDED.present, recorded_by = EXCLUDED.recorded_by`,
            [meetingId, f.memberId, f.present, auth.user.id],
          );
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
    return this.show(auth, meetingId);
  }

  /** A new version of the minutes, from the version the writer started with (a stale base is refused). */
  async saveMinutes(auth: AuthContext, meetingId: string, dto: SaveMinutesDto) {
    const version = await this.db.transaction(async (m) => {
      const { meeting } = await this.readable(m, auth, meetingId, true);
      this.requireMinuter(meeting, auth);
      this.requireStatus(meeting, 'in_progress', 'writing minutes');
      await this.channels.assertSealedEpoch(m, meeting.channel_id, dto.minutes.epoch, 'minutes');
      const next = await nextVersion(
        m,
        'SELECT coalesce(max(version), 0)::int AS latest FROM minutes_versions WHERE meeting_id = $1',
        meetingId,
        dto.baseVersion,
        'minutes_conflict',
        (latest) => `The minutes changed since you opened them: merge version ${latest} and save again.`,
      );
      await m.query(
        `INSERT INTO minutes_versions (meeting_id, version, ciphertext, epoch, author_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [meetingId, next, sealedBytes(dto.minutes), dto.minutes.epoch, auth.user.id, this.clock.now()],
      );
      this.events.afterCommit(m, () =>
        this.notifier.toChannel(meeting.channel_id, 'minutes.updated', { channelId: meeting.channel_id, meetingId }),
      );
      return next;
    });
    return { meetingId, version };
  }

  async addEntry(auth: AuthContext, meetingId: string, dto: EntryDto) {
    const id = await this.db.transaction(async (m) => {
      const { meeting } = await this.readable(m, auth, meetingId, true);
      this.requireMinuter(meeting, auth);
      this.requireStatus(meeting, 'in_progress', 'adding entries');
      await this.channels.assertSealedEpoch(m, meeting.channel_id, dto.content.epoch, 'content');
      const [{ id: entryId }] = await m.query<{ id: string }[]>(
        `INSERT INTO meeting_entries (meeting_id, agenda_item, kind, ciphertext, epoch, author_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
        [
          meetingId,
          dto.agendaItem,
          dto.kind,
          sealedBytes(dto.content),
          dto.content.epoch,
          auth.user.id,
          this.clock.now(),
        ],
      );
      this.events.afterCommit(m, () =>
        this.notifier.toChannel(meeting.channel_id, 'minutes.updated', { channelId: meeting.channel_id, meetingId }),
      );
      return entryId;
    });
    return { id };
  }

  private async verifyDevice(
    m: EntityManager,
    auth: AuthContext,
    deviceId: string,
    signed: Buffer,
    signature: string,
  ): Promise<void> {
    const [device] = await m.query<{ ed25519_public_key: Buffer }[]>(
      'SELECT ed25519_public_key FROM devices WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL',
      [deviceId, auth.user.id],
    );
    if (!device) throw forbidden('not_your_device', 'Sign with one of your own active devices.');
    if (!verifyEd25519(device.ed25519_public_key, signed, Buffer.from(signature, 'base64url'))) {
      throw new AppError(400, 'invalid_signature', 'The signature does not verify for these minutes and this device.');
    }
  }

  /** The chair closes the meeting: the latest version of the minutes, signed by the chair's device, is final. */
  async close(auth: AuthContext, meetingId: string, dto: CloseMeetingDto) {
    await this.db.transaction(async (m) => {
      const { meeting } = await this.readable(m, auth, meetingId, true);
      this.requireChair(meeting, auth);
      this.requireStatus(meeting, 'in_progress', 'closing');
      const [latest] = await m.query<{ version: number; ciphertext: Buffer }[]>(
        'SELECT version, ciphertext FROM minutes_versions WHERE meeting_id = $1 ORDER BY version DESC LIMIT 1',
        [meetingId],
      );
      if (!latest) throw conflict('no_minutes', 'Write the minutes before closing the meeting.');
      if (latest.version !== dto.version) {
        throw conflict('minutes_conflict', `Sign the latest version of the minutes (${latest.version}).`, {
          latestVersion: latest.version,
        });
      }
      await this.verifyDevice(
        m,
        auth,
        dto.deviceId,
        minutesSigningBytes(meetingId, 'final', dto.version, latest.ciphertext),
        dto.signature,
      );
      await m.query(
        `UPDATE meetings SET status = 'closed', closed_at = $2, final_version = $3, final_signature = $4,
                final_signer_device_id = $5 WHERE id = $1`,
        [meetingId, this.clock.now(), dto.version, Buffer.from(dto.signature, 'base64url'), dto.deviceId],
      );
      await this.audit.record(m, {
        actor: actorOf(auth),
        action: 'meeting.closed',
        target: { type: 'meeting', id: meetingId },
        details: { version: dto.version, deviceId: dto.deviceId },
        meta: auth.meta,
      });
      this.events.afterCommit(m, () =>
        this.notifier.toChannel(meeting.channel_id, 'minutes.updated', { channelId: meeting.channel_id, meetingId }),
      );
    });
    return this.show(auth, meetingId);
  }

  /**
   * Records that a member exported the closed meeting to their agency's case record. The export itself
   * is made and signed on their device; the server keeps only who, when and the export's id.
   */
  async recordExport(auth: AuthContext, meetingId: string, dto: RecordExportDto) {
    return this.db.transaction(async (m) => {
      const { meeting } = await this.readable(m, auth, meetingId);
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

  /** A signed correction to closed minutes; the original stays as it was. */
  async amend(auth: AuthContext, meetingId: string, dto: AmendDto) {
    await this.db.transaction(async (m) => {
      const { meeting } = await this.readable(m, auth, meetingId, true);
      this.requireMinuter(meeting, auth);
      if (meeting.status !== 'closed') {
        throw conflict(
          'invalid_status',
          'Amendments are for closed minutes; while the meeting is in progress, edit them.',
          {
            status: meeting.status,
          },
        );
      }
      await this.channels.assertSealedEpoch(m, meeting.channel_id, dto.amendment.epoch, 'amendment');
      const [{ next }] = await m.query<{ next: number }[]>(
        'SELECT coalesce(max(number), 0)::int + 1 AS next FROM minutes_amendments WHERE meeting_id = $1',
        [meetingId],
      );
      if (dto.number !== next) {
        throw conflict('amendment_conflict', `The next amendment is number ${next}: sign that one.`, { next });
      }
      const ciphertext = sealedBytes(dto.amendment);
      await this.verifyDevice(
        m,
        auth,
        dto.deviceId,
        minutesSigningBytes(meetingId, 'amendment', dto.number, ciphertext),
        dto.signature,
      );
      await m.query(
        `INSERT INTO minutes_amendments (meeting_id, number, ciphertext, epoch, author_id, device_id, signature, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [
          meetingId,
          dto.number,
          ciphertext,
          dto.amendment.epoch,
          auth.user.id,
          dto.deviceId,
          Buffer.from(dto.signature, 'base64url'),
          this.clock.now(),
        ],
      );
      await this.audit.record(m, {
        actor: actorOf(auth),
        action: 'meeting.minutes_amended',
        target: { type: 'meeting', id: meetingId },
        details: { number: dto.number },
        meta: auth.meta,
      });
      this.events.afterCommit(m, () =>
        this.notifier.toChannel(meeting.channel_id, 'minutes.updated', { channelId: meeting.channel_id, meetingId }),
      );
    });
    return this.show(auth, meetingId);
  }

  /** Meetings of a channel, newest first. */
  async listForChannel(auth: AuthContext, channelId: string) {
    await this.channels.membership(this.db.manager, channelId, auth.user.id);
    const rows = await this.db.query<MeetingRow[]>(
      'SELECT * FROM meetings WHERE channel_id = $1 ORDER BY scheduled_at DESC, created_at DESC',
      [channelId],
    );
    return rows.map((r) => this.summary(r));
  }

  /** Meetings you are invited to, soonest first. */
  async mine(auth: AuthContext) {
    const rows = await this.db.query<MeetingRow[]>(
      `SELECT mt.* FROM meetings mt JOIN meeting_invitations i ON i.meeting_id = mt.id AND i.user_id = $1
         JOIN channel_members cm ON cm.channel_id = mt.channel_id AND cm.user_id = $1
        ORDER BY mt.scheduled_at, mt.created_at`,
      [auth.user.id],
    );
    return rows.map((r) => this.summary(r));
  }

  private summary(r: MeetingRow) {
    return {
      id: r.id,
      channelId: r.channel_id,
      kind: r.kind,
      scheduledAt: r.scheduled_at,
      status: r.status,
      chairId: r.chair_id,
      minuteTakerId: r.minute_taker_id,
    };
  }

  async show(auth: AuthContext, meetingId: string) {
    const m = this.db.manager;
    const { meeting } = await this.readable(m, auth, meetingId);
    const invitations = await m.query<
      { user_id: string; display_name: string; agency_id: string; agency_name: string; attendance: string | null }[]
    >(
      `SELECT i.user_id, u.display_name, i.agency_id, a.name AS agency_name, i.attendance
         FROM meeting_invitations i JOIN users u ON u.id = i.user_id JOIN agencies a ON a.id = i.agency_id
        WHERE i.meeting_id = $1 ORDER BY i.invited_at, u.display_name`,
      [meetingId],
    );
    const family = await m.query<{ member_id: string; ref: string; present: boolean }[]>(
      `SELECT fa.member_id, fm.ref, fa.present FROM meeting_family_attendance fa JOIN family_members fm ON fm.id = fa.member_id
        WHERE fa.meeting_id = $1 ORDER BY fm.seq`,
      [meetingId],
    );
    const [minutes] = await m.query<
      { version: number; ciphertext: Buffer; epoch: number; author_id: string; created_at: Date }[]
    >(
      'SELECT version, ciphertext, epoch, author_id, created_at FROM minutes_versions WHERE meeting_id = $1 ORDER BY version DESC LIMIT 1',
      [meetingId],
    );
    const amendments = await m.query<
      {
        number: number;
        ciphertext: Buffer;
        epoch: number;
        author_id: string;
        device_id: string;
        signature: Buffer;
        created_at: Date;
      }[]
    >('SELECT * FROM minutes_amendments WHERE meeting_id = $1 ORDER BY number', [meetingId]);
    const entries = await m.query<
      {
        id: string;
        agenda_item: string;
        kind: string;
        ciphertext: Buffer;
        epoch: number;
        author_id: string;
        created_at: Date;
      }[]
    >('SELECT * FROM meeting_entries WHERE meeting_id = $1 ORDER BY seq', [meetingId]);
    return {
      ...this.summary(meeting),
      place: sealedView(meeting.place_ciphertext, meeting.place_epoch),
      agenda: sealedView(meeting.agenda_ciphertext, meeting.agenda_epoch),
      startedAt: meeting.started_at,
      closedAt: meeting.closed_at,
      invitees: invitations.map((i) => ({
        userId: i.user_id,
        displayName: i.display_name,
        agencyId: i.agency_id,
        agencyName: i.agency_name,
        attendance: i.attendance,
      })),
      familyAttendance: family.map((f) => ({ memberId: f.member_id, memberRef: f.ref, present: f.present })),
      minutes: minutes
        ? {
            version: minutes.version,
            epoch: minutes.epoch,
            ciphertext: b64(minutes.ciphertext),
            authorId: minutes.author_id,
            savedAt: minutes.created_at,
          }
        : null,
      final:
        meeting.status === 'closed'
          ? {
              version: meeting.final_version,
              signature: b64(meeting.final_signature!),
              deviceId: meeting.final_signer_device_id,
            }
          : null,
      amendments: amendments.map((a) => ({
        number: a.number,
        epoch: a.epoch,
        ciphertext: b64(a.ciphertext),
        authorId: a.author_id,
        deviceId: a.device_id,
        signature: b64(a.signature),
        createdAt: a.created_at,
      })),
      entries: entries.map((e) => ({
        id: e.id,
        agendaItem: e.agenda_item,
        kind: e.kind,
        content: { epoch: e.epoch, ciphertext: b64(e.ciphertext) },
        authorId: e.author_id,
        createdAt: e.created_at,
      })),
    };
  }

  /** Every saved version of the minutes (the history behind the latest). */
  async versions(auth: AuthContext, meetingId: string) {
    const m = this.db.manager;
    await this.readable(m, auth, meetingId);
    const rows = await m.query<
      { version: number; ciphertext: Buffer; epoch: number; author_id: string; created_at: Date }[]
    >(
      'SELECT version, ciphertext, epoch, author_id, created_at FROM minutes_versions WHERE meeting_id = $1 ORDER BY version',
      [meetingId],
    );
    return rows.map((r) => ({
      version: r.version,
      epoch: r.epoch,
      ciphertext: b64(r.ciphertext),
      authorId: r.author_id,
      savedAt: r.created_at,
    }));
  }
}
