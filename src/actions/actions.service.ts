import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { ChannelsService } from '../channels/channels.service.js';
import { conflict, forbidden, notFound } from '../common/app-error.js';
import { Clock } from '../common/clock.js';
import { DomainEvents } from '../common/domain-events.js';
import { JobRegistry } from '../common/jobs.js';
import { returningRows } from '../common/sql.js';
import { sealedBytes, sealedView } from '../common/sealed.js';
import { FamiliesService } from '../families/families.service.js';
import { actorOf, type AuthContext } from '../identity/auth-context.js';
import { Notifier } from '../notifications/notifier.js';
import type { ActionStatus, CreateActionDto, ReassignActionDto, UpdateActionDto } from './dto/action.dto.js';

interface ActionRow {
  id: string;
  channel_id: string;
  meeting_id: string | null;
  description_ciphertext: Buffer;
  description_epoch: number;
  owner_id: string;
  owner_agency_id: string;
  due_on: string;
  status: ActionStatus;
  created_by: string;
  created_at: Date;
  updated_at: Date;
  plan_objective: string | null;
}

const SELECT_ACTION = `SELECT a.id, a.channel_id, a.meeting_id, a.description_ciphertext, a.description_epoch, a.owner_id,
  a.owner_agency_id, to_char(a.due_on, 'YYYY-MM-DD') AS due_on, a.status, a.created_by, a.created_at, a.updated_at,
  a.plan_objective
  FROM actions a`;
const DUE_SOON_DAYS = 2;
const REMINDER_BATCH = 500;

/**
 * Actions with a named owner, their agency and a due date (ISA 1.2). Only the owner, the chair (of
 * the meeting it came from, or of its channel) or the family's lead worker changes an action's
 * status; the chair or the lead worker reassigns it. Overdue is derived from the date, never stored.
 */
