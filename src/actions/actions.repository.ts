import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type {
  ActionStatus,
  ActionUpdateKind,
  ActionUpdateView,
  ActionView,
  CreateActionInput,
} from '../../contracts/actions.js';
import { onRecordIdTaken } from '../common/db-errors.js';
import { sealedBytes, sealedView } from '../common/sealed.js';
import { returningRows } from '../common/sql.js';
import { shownStatus } from './action-rules.js';

/** A row of `actions`, its due date as `YYYY-MM-DD`. */
export interface ActionRow {
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

/** A row of `action_updates`. */
export interface ActionUpdateRow {
  id: string;
  author_id: string;
  kind: ActionUpdateKind;
  status_from: ActionStatus | null;
  status_to: ActionStatus | null;
  from_user_id: string | null;
  to_user_id: string | null;
  note_ciphertext: Buffer | null;
  note_epoch: number | null;
  created_at: Date;
}

/** Which reminder a claim is for: the column that marks it sent and which actions are due it. */
export type ReminderKind = 'overdue' | 'due_soon';

/** A claimed reminder: whom to remind of which action. */
export interface ReminderRow {
  id: string;
  owner_id: string;
  channel_id: string;
}

/** The action as members see it on `today` (`YYYY-MM-DD`), when it may show as overdue. */
export const toActionView = (a: ActionRow, today: string): ActionView => ({
  id: a.id,
  channelId: a.channel_id,
  meetingId: a.meeting_id,
  planObjective: a.plan_objective,
  description: sealedView(a.description_ciphertext, a.description_epoch)!,
  ownerId: a.owner_id,
  ownerAgencyId: a.owner_agency_id,
  dueOn: a.due_on,
  recordedStatus: a.status,
  status: shownStatus(a.status, a.due_on, today),
  createdBy: a.created_by,
  createdAt: a.created_at.toISOString(),
  updatedAt: a.updated_at.toISOString(),
});

export const toActionUpdateView = (u: ActionUpdateRow): ActionUpdateView => ({
  id: u.id,
  authorId: u.author_id,
  kind: u.kind,
  statusFrom: u.status_from,
  statusTo: u.status_to,
  fromUserId: u.from_user_id,
  toUserId: u.to_user_id,
  note: sealedView(u.note_ciphertext, u.note_epoch),
  createdAt: u.created_at.toISOString(),
});

const SELECT_ACTION = `SELECT a.id, a.channel_id, a.meeting_id, a.description_ciphertext, a.description_epoch, a.owner_id,
  a.owner_agency_id, to_char(a.due_on, 'YYYY-MM-DD') AS due_on, a.status, a.created_by, a.created_at, a.updated_at,
  a.plan_objective
  FROM actions a`;

const DUE_SOON_DAYS = 2;
const REMINDER_BATCH = 500;
const REMINDERS: Record<ReminderKind, { column: string; condition: string }> = {
  overdue: { column: 'reminded_overdue_at', condition: 'due_on < $1::date' },
  due_soon: {
    column: 'reminded_due_soon_at',
    condition: `due_on >= $1::date AND due_on <= $1::date + ${DUE_SOON_DAYS}`,
  },
};

/** Actions and their history (`actions`, `action_updates`). */
@Injectable()
export class ActionsRepository {
  /** The action, or null; `lock` holds its row for the caller's transaction. */
  async find(m: EntityManager, id: string, lock = false): Promise<ActionRow | null> {
    const [row] = await m.query<ActionRow[]>(`${SELECT_ACTION} WHERE a.id = $1 ${lock ? 'FOR UPDATE' : ''}`, [id]);
    return row ?? null;
  }

  /** A new open action; returns its id. */
  async insert(
    m: EntityManager,
    input: CreateActionInput,
    ownerAgencyId: string,
    createdBy: string,
    now: Date,
  ): Promise<string> {
    const [{ id }] = await m
      .query<{ id: string }[]>(
        `INSERT INTO actions (channel_id, meeting_id, description_ciphertext, description_epoch, owner_id, owner_agency_id,
          due_on, created_by, created_at, updated_at, plan_objective, id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10, $11) RETURNING id`,
        [
          input.channelId,
          input.meetingId ?? null,
          sealedBytes(input.description),
          input.description.epoch,
          input.ownerId,
          ownerAgencyId,
          input.dueOn,
          createdBy,
          now,
          input.planObjective ?? null,
          input.id,
        ],
      )
      .catch(onRecordIdTaken('actions'));
    return id;
  }

