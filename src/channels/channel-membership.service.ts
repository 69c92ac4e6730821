import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type {
  AddMemberInput,
  ChannelKind,
  ChannelView,
  CreateChannelInput,
  MemberRole,
} from '../../contracts/channels.js';
import { AuditService } from '../audit/audit.service.js';
import { conflict, forbidden, notFound } from '../common/app-error.js';
import { Clock } from '../common/clock.js';
import { isUniqueViolation } from '../common/db-errors.js';
import { DomainEvents } from '../common/domain-events.js';
import { APP_CONFIG, type AppConfig } from '../config/config.schema.js';
import { actorOf, type AuthContext } from '../identity/auth-context.js';
import { Notifier } from '../notifications/notifier.js';
import { ChannelAccessService } from './channel-access.service.js';
import { ChannelEpochsService } from './channel-epochs.service.js';
import { newChannelRefusal, requestChannelRefusal } from './channel-rules.js';
import { messageClass } from '../retention-schedules/schedule-rules.js';
import { RetentionSchedulesService } from '../retention-schedules/retention-schedules.service.js';
import { ChannelViewsService } from './channel-views.service.js';
import { ChannelsRepository } from './channels.repository.js';
import type { Channel } from './entities/channel.entity.js';
import { UsersRepository } from '../identity/users.repository.js';

/**
 * Who is in a channel: creating one (and a family's), adding, admitting and removing members, and the
 * reactions to other modules' events (a user disabled, an agency withdrawn or suspended, a device
 * added or revoked). Every change of members requires a new epoch key.
 */