@Injectable()
export class ActionsService implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly channels: ChannelsService,
    private readonly families: FamiliesService,
    private readonly audit: AuditService,
    private readonly events: DomainEvents,
    private readonly notifier: Notifier,
    private readonly jobs: JobRegistry,
  ) {}

  onModuleInit(): void {
    this.jobs.register('action-reminders', () => this.sendReminders());
  }

  private today(): string {
    return this.clock.now().toISOString().slice(0, 10);
  }

  private async get(m: EntityManager, id: string, lock = false): Promise<ActionRow> {
    const [row] = await m.query<ActionRow[]>(`${SELECT_ACTION} WHERE a.id = $1 ${lock ? 'FOR UPDATE' : ''}`, [id]);
    if (!row) throw notFound('Action');
    return row;
  }

  /** Who may steer an action: its chair (meeting chair, else a channel chair) and the family's lead worker. */
  private async steers(m: EntityManager, auth: AuthContext, a: ActionRow): Promise<boolean> {
    if (a.meeting_id) {
      const [meeting] = await m.query<{ chair_id: string }[]>('SELECT chair_id FROM meetings WHERE id = $1', [
        a.meeting_id,
      ]);
      if (meeting?.chair_id === auth.user.id) return true;
    } else {
      const member = await this.channels.membership(m, a.channel_id, auth.user.id);
      if (member.role === 'chair') return true;
    }
    const family = await this.families.forChannel(m, a.channel_id);
    return family?.lead_worker_id === auth.user.id;
  }

  async create(auth: AuthContext, dto: CreateActionDto) {
    const now = this.clock.now();
    const id = await this.db.transaction(async (m) => {
      const me = await this.channels.membership(m, dto.channelId, auth.user.id);
      let allowed = me.role === 'chair';
      if (dto.meetingId) {
        const [meeting] = await m.query<{ channel_id: string; chair_id: string; minute_taker_id: string | null }[]>(
          'SELECT channel_id, chair_id, minute_taker_id FROM meetings WHERE id = $1',
          [dto.meetingId],
        );
        if (!meeting || meeting.channel_id !== dto.channelId) throw notFound('Meeting');
        allowed ||= meeting.chair_id === auth.user.id || meeting.minute_taker_id === auth.user.id;
      }
      const family = await this.families.forChannel(m, dto.channelId);
      allowed ||= family?.lead_worker_id === auth.user.id;
      if (!allowed) {
        throw forbidden(
          'chair_only',
          'Actions are set by the chair, the minute-taker of the meeting, or the lead worker.',
        );
      }
      await this.channels.assertSealedEpoch(m, dto.channelId, dto.description.epoch, 'description');
      const ownerAgency = await this.channels.assertParticipant(m, dto.channelId, dto.ownerId, 'An action’s owner');
      const [{ id: actionId }] = await m.query<{ id: string }[]>(
        `INSERT INTO actions (channel_id, meeting_id, description_ciphertext, description_epoch, owner_id, owner_agency_id,
            due_on, created_by, created_at, updated_at, plan_objective)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10) RETURNING id`,
        [
          dto.channelId,
          dto.meetingId ?? null,
          sealedBytes(dto.description),
          dto.description.epoch,
          dto.ownerId,
          ownerAgency,
          dto.dueOn,
          auth.user.id,
          now,
          dto.planObjective ?? null,
        ],
      );
      await this.audit.record(m, {
        actor: actorOf(auth),
        action: 'action.created',
        target: { type: 'action', id: actionId },
        details: { channelId: dto.channelId, ownerId: dto.ownerId, dueOn: dto.dueOn },
        meta: auth.meta,
      });
      this.afterChange(m, dto.channelId, actionId);
      return actionId;
    });
    return this.show(auth, id);
  }

  private afterChange(m: EntityManager, channelId: string, actionId: string): void {
    this.events.afterCommit(m, () => this.notifier.toChannel(channelId, 'action.updated', { channelId, actionId }));
  }

  /** Status and/or a progress note, by the owner, the chair or the lead worker. */
  async update(auth: AuthContext, actionId: string, dto: UpdateActionDto) {
    await this.db.transaction(async (m) => {
      const a = await this.get(m, actionId, true);
      await this.channels.membership(m, a.channel_id, auth.user.id);
      if (a.owner_id !== auth.user.id && !(await this.steers(m, auth, a))) {
        throw forbidden('not_action_owner', 'Only the action’s owner, the chair or the lead worker can update it.');
      }
      if (dto.note) await this.channels.assertSealedEpoch(m, a.channel_id, dto.note.epoch, 'note');
      const changes = dto.status !== undefined && dto.status !== a.status;
      if (dto.status !== undefined && !changes && !dto.note) {
        throw conflict('no_change', `The action is already ${a.status.replace('_', ' ')}.`);
      }
      const now = this.clock.now();
      if (changes)
        await m.query('UPDATE actions SET status = $2, updated_at = $3 WHERE id = $1', [actionId, dto.status, now]);
      else await m.query('UPDATE actions SET updated_at = $2 WHERE id = $1', [actionId, now]);
      await m.query(
        `INSERT INTO action_updates (action_id, author_id, kind, status_from, status_to, note_ciphertext, note_epoch, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [
          actionId,
          auth.user.id,
          changes ? 'status' : 'progress',
          changes ? a.status : null,
          changes ? dto.status : null,
          dto.note ? sealedBytes(dto.note) : null,
          dto.note?.epoch ?? null,
          now,
        ],
      );
      await this.audit.record(m, {
        actor: actorOf(auth),
        action: changes ? 'action.status_changed' : 'action.progress_noted',
        target: { type: 'action', id: actionId },
        details: changes ? { from: a.status, to: dto.status! } : {},
        meta: auth.meta,
      });
      this.afterChange(m, a.channel_id, actionId);
    });
    return this.show(auth, actionId);
  }

  /** The chair or the lead worker hands an action to someone else (a leaver's, say); recorded. */
  async reassign(auth: AuthContext, actionId: string, dto: ReassignActionDto) {
    await this.db.transaction(async (m) => {
      const a = await this.get(m, actionId, true);
      await this.channels.membership(m, a.channel_id, auth.user.id);
      if (!(await this.steers(m, auth, a))) {
        throw forbidden('chair_only', 'Only the chair or the lead worker can reassign an action.');
      }
      if (dto.ownerId === a.owner_id) throw conflict('no_change', 'That person already owns the action.');
      if (dto.reason) await this.channels.assertSealedEpoch(m, a.channel_id, dto.reason.epoch, 'reason');
      const agencyId = await this.channels.assertParticipant(m, a.channel_id, dto.ownerId, 'An action’s owner');
      const now = this.clock.now();
      await m.query('UPDATE actions SET owner_id = $2, owner_agency_id = $3, updated_at = $4 WHERE id = $1', [
        actionId,
        dto.ownerId,
        agencyId,
        now,
      ]);
      await m.query(
        `INSERT INTO action_updates (action_id, author_id, kind, from_user_id, to_user_id, note_ciphertext, note_epoch, created_at)
         VALUES ($1, $2, 'reassigned', $3, $4, $5, $6, $7)`,
        [
          actionId,
          auth.user.id,
          a.owner_id,
          dto.ownerId,
          dto.reason ? sealedBytes(dto.reason) : null,
          dto.reason?.epoch ?? null,
          now,
        ],
      );
      await this.audit.record(m, {
        actor: actorOf(auth),
        action: 'action.reassigned',
        target: { type: 'action', id: actionId },
        details: { from: a.owner_id, to: dto.ownerId },
        meta: auth.meta,
      });
      this.afterChange(m, a.channel_id, actionId);
    });
    return this.show(auth, actionId);
  }

  private view(a: ActionRow) {
    const live = a.status === 'open' || a.status === 'in_progress';
    return {
      id: a.id,
      channelId: a.channel_id,
      meetingId: a.meeting_id,
      planObjective: a.plan_objective,
      description: sealedView(a.description_ciphertext, a.description_epoch)!,
      ownerId: a.owner_id,
      ownerAgencyId: a.owner_agency_id,
      dueOn: a.due_on,
      recordedStatus: a.status,
      /** `overdue` when still open or in progress after its due date. */
      status: live && a.due_on < this.today() ? ('overdue' as const) : a.status,
      createdBy: a.created_by,
      createdAt: a.created_at,
      updatedAt: a.updated_at,
    };
  }

  async show(auth: AuthContext, actionId: string) {
    const m = this.db.manager;
    const a = await this.get(m, actionId);
    await this.channels.membership(m, a.channel_id, auth.user.id);
    const updates = await m.query<
      {
        author_id: string;
        kind: string;
        status_from: string | null;
        status_to: string | null;
        from_user_id: string | null;
        to_user_id: string | null;
        note_ciphertext: Buffer | null;
        note_epoch: number | null;
        created_at: Date;
      }[]
    >('SELECT * FROM action_updates WHERE action_id = $1 ORDER BY seq', [actionId]);
    return {
      ...this.view(a),
      updates: updates.map((u) => ({
        authorId: u.author_id,
        kind: u.kind,
        statusFrom: u.status_from,
        statusTo: u.status_to,
        fromUserId: u.from_user_id,
        toUserId: u.to_user_id,
        note: sealedView(u.note_ciphertext, u.note_epoch),
        createdAt: u.created_at,
      })),
    };
  }

  /** Your actions in every channel you are still in: overdue first, then by due date. */
  async mine(auth: AuthContext) {
    const rows = await this.db.query<ActionRow[]>(
      `${SELECT_ACTION} JOIN channel_members cm ON cm.channel_id = a.channel_id AND cm.user_id = $1
        WHERE a.owner_id = $1
        ORDER BY (a.status IN ('open','in_progress') AND a.due_on < $2::date) DESC,
                 (a.status IN ('open','in_progress')) DESC, a.due_on, a.created_at`,
      [auth.user.id, this.today()],
    );
    return rows.map((r) => this.view(r));
  }

  async listForChannel(auth: AuthContext, channelId: string) {
    await this.channels.membership(this.db.manager, channelId, auth.user.id);
    const rows = await this.db.query<ActionRow[]>(
      `${SELECT_ACTION} WHERE a.channel_id = $1 ORDER BY a.due_on, a.created_at`,
      [channelId],
    );
    return rows.map((r) => this.view(r));
  }

  /**
   * The reminder job: each live action gets one `due_soon` reminder when it falls due within two days
   * and one `overdue` reminder after its date, on whichever instance takes it (SKIP LOCKED), never twice.
   */
  async sendReminders(): Promise<number> {
    const today = this.today();
    let sent = 0;
    for (const [column, reminder, condition] of [
      ['reminded_overdue_at', 'overdue', 'due_on < $1::date'],
      ['reminded_due_soon_at', 'due_soon', `due_on >= $1::date AND due_on <= $1::date + ${DUE_SOON_DAYS}`],
    ] as const) {
      const rows = await this.db.transaction((m) =>
        returningRows<{ id: string; owner_id: string; channel_id: string }>(
          m,
          `WITH due AS (
             SELECT id FROM actions
              WHERE status IN ('open','in_progress') AND ${column} IS NULL AND ${condition}
              ORDER BY due_on LIMIT ${REMINDER_BATCH} FOR UPDATE SKIP LOCKED
           )
           UPDATE actions a SET ${column} = $2 FROM due WHERE a.id = due.id
           RETURNING a.id, a.owner_id, a.channel_id`,
          [today, this.clock.now()],
        ),
      );
      for (const r of rows) {
        this.notifier.toUser(r.owner_id, 'action.updated', { channelId: r.channel_id, actionId: r.id, reminder });
      }
      sent += rows.length;
    }
    return sent;
  }
}