  /** Sets the status (when given) and marks the action updated. */
  async touch(m: EntityManager, id: string, now: Date, status?: ActionStatus): Promise<void> {
    if (status !== undefined)
      await m.query('UPDATE actions SET status = $2, updated_at = $3 WHERE id = $1', [id, status, now]);
    else await m.query('UPDATE actions SET updated_at = $2 WHERE id = $1', [id, now]);
  }

  async setOwner(m: EntityManager, id: string, ownerId: string, agencyId: string, now: Date): Promise<void> {
    await m.query('UPDATE actions SET owner_id = $2, owner_agency_id = $3, updated_at = $4 WHERE id = $1', [
      id,
      ownerId,
      agencyId,
      now,
    ]);
  }

  /** Appends to the action's history (the note, if any, as stored bytes). */
  async insertUpdate(
    m: EntityManager,
    actionId: string,
    u: Omit<ActionUpdateRow, 'note_ciphertext' | 'note_epoch'> & { note?: { epoch: number; ciphertext: string } },
  ): Promise<void> {
    await m
      .query(
        `INSERT INTO action_updates (action_id, author_id, kind, status_from, status_to, from_user_id, to_user_id,
          note_ciphertext, note_epoch, created_at, id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        [
          actionId,
          u.author_id,
          u.kind,
          u.status_from,
          u.status_to,
          u.from_user_id,
          u.to_user_id,
          u.note ? sealedBytes(u.note) : null,
          u.note?.epoch ?? null,
          u.created_at,
          u.id,
        ],
      )
      .catch(onRecordIdTaken('action_updates'));
  }

  updates(m: EntityManager, actionId: string): Promise<ActionUpdateRow[]> {
    return m.query<ActionUpdateRow[]>('SELECT * FROM action_updates WHERE action_id = $1 ORDER BY seq', [actionId]);
  }

  /** `ownerId`'s actions in `channelIds`: overdue on `today` first, then live ones, then by due date. */
  listOwned(m: EntityManager, ownerId: string, channelIds: string[], today: string): Promise<ActionRow[]> {
    return m.query<ActionRow[]>(
      `${SELECT_ACTION}
        WHERE a.owner_id = $1 AND a.channel_id = ANY ($3::uuid[])
        ORDER BY (a.status IN ('open','in_progress') AND a.due_on < $2::date) DESC,
                 (a.status IN ('open','in_progress')) DESC, a.due_on, a.created_at`,
      [ownerId, today, channelIds],
    );
  }

  /** `ownerId`'s open and in-progress actions in any channel (a leaver's, to hand over), by due date. */
  listOpenOwned(m: EntityManager, ownerId: string): Promise<ActionRow[]> {
    return m.query<ActionRow[]>(
      `${SELECT_ACTION} WHERE a.owner_id = $1 AND a.status IN ('open','in_progress') ORDER BY a.due_on, a.created_at`,
      [ownerId],
    );
  }

  listForChannel(m: EntityManager, channelId: string): Promise<ActionRow[]> {
    return m.query<ActionRow[]>(`${SELECT_ACTION} WHERE a.channel_id = $1 ORDER BY a.due_on, a.created_at`, [
      channelId,
    ]);
  }

  /**
   * Claims up to a batch of live actions due the `kind` reminder on `today` and marks it sent at `now`,
   * skipping rows another instance holds (SKIP LOCKED), so each reminder goes out once.
   */
  claimReminders(m: EntityManager, kind: ReminderKind, today: string, now: Date): Promise<ReminderRow[]> {
    const { column, condition } = REMINDERS[kind];
    return returningRows<ReminderRow>(
      m,
      `WITH due AS (
         SELECT id FROM actions
          WHERE status IN ('open','in_progress') AND ${column} IS NULL AND ${condition}
          ORDER BY due_on LIMIT ${REMINDER_BATCH} FOR UPDATE SKIP LOCKED
       )
       UPDATE actions a SET ${column} = $2 FROM due WHERE a.id = due.id
       RETURNING a.id, a.owner_id, a.channel_id`,
      [today, now],
    );
  }
}
