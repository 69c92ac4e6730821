import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { SharingRestriction } from '../../contracts/channels.js';
import { agencyCanShare } from '../agencies/agencies.service.js';
import { conflict, forbidden, notFound, type AppError } from '../common/app-error.js';
import { Clock } from '../common/clock.js';
import { membershipRefusal } from './channel-rules.js';
import { ChannelsRepository } from './channels.repository.js';
import type { ChannelMember } from './entities/channel-member.entity.js';
import type { Channel } from './entities/channel.entity.js';
import { AgenciesRepository } from '../agencies/agencies.repository.js';
import { UsersRepository } from '../identity/users.repository.js';
import type { SharingPolicy } from './sharing-policy.js';

/**
 * Who may be in a channel and use it: membership checks, admission of a person (their account and
 * agency), the consent module's sharing policy, and the epochs a sealed field may name. Every method
 * works in the caller's transaction.
 */
@Injectable()
export class ChannelAccessService {
  private policies: SharingPolicy[] = [];

  constructor(
    private readonly clock: Clock,
    private readonly repo: ChannelsRepository,
    private readonly users: UsersRepository,
    private readonly agencies: AgenciesRepository,
  ) {}

  /**
   * A module's rules for the channels it knows (the consent module's for family channels, the referrals
   * module's for referral channels; see SharingPolicy). Each answers only for its own channels.
   */
  useSharingPolicy(policy: SharingPolicy): void {
    this.policies.push(policy);
  }

  /** The agencies among `agencyIds` that may not share into this channel now (empty when none). */
  async sharingRefusals(m: EntityManager, channelId: string, agencyIds: string[]): Promise<Map<string, AppError>> {
    const out = new Map<string, AppError>();
    for (const p of this.policies)
      for (const [a, e] of await p.refusals(m, channelId, agencyIds)) if (!out.has(a)) out.set(a, e);
    return out;
  }

  /** Why new content in the channel is limited to some agencies (a family's consent withdrawn), or null. */
  async sharingRestriction(m: EntityManager, channelId: string): Promise<SharingRestriction | null> {
    for (const p of this.policies) {
      const r = await p.restriction(m, channelId);
      if (r) return r;
    }
    return null;
  }

  /** The sharing policies' decision on a person joining (recorded either way): the refusal, or null. */
  async admissionRefusal(
    m: EntityManager,
    input: { channelId: string; userId: string; agencyId: string; decidedBy: string },
  ): Promise<AppError | null> {
    for (const p of this.policies) {
      const refusal = await p.admit(m, input);
      if (refusal) return refusal;
    }
    return null;
  }

  /** Only an active user of an agency that is party to the ISA can be in a channel. */
  async assertCanJoin(m: EntityManager, userId: string, now: Date = this.clock.now()): Promise<string> {
    const user = await this.users.standing(m, userId);
    if (!user) throw notFound('User');
    if (user.status !== 'active') {
      throw conflict('user_not_active', 'That person’s account is not active.', { userId });
    }
    // A user's agency always exists (foreign key); its standing decides whether its staff may join.
    const agency = (await this.agencies.agency(m, user.agencyId))!;
    if (!agencyCanShare(agency, now)) {
      throw forbidden(
        'agency_not_signed',
        `${agency.name} is not a signatory of the agreement: its staff cannot join.`,
        {
          userId,
        },
      );
    }
    return user.agencyId;
  }

  /**
   * `userId` may take a part in the channel now (own an action, be invited or take minutes): an active
   * member whose agency is a signatory. Returns their agency.
   */
  async assertParticipant(m: EntityManager, channelId: string, userId: string, who: string): Promise<string> {
    const agencyId = await this.assertCanJoin(m, userId);
    if (!(await this.repo.isMember(m, channelId, userId))) {
      throw conflict('not_a_channel_member', `${who} must be a member of the channel: add them to it first.`, {
        userId,
      });
    }
    return agencyId;
  }

  /**
   * The caller's membership, or the refusal: 404 for no such channel, 403 for not a member or for an
   * observer whose end date has passed (removal and key rotation follow with the audit-grant job).
   */
  async membership(m: EntityManager, channelId: string, userId: string): Promise<ChannelMember> {
    const member = await this.repo.findMember(m, channelId, userId);
    const exists = member !== null || (await this.repo.exists(m, channelId));
    const refusal = membershipRefusal(member, exists, this.clock.now());
    if (
      refusal?.code === 'not_a_member' &&
      (await this.repo.lastEnding(m, channelId, userId))?.reason === 'membership_ended'
    ) {
      // A former observer: the same answer as in the moment before their membership was removed.
      throw membershipRefusal({ endsAt: new Date(0) }, true, this.clock.now())!;
    }
    if (refusal) throw refusal;
    return member!;
  }

  /** Locks a channel row for the caller's transaction (404 if there is none). */
  async lock(m: EntityManager, channelId: string): Promise<Channel> {
    const channel = await this.repo.lock(m, channelId);
    if (!channel) throw notFound('Channel');
    return channel;
  }
}
