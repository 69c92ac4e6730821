import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { SealedField } from '../../contracts/common.js';
import type {
  ActionDetailView,
  ActionView,
  CreateActionInput,
  ReassignActionInput,
  UpdateActionInput,
} from '../../contracts/actions.js';
import { AuditService } from '../audit/audit.service.js';
import { ChannelsService } from '../channels/channels.service.js';
import { conflict, forbidden, notFound } from '../common/app-error.js';
import { Clock } from '../common/clock.js';
import { DomainEvents } from '../common/domain-events.js';
import { FamiliesService } from '../families/families.service.js';
import { actorOf, type AuthContext } from '../identity/auth-context.js';
import { MeetingsRepository } from '../meetings/meetings.repository.js';
import { Notifier } from '../notifications/notifier.js';
import { RetentionSchedulesService } from '../retention-schedules/retention-schedules.service.js';
import { isLive } from './action-rules.js';
import { ActionsRepository, toActionUpdateView, toActionView, type ActionRow } from './actions.repository.js';

/**
 * Actions with a named owner, their agency and a due date (ISA 1.2). Only the owner, the chair (of
 * the meeting it came from, or of its channel) or the family's lead worker changes an action's
 * status; the chair or the lead worker reassigns it. Overdue is derived from the date, never stored.
 * Reminders are their own job (ActionRemindersService).
 */
