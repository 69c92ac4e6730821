import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { HandOverView } from '../../contracts/notifications.js';
import { ActionsService } from '../actions/actions.service.js';
import { AgenciesService } from '../agencies/agencies.service.js';
import { agencyCanShare } from '../agencies/agency-rules.js';
import { conflict, forbidden, notFound } from '../common/app-error.js';
import { Clock } from '../common/clock.js';
import { DomainEvents } from '../common/domain-events.js';
import { FamiliesService } from '../families/families.service.js';
import type { AuthContext } from '../identity/auth-context.js';
import { UsersRepository } from '../identity/users.repository.js';
import { NotificationsService } from '../notifications/notifications.service.js';

/** What a leaver holds: their open actions and the families they lead. */
interface Holdings {
  actions: { id: string; channel_id: string; meeting_id: string | null; due_on: string; status: string }[];
  families: { id: string; ref: string; channel_id: string }[];
}

/**
 * Leavers and withdrawals carried through (ISA 8.4.2, 12). Disabling a user ends their sessions and
 * memberships elsewhere (identity, channels); this makes sure nothing they held is silently dropped: their
 * open actions wait for a named colleague, the families they lead are flagged until a new lead worker is
 * set, and the people who must act are told. An agency's withdrawal does the same for each of its users,
 * and tells every partner agency's admins and the ISA team.
 */
@Injectable()
export class HandOverService implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly events: DomainEvents,
    private readonly users: UsersRepository,
    private readonly agencies: AgenciesService,
    private readonly actions: ActionsService,
    private readonly families: FamiliesService,
    private readonly notifications: NotificationsService,
  ) {}

  onModuleInit(): void {
    this.events.on('user.disabled', (e, m) => this.announceLeaver(m, e.userId, e.agencyId));
    this.events.on('agency.withdrawn', async (e, m) => {
      for (const userId of await this.users.idsOfAgency(m, e.agencyId)) {
        await this.announceLeaver(m, userId, e.agencyId);
      }
      const partners = (await this.agencies.sharingAgencies(m)).map((a) => a.id).filter((id) => id !== e.agencyId);
      const told = [
        ...(await this.users.activeIdsWithRoleIn(m, partners, ['agency_admin'])),
        ...(await this.users.activeIdsWithRoleAnywhere(m, ['isa_admin'])),
      ];
      await this.notifications.notify(m, told, 'agency_withdrawn', { agencyId: e.agencyId });
    });
  }

  /** What the leaver holds, in the caller's transaction. */
  private async holdings(m: EntityManager, userId: string): Promise<Holdings> {
    return {
      actions: await this.actions.openOwnedBy(m, userId),
      families: await this.families.ledBy(m, userId),
    };
  }

  /**
   * Whoever must hand a leaver's work over: their agency's admins while it is party to the agreement, else
   * (withdrawn, or none left) the ISA team.
   */
  private async handlers(m: EntityManager, userId: string, agencyId: string): Promise<string[]> {
    const agency = await this.agencies.get(agencyId, m);
    const admins = agencyCanShare(agency, this.clock.now())
      ? (await this.users.activeIdsWithRole(m, agencyId, ['agency_admin'])).filter((id) => id !== userId)
      : [];
    return admins.length ? admins : this.users.activeIdsWithRoleAnywhere(m, ['isa_admin']);
  }

  /** Tells whoever must act what a leaver leaves behind (nothing to hand over: nobody is bothered). */
  private async announceLeaver(m: EntityManager, userId: string, agencyId: string): Promise<void> {
    const held = await this.holdings(m, userId);
    if (!held.actions.length && !held.families.length) return;
    const handlers = await this.handlers(m, userId, agencyId);
    await this.notifications.notify(m, handlers, 'hand_over_needed', { userId, agencyId });
    for (const f of held.families) {
      await this.notifications.notify(m, handlers, 'lead_worker_left', {
        familyId: f.id,
        channelId: f.channel_id,
        userId,
      });
    }
  }

  /** The user, if the caller looks after their account: an ISA admin anyone's, an agency admin their agency's. */
  private async managed(m: EntityManager, auth: AuthContext, userId: string) {
    const user = await this.users.standing(m, userId);
    if (!user) throw notFound('User');
    if (auth.user.role === 'agency_admin' && user.agencyId !== auth.user.agencyId) {
      throw forbidden('other_agency', 'You can only hand over the work of your own agency’s people.');
    }
    const agency = await this.agencies.get(user.agencyId, m);
    const leaving = user.status === 'disabled' || !agencyCanShare(agency, this.clock.now());
    return { ...user, id: userId, leaving };
  }

  /** A person's open actions and the families they lead, with whether they are leaving. */
  async view(auth: AuthContext, userId: string): Promise<HandOverView> {
    const m = this.db.manager;
    const user = await this.managed(m, auth, userId);
    const held = await this.holdings(m, userId);
    return {
      user: { id: userId, displayName: user.displayName, agencyId: user.agencyId, status: user.status },
      leaving: user.leaving,
      actions: held.actions.map((a) => ({
        id: a.id,
        channelId: a.channel_id,
        meetingId: a.meeting_id,
        dueOn: a.due_on,
        status: a.status,
      })),
      families: held.families.map((f) => ({ id: f.id, ref: f.ref, channelId: f.channel_id })),
    };
  }

  private async leaver(m: EntityManager, auth: AuthContext, userId: string) {
    const user = await this.managed(m, auth, userId);
    if (!user.leaving) {
      throw conflict(
        'not_leaving',
        'This person is still active: disable their account first, or reassign the action in its channel.',
      );
    }
    return user;
  }

  /** Hands one of a leaver's open actions to a colleague, who is told. */
  async reassignAction(auth: AuthContext, userId: string, actionId: string, ownerId: string): Promise<HandOverView> {
    await this.db.transaction(async (m) => {
      await this.leaver(m, auth, userId);
      const { channelId } = await this.actions.handOver(m, auth, actionId, userId, ownerId);
      await this.notifications.notify(m, [ownerId], 'action_assigned', { actionId, channelId, fromUserId: userId });
    });
    return this.view(auth, userId);
  }

  /** Sets a new lead worker for a family a leaver led, who is told; the flag goes with it. */
  async newLeadWorker(
    auth: AuthContext,
    userId: string,
    familyId: string,
    leadWorkerId: string,
  ): Promise<HandOverView> {
    await this.db.transaction(async (m) => {
      await this.leaver(m, auth, userId);
      const family = await this.families.handOverFrom(m, auth, familyId, userId, leadWorkerId);
      await this.notifications.notify(m, [leadWorkerId], 'lead_worker_assigned', {
        familyId,
        channelId: family.channel_id,
        fromUserId: userId,
      });
    });
    return this.view(auth, userId);
  }
}
