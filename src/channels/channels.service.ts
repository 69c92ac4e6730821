import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AddMemberInput, MemberDeviceView } from '../../contracts/channels.js';
import type { AppError } from '../common/app-error.js';
import type { SqlPart } from '../common/sql.js';
import { Clock } from '../common/clock.js';
import type { AuthContext } from '../identity/auth-context.js';
import { ChannelAccessService } from './channel-access.service.js';
import { ChannelEpochsService } from './channel-epochs.service.js';
import { ChannelMembershipService } from './channel-membership.service.js';
import { membershipRefusal, type RotationState } from './channel-rules.js';
import { ChannelsRepository, type SequenceAdvance } from './channels.repository.js';
import type { ChannelMember } from './entities/channel-member.entity.js';
import type { Channel } from './entities/channel.entity.js';
import type { SharingPolicy } from './sharing-policy.js';
import { MembershipEnds } from './membership-ends.js';

/**
 * What other modules ask of channels, in one place: membership checks, admission, rotation, the
 * family's channel. Channels, their members and their key epochs: the server decides who is in a
 * channel and checks that every epoch key went to exactly the current member devices; it never sees a
 * key or a title. Each method delegates to the service that does the job (access, membership, epochs).
 */
@Injectable()
export class ChannelsService {
  constructor(
    private readonly access: ChannelAccessService,
    private readonly membershipChanges: ChannelMembershipService,
    private readonly epochs: ChannelEpochsService,
    private readonly repo: ChannelsRepository,
    private readonly clock: Clock,
    private readonly ends: MembershipEnds,
  ) {}

  // ── access ──

  /** The consent module's rules for family channels (see SharingPolicy). */
  useSharingPolicy(policy: SharingPolicy): void {
    this.access.useSharingPolicy(policy);
  }

  /** The agencies among `agencyIds` that may not share into this channel now (empty when none). */
  sharingRefusals(m: EntityManager, channelId: string, agencyIds: string[]): Promise<Map<string, AppError>> {
    return this.access.sharingRefusals(m, channelId, agencyIds);
  }

  /** The caller's membership, or the refusal (404 no such channel, 403 not a member or access ended). */
  membership(m: EntityManager, channelId: string, userId: string): Promise<ChannelMember> {
    return this.access.membership(m, channelId, userId);
  }

  /** The membership rule on rows already read (group-committed sends check many at once). */
  membershipRefusal(member: { endsAt: Date | null } | null, channelExists: boolean, now: Date): AppError | null {
    return membershipRefusal(member, channelExists, now);
  }

  /** Only an active user of an agency that is party to the ISA can be in a channel. Returns their agency. */
  assertCanJoin(m: EntityManager, userId: string, now?: Date): Promise<string> {
    return this.access.assertCanJoin(m, userId, now);
  }

  /** `userId` may take a part in the channel now (an active member of a signatory agency). Returns their agency. */
  assertParticipant(m: EntityManager, channelId: string, userId: string, who: string): Promise<string> {
    return this.access.assertParticipant(m, channelId, userId, who);
  }

  /** A sealed field must name an epoch the channel has. */
  assertSealedEpoch(m: EntityManager, channelId: string, epoch: number, field: string): Promise<void> {
    return this.epochs.assertSealedEpoch(m, channelId, epoch, field);
  }

  /** Locks a channel row for the caller's transaction (404 if there is none). */
  lock(m: EntityManager, channelId: string): Promise<Channel> {
    return this.access.lock(m, channelId);
  }

  /** The channels a user may use now (an observer whose time has ended may not). */
  async channelIdsOf(m: EntityManager, userId: string): Promise<string[]> {
    return (await this.liveMemberships(m, userId)).map((x) => x.channelId);
  }

  /** The channels a user may use now, each with the end of that membership if it has one (a socket's rooms). */
  liveMemberships(m: EntityManager, userId: string): Promise<{ channelId: string; endsAt: Date | null }[]> {
    return this.repo.liveMembershipsOf(m, userId, this.clock.now());
  }

  // ── membership ──

  /** A family's channel, inside the caller's transaction; call `joined` after the commit. */
  createFamilyChannel(
    m: EntityManager,
    auth: AuthContext,
    chairUserId?: string,
  ): Promise<{ channelId: string; joined: () => void }> {
    return this.membershipChanges.createFamilyChannel(m, auth, chairUserId);
  }

  /** A referral's channel (hub workers chair, the referrer a member), inside the caller's transaction. */
  createReferralChannel(
    m: EntityManager,
    auth: AuthContext,
    hubUserIds: string[],
  ): Promise<{ channelId: string; joined: () => void }> {
    return this.membershipChanges.createReferralChannel(m, auth, hubUserIds);
  }

  /** Takes someone out of a channel inside the caller's transaction (false if they were not in it). */
  removeInTransaction(
    m: EntityManager,
    auth: AuthContext,
    channelId: string,
    userId: string,
    reason: string,
  ): Promise<boolean> {
    return this.membershipChanges.removeInTransaction(m, auth, channelId, userId, reason);
  }

  /** Whether the user is a member now (any role, time not ended or not). */
  isMember(m: EntityManager, channelId: string, userId: string): Promise<boolean> {
    return this.repo.isMember(m, channelId, userId);
  }

  /** Adds someone inside the caller's transaction, after the caller's own permission checks. */
  admitMember(
    m: EntityManager,
    auth: AuthContext,
    channel: Channel,
    dto: AddMemberInput,
    auditGrant?: { grantId: string },
  ): Promise<void> {
    return this.membershipChanges.admitMember(m, auth, channel, dto, auditGrant);
  }

  /**
   * Brings a time-limited membership's end forward to now, inside the caller's transaction (an audit grant
   * ended early): from then on the membership rule refuses it, and `endDueMemberships` after the commit
   * removes it the same way the end date's own job does. False when there was no such membership.
   */
  endMembershipNow(m: EntityManager, channelId: string, userId: string): Promise<boolean> {
    return this.repo.endMembershipAt(m, channelId, userId, this.clock.now());
  }

  /** Ends every time-limited membership that is due, now, on this instance (the job's own work). */
  endDueMemberships(): Promise<void> {
    return this.ends.run();
  }

  /** Removes a user from every channel, inside the caller's transaction (leaver, withdrawn agency). */
  removeUserEverywhere(m: EntityManager, userId: string, reason: string): Promise<void> {
    return this.membershipChanges.removeUserEverywhere(m, userId, reason);
  }

  // ── epochs ──

  /**
   * The update of the channels' counters after a batch of sends, for the messages module to run in the
   * same statement as the batch's rows (channels the caller has locked FOR UPDATE).
   */
  counterAdvance(advances: SequenceAdvance[]): SqlPart {
    return this.repo.counterAdvance(advances);
  }

  /** Marks a channel for key rotation: sends on the current epoch are refused until a new one opens. */
  markRotation(m: EntityManager, channelId: string, reason: string): Promise<void> {
    return this.epochs.markRotation(m, channelId, reason);
  }

  /** Why the current epoch may no longer be used (membership change or the clock), or null. */
  rotationDue(channel: RotationState, now?: Date): string | null {
    return this.epochs.rotationDue(channel, now);
  }

  /** Exactly the devices that must get the next epoch key, in a stable order. */
  memberDevices(m: EntityManager, channelId: string, now?: Date): Promise<MemberDeviceView[]> {
    return this.epochs.memberDevices(m, channelId, now);
  }
}