@Injectable()
export class ActionsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly channels: ChannelsService,
    private readonly families: FamiliesService,
    private readonly audit: AuditService,
    private readonly events: DomainEvents,
    private readonly notifier: Notifier,
    private readonly actions: ActionsRepository,
    private readonly meetings: MeetingsRepository,
    private readonly retention: RetentionSchedulesService,
  ) {}

  private today(): string {
    return this.clock.now().toISOString().slice(0, 10);
  }

  private async get(m: EntityManager, id: string, lock = false): Promise<ActionRow> {
    const row = await this.actions.find(m, id, lock);
    if (!row) throw notFound('Action');
    return row;
  }

  /** Who may steer an action: its chair (meeting chair, else a channel chair) and the family's lead worker. */
  private async steers(m: EntityManager, auth: AuthContext, a: ActionRow): Promise<boolean> {
    if (a.meeting_id) {
      const meeting = await this.meetings.find(m, a.meeting_id);
      if (meeting?.chair_id === auth.user.id) return true;
    } else {
      const member = await this.channels.membership(m, a.channel_id, auth.user.id);
      if (member.role === 'chair') return true;
    }
    const family = await this.families.forChannel(m, a.channel_id);
    return family?.lead_worker_id === auth.user.id;
  }

  async create(auth: AuthContext, dto: CreateActionInput): Promise<ActionDetailView> {
    const now = this.clock.now();
    const id = await this.db.transaction(async (m) => {
      const me = await this.channels.membership(m, dto.channelId, auth.user.id);
      let allowed = me.role === 'chair';
      if (dto.meetingId) {
        const meeting = await this.meetings.find(m, dto.meetingId);
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
      const actionId = await this.actions.insert(m, dto, ownerAgency, auth.user.id, now);
      // Its period from the setter's agency's schedule, counted from when it is done or cancelled.
      await this.retention.fixAtCreation(m, 'actions', actionId, auth.user.agencyId, now);
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
  async update(auth: AuthContext, actionId: string, dto: UpdateActionInput): Promise<ActionDetailView> {
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
      await this.actions.touch(m, actionId, now, changes ? dto.status : undefined);
      if (changes && isLive(a.status) && !isLive(dto.status!))
        await this.retention.anchorClosure(m, 'actions', actionId, now);
      if (changes && !isLive(a.status) && isLive(dto.status!)) await this.retention.reopen(m, 'actions', actionId);
      await this.actions.insertUpdate(m, actionId, {
        id: dto.updateId,
        author_id: auth.user.id,
        kind: changes ? 'status' : 'progress',
        status_from: changes ? a.status : null,
        status_to: changes ? dto.status! : null,
        from_user_id: null,
        to_user_id: null,
        note: dto.note,
        created_at: now,
      });
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
  async reassign(auth: AuthContext, actionId: string, dto: ReassignActionInput): Promise<ActionDetailView> {
    await this.db.transaction(async (m) => {
      const a = await this.get(m, actionId, true);
      await this.channels.membership(m, a.channel_id, auth.user.id);
      if (!(await this.steers(m, auth, a))) {
        throw forbidden('chair_only', 'Only the chair or the lead worker can reassign an action.');
      }
      if (dto.ownerId === a.owner_id) throw conflict('no_change', 'That person already owns the action.');
      if (dto.reason) await this.channels.assertSealedEpoch(m, a.channel_id, dto.reason.epoch, 'reason');
      await this.changeOwner(m, auth, a, dto.ownerId, { id: dto.updateId, note: dto.reason });
    });
    return this.show(auth, actionId);
  }

  /** A leaver's open and in-progress actions, whichever channels they were in. */
  openOwnedBy(m: EntityManager, ownerId: string): Promise<ActionRow[]> {
    return this.actions.listOpenOwned(m, ownerId);
  }

  /**
   * A leaver's open action handed by an administrator (who need not be in its channel) to `ownerId`, who
   * must be able to take part in the channel now; in the caller's transaction, recorded and audited.
   * Refused unless `leaverId` owns it and it is still open. Returns its channel.
   */
  async handOver(
    m: EntityManager,
    auth: AuthContext,
    actionId: string,
    leaverId: string,
    ownerId: string,
  ): Promise<{ channelId: string }> {
    const a = await this.get(m, actionId, true);
    if (a.owner_id !== leaverId || !['open', 'in_progress'].includes(a.status)) {
      throw conflict('not_held_by_leaver', 'That action is not one of this person’s open actions (any more).');
    }
    await this.changeOwner(m, auth, a, ownerId, { id: randomUUID() }, { handOver: true });
    return { channelId: a.channel_id };
  }

  /**
   * Gives the action to `ownerId`, who must be able to take part in its channel now, on the record: the
   * history entry `update` (with its sealed reason, if any), the audit event and the channel's event.
   */
  private async changeOwner(
    m: EntityManager,
    auth: AuthContext,
    a: ActionRow,
    ownerId: string,
    update: { id: string; note?: SealedField },
    details: Record<string, unknown> = {},
  ): Promise<void> {
    const agencyId = await this.channels.assertParticipant(m, a.channel_id, ownerId, 'An action’s owner');
    const now = this.clock.now();
    await this.actions.setOwner(m, a.id, ownerId, agencyId, now);
    await this.actions.insertUpdate(m, a.id, {
      id: update.id,
      author_id: auth.user.id,
      kind: 'reassigned',
      status_from: null,
      status_to: null,
      from_user_id: a.owner_id,
      to_user_id: ownerId,
      note: update.note,
      created_at: now,
    });
    await this.audit.record(m, {
      actor: actorOf(auth),
      action: 'action.reassigned',
      target: { type: 'action', id: a.id },
      details: { from: a.owner_id, to: ownerId, ...details },
      meta: auth.meta,
    });
    this.afterChange(m, a.channel_id, a.id);
  }

  async show(auth: AuthContext, actionId: string): Promise<ActionDetailView> {
    const m = this.db.manager;
    const a = await this.get(m, actionId);
    await this.channels.membership(m, a.channel_id, auth.user.id);
    const updates = await this.actions.updates(m, actionId);
    return { ...toActionView(a, this.today()), updates: updates.map(toActionUpdateView) };
  }

  /** Your actions in every channel you are still in: overdue first, then by due date. */
  async mine(auth: AuthContext): Promise<ActionView[]> {
    const channelIds = await this.channels.channelIdsOf(this.db.manager, auth.user.id);
    const today = this.today();
    const rows = await this.actions.listOwned(this.db.manager, auth.user.id, channelIds, today);
    return rows.map((r) => toActionView(r, today));
  }

  async listForChannel(auth: AuthContext, channelId: string): Promise<ActionView[]> {
    await this.channels.membership(this.db.manager, channelId, auth.user.id);
    const rows = await this.actions.listForChannel(this.db.manager, channelId);
    const today = this.today();
    return rows.map((r) => toActionView(r, today));
  }
}