@Injectable()
export class ChannelMembershipService implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly events: DomainEvents,
    private readonly notifier: Notifier,
    private readonly repo: ChannelsRepository,
    private readonly users: UsersRepository,
    private readonly access: ChannelAccessService,
    private readonly epochs: ChannelEpochsService,
    private readonly views: ChannelViewsService,
    private readonly schedules: RetentionSchedulesService,
  ) {}

  onModuleInit(): void {
    this.events.on('user.disabled', (e, m) => this.removeUserEverywhere(m, e.userId, 'user_disabled'));
    this.events.on('agency.withdrawn', async (e, m) => {
      for (const id of await this.users.idsOfAgency(m, e.agencyId)) {
        await this.removeUserEverywhere(m, id, 'agency_withdrawn');
      }
    });
    // Suspension keeps memberships (it can be lifted) but the agency's devices must stop getting keys,
    // and get them again on reinstatement: both change who the current member devices are.
    this.events.on('agency.suspended', (e, m) =>
      this.epochs.requireRotationForAgency(m, e.agencyId, 'agency_suspended'),
    );
    this.events.on('agency.reinstated', (e, m) =>
      this.epochs.requireRotationForAgency(m, e.agencyId, 'agency_reinstated'),
    );
    this.events.on('device.revoked', (e, m) => this.epochs.requireRotationForUser(m, e.userId, 'device_revoked'));
    // A registered device gets nothing until its owner approves it; then every channel of theirs rotates.
    this.events.on('device.approved', (e, m) => this.epochs.requireRotationForUser(m, e.userId, 'device_added'));
  }

  async create(auth: AuthContext, dto: CreateChannelInput): Promise<ChannelView> {
    const others = dto.members.filter((m) => m.userId !== auth.user.id);
    const retentionDays = dto.retentionDays ?? (await this.scheduledRetention(this.db.manager, auth, dto.kind));
    const refusal = newChannelRefusal(dto.kind, others, retentionDays, {
      min: this.config.RETENTION_MIN_DAYS,
      max: this.config.RETENTION_MAX_DAYS,
    });
    if (refusal) throw refusal;
    const directPair = dto.kind === 'direct' ? [auth.user.id, others[0].userId].sort().join(':') : null;
    const now = this.clock.now();
    try {
      const channel = await this.db.transaction(async (m) => {
        if (directPair) {
          const existing = await this.repo.findDirect(m, directPair);
          if (existing) {
            throw conflict('direct_exists', 'You already have a direct channel with this person.', {
              channelId: existing.id,
            });
          }
        }
        for (const other of others) await this.access.assertCanJoin(m, other.userId, now);
        const members = [
          { userId: auth.user.id, role: (dto.kind === 'direct' ? 'member' : 'chair') as MemberRole },
          ...others,
        ];
        const created = await this.insertChannel(m, auth, dto.kind, retentionDays, directPair, members);
        return { channel: created, members };
      });
      for (const mm of channel.members) this.notifier.joinChannel(mm.userId, channel.channel.id);
      return this.views.show(auth, channel.channel.id);
    } catch (err) {
      if (directPair && isUniqueViolation(err, 'channels_direct_pair_key')) {
        // Both people opened the same direct channel at once: the first stored wins.
        const existing = (await this.repo.findDirect(this.db.manager, directPair))!;
        throw conflict('direct_exists', 'You already have a direct channel with this person.', {
          channelId: existing.id,
        });
      }
      throw err;
    }
  }

  /**
   * A new channel with no epoch yet (the creator's SDK opens the first one), its first members and
   * the audit record of its creation, in the caller's transaction.
   */
  private async insertChannel(
    m: EntityManager,
    auth: AuthContext,
    kind: ChannelKind,
    retentionDays: number,
    directPair: string | null,
    members: { userId: string; role: MemberRole }[],
  ): Promise<Channel> {
    const created = await this.repo.insertChannel(m, {
      kind,
      owningAgencyId: auth.user.agencyId,
      createdBy: auth.user.id,
      retentionDays,
      currentEpoch: 0,
      epochMessageCount: 0,
      rotationRequired: true,
      rotationReason: 'no_epoch_yet',
      lastSeq: '0',
      directPair,
    });
    const joinedAt = this.clock.now();
    await this.repo.insertMembers(
      m,
      members.map((mm) => ({
        channelId: created.id,
        userId: mm.userId,
        role: mm.role,
        joinedAt,
        visibleFromSeq: '0',
        addedBy: auth.user.id,
      })),
    );
    await this.audit.record(m, {
      actor: actorOf(auth),
      action: 'channel.created',
      target: { type: 'channel', id: created.id },
      details: { kind, members: members.length, retentionDays },
      meta: auth.meta,
    });
    return created;
  }

  /**
   * A family's channel, inside the caller's transaction (the families module creates the family and
   * its channel together). The creator is its chair; call `joined` after the commit.
   */
  async createFamilyChannel(
    m: EntityManager,
    auth: AuthContext,
    chairUserId: string = auth.user.id,
  ): Promise<{ channelId: string; joined: () => void }> {
    const retentionDays = await this.scheduledRetention(m, auth, 'family_meeting');
    const created = await this.insertChannel(m, auth, 'family_meeting', retentionDays, null, [
      { userId: chairUserId, role: 'chair' },
    ]);
    return { channelId: created.id, joined: () => this.notifier.joinChannel(chairUserId, created.id) };
  }

  /**
   * A referral's channel, inside the caller's transaction (the referrals module creates the referral and
   * its channel together): the hub's workers chair it, the referrer is a member until the hub takes the
   * referral on. Call `joined` after the commit.
   */
  async createReferralChannel(
    m: EntityManager,
    auth: AuthContext,
    hubUserIds: string[],
  ): Promise<{ channelId: string; joined: () => void }> {
    const now = this.clock.now();
    for (const id of hubUserIds) await this.access.assertCanJoin(m, id, now);
    const members: { userId: string; role: MemberRole }[] = [
      { userId: auth.user.id, role: 'member' },
      ...hubUserIds.filter((id) => id !== auth.user.id).map((userId) => ({ userId, role: 'chair' as const })),
    ];
    const created = await this.insertChannel(
      m,
      auth,
      'referral',
      await this.scheduledRetention(m, auth, 'referral'),
      null,
      members,
    );
    return {
      channelId: created.id,
      joined: () => {
        for (const mm of members) this.notifier.joinChannel(mm.userId, created.id);
      },
    };
  }

  /**
   * Takes someone out of a channel inside the caller's transaction, after the caller's own checks (the
   * referrer leaving their referral's channel when the hub takes it on): a new key, audit, sockets.
   */
  async removeInTransaction(
    m: EntityManager,
    auth: AuthContext,
    channelId: string,
    userId: string,
    reason: string,
  ): Promise<boolean> {
    if (!(await this.repo.deleteMember(m, channelId, userId, reason, this.clock.now()))) return false;
    await this.epochs.markRotation(m, channelId, 'member_removed');
    await this.audit.record(m, {
      actor: actorOf(auth),
      action: 'channel.member_removed',
      target: { type: 'channel', id: channelId },
      details: { userId, reason },
      meta: auth.meta,
    });
    this.afterRemoval(m, channelId, userId, reason);
    return true;
  }

  /**
   * A new channel's message retention: the creator's agency's period for that kind of chat at this moment
   * (its retention schedule, ISA 7). Fixed on the channel: a later change of schedule leaves it as it is.
   */
  private scheduledRetention(m: EntityManager, auth: AuthContext, kind: ChannelKind): Promise<number> {
    return this.schedules.periodFor(m, auth.user.agencyId, messageClass(kind));
  }

  async addMember(auth: AuthContext, channelId: string, dto: AddMemberInput): Promise<ChannelView> {
    await this.db.transaction(async (m) => {
      const channel = await this.access.lock(m, channelId);
      const me = await this.access.membership(m, channelId, auth.user.id);
      if (channel.kind === 'direct') throw conflict('direct_channel', 'A direct channel has exactly two people.');
      if (channel.kind === 'referral') {
        throw conflict(
          'referral_channel',
          'People join a referral when the hub shares it with them (strongroom referrals share), which records why.',
        );
      }
      if (me.role !== 'chair') throw forbidden('chair_only', 'Only the chair can add members.');
      const byRequest = requestChannelRefusal(channel.kind);
      if (byRequest) throw byRequest;
      await this.admitMember(m, auth, channel, dto);
    });
    return this.views.show(auth, channelId);
  }

  /**
   * Adds someone inside the caller's transaction, after the caller's own permission checks (the chair
   * adding a member, or a family's lead worker being handed over): signed agency, sharing policy,
   * need-to-know visibility, rotation, audit; sockets join after the commit.
   */
  async admitMember(
    m: EntityManager,
    auth: AuthContext,
    channel: Channel,
    dto: AddMemberInput,
    /**
     * An approved audit grant (ISA 6.1: a quality auditor may have time-limited access to a case other than
     * their own): the ISA administrator's approval is the basis, so the channel's sharing policies (consent,
     * a referral shared with the agency) are not asked. Only ever a read-only observer with an end date.
     */
    auditGrant?: { grantId: string },
  ): Promise<void> {
    const channelId = channel.id;
    if (await this.repo.isMember(m, channelId, dto.userId)) {
      throw conflict('already_member', 'That person is already a member.');
    }
    const now = this.clock.now();
    const agencyId = await this.access.assertCanJoin(m, dto.userId, now);
    if (auditGrant) {
      if (dto.role !== 'observer' || !dto.endsAt)
        throw new Error('An audit grant admits an observer with an end date.');
    } else {
      const refusal = await this.access.admissionRefusal(m, {
        channelId,
        userId: dto.userId,
        agencyId,
        decidedBy: auth.user.id,
      });
      if (refusal) throw refusal;
    }
    await this.repo.insertMembers(m, [
      {
        channelId,
        userId: dto.userId,
        role: dto.role,
        joinedAt: now,
        // Need-to-know: a newcomer sees messages from their join on, unless history is shared with them.
        visibleFromSeq: channel.lastSeq,
        addedBy: auth.user.id,
        endsAt: dto.endsAt ? new Date(dto.endsAt) : null,
      },
    ]);
    await this.epochs.markRotation(m, channelId, 'member_added');
    await this.audit.record(m, {
      actor: actorOf(auth),
      action: 'channel.member_added',
      target: { type: 'channel', id: channelId },
      details: {
        userId: dto.userId,
        role: dto.role,
        ...(auditGrant ? { basis: 'audit_grant', grantId: auditGrant.grantId } : {}),
      },
      meta: auth.meta,
    });
    this.events.afterCommit(m, () => {
      this.notifier.joinChannel(dto.userId, channelId);
      this.notifier.toChannel(channelId, 'member.added', {
        channelId,
        userId: dto.userId,
        role: dto.role,
        ...(dto.endsAt ? { endsAt: new Date(dto.endsAt).toISOString() } : {}),
      });
      if (dto.endsAt) this.timeLimitedAdded?.();
    });
  }

  /** Called after a time-limited member is added (MembershipEnds sets its timer for the end date). */
  private timeLimitedAdded: (() => void) | null = null;
  onTimeLimitedMember(fn: () => void): void {
    this.timeLimitedAdded = fn;
  }

  /** The chair removes someone, or anyone removes themself (leaving). */
  async removeMember(auth: AuthContext, channelId: string, userId: string): Promise<void> {
    const leaving = userId === auth.user.id;
    await this.db.transaction(async (m) => {
      const channel = await this.access.lock(m, channelId);
      const me = await this.access.membership(m, channelId, auth.user.id);
      if (!leaving && me.role !== 'chair') throw forbidden('chair_only', 'Only the chair can remove members.');
      if (channel.kind === 'direct' && !leaving)
        throw conflict('direct_channel', 'A direct channel has exactly two people.');
      if (channel.kind === 'referral' && !leaving) {
        throw conflict('referral_channel', 'Who is in a referral is the hub’s to decide, through the referral itself.');
      }
      const byRequest = leaving ? null : requestChannelRefusal(channel.kind);
      if (byRequest) throw byRequest;
      const reason = leaving ? 'left' : 'removed';
      if (!(await this.repo.deleteMember(m, channelId, userId, reason, this.clock.now()))) throw notFound('Member');
      await this.epochs.markRotation(m, channelId, leaving ? 'member_left' : 'member_removed');
      await this.audit.record(m, {
        actor: actorOf(auth),
        action: leaving ? 'channel.member_left' : 'channel.member_removed',
        target: { type: 'channel', id: channelId },
        details: { userId },
        meta: auth.meta,
      });
      this.afterRemoval(m, channelId, userId, leaving ? 'left' : 'removed');
    });
  }

  /** Removes a user from every channel, inside the caller's transaction (leaver, withdrawn agency). */
  async removeUserEverywhere(m: EntityManager, userId: string, reason: string): Promise<void> {
    for (const channelId of await this.repo.deleteMemberships(m, userId, reason, this.clock.now())) {
      await this.epochs.markRotation(m, channelId, reason);
      await this.audit.record(m, {
        actor: null,
        action: 'channel.member_removed',
        target: { type: 'channel', id: channelId },
        details: { userId, reason },
      });
      this.afterRemoval(m, channelId, userId, reason);
    }
  }

  /**
   * Ends, for good, every time-limited membership whose end has come (an observer's): the member is
   * removed, the channel marked for a new key (so their devices get none of it), the removal audited, and
   * their sockets leave the room on every instance. Any instance may run it at once; each row goes once.
   */
  async endDueMemberships(): Promise<number> {
    return this.db.transaction(async (m) => {
      const ended = await this.repo.deleteEndedMemberships(m, this.clock.now());
      for (const e of ended) {
        await this.epochs.markRotation(m, e.channel_id, 'membership_ended');
        await this.audit.record(m, {
          actor: null,
          action: 'channel.member_removed',
          target: { type: 'channel', id: e.channel_id },
          details: { userId: e.user_id, reason: 'membership_ended', role: e.role },
        });
        this.afterRemoval(m, e.channel_id, e.user_id, 'membership_ended');
      }
      return ended.length;
    });
  }

  private afterRemoval(m: EntityManager, channelId: string, userId: string, reason: string): void {
    this.events.afterCommit(m, () => {
      this.notifier.leaveChannel(userId, channelId);
      this.notifier.toUser(userId, 'member.removed', { channelId, userId, reason });
      this.notifier.toChannel(channelId, 'member.removed', { channelId, userId, reason });
    });
  }
}
