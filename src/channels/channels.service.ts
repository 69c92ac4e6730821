import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { agencyCanShare } from '../agencies/agencies.service.js';
import type { SharingPolicy } from './sharing-policy.js';
import type { Agency } from '../agencies/entities/agency.entity.js';
import { AuditService } from '../audit/audit.service.js';
import { AppError, badRequest, conflict, forbidden, notFound } from '../common/app-error.js';
import { Clock } from '../common/clock.js';
import { isUniqueViolation } from '../common/db-errors.js';
import { DomainEvents } from '../common/domain-events.js';
import { returningRows } from '../common/sql.js';
import { b64, sealedView } from '../common/sealed.js';
import { APP_CONFIG, type AppConfig } from '../config/config.schema.js';
import { actorOf, type AuthContext } from '../identity/auth-context.js';
import { verifyEd25519 } from '../identity/device-proof.js';
import { Notifier } from '../notifications/notifier.js';
import { epochAnnouncementBytes } from './channel-proofs.js';
import type { AddMemberDto, CreateChannelDto, OpenEpochDto, ShareHistoryDto } from './dto/channel.dto.js';
import { ChannelEpoch } from './entities/channel-epoch.entity.js';
import { ChannelMember, type MemberRole } from './entities/channel-member.entity.js';
import { Channel, type ChannelKind } from './entities/channel.entity.js';
import { KeyEnvelope } from './entities/key-envelope.entity.js';

/** A device that should hold the current epoch key: an active device of a member whose agency can share. */
export interface MemberDevice {
  deviceId: string;
  userId: string;
  x25519PublicKey: string;
  ed25519PublicKey: string;
}

/**
 * Channels, their members and their key epochs. The server decides who is in a channel and checks
 * that every epoch key went to exactly the current member devices; it never sees a key or a title.
 */
@Injectable()
export class ChannelsService implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly events: DomainEvents,
    private readonly notifier: Notifier,
  ) {}

  private policy: SharingPolicy | null = null;

  /** The consent module's rules for family channels (see SharingPolicy). */
  useSharingPolicy(policy: SharingPolicy): void {
    this.policy = policy;
  }

  /** The agencies among `agencyIds` that may not share into this channel now (empty when none). */
  async sharingRefusals(m: EntityManager, channelId: string, agencyIds: string[]): Promise<Map<string, AppError>> {
    return this.policy ? this.policy.refusals(m, channelId, agencyIds) : new Map<string, AppError>();
  }

  onModuleInit(): void {
    this.events.on('user.disabled', (e, m) => this.removeUserEverywhere(m, e.userId, 'user_disabled'));
    this.events.on('agency.withdrawn', async (e, m) => {
      const users = await m.query<{ id: string }[]>('SELECT id FROM users WHERE agency_id = $1', [e.agencyId]);
      for (const { id } of users) await this.removeUserEverywhere(m, id, 'agency_withdrawn');
    });
    // Suspension keeps memberships (it can be lifted) but the agency's devices must stop getting keys,
    // and get them again on reinstatement: both change who the current member devices are.
    this.events.on('agency.suspended', (e, m) => this.requireRotationForAgency(m, e.agencyId, 'agency_suspended'));
    this.events.on('agency.reinstated', (e, m) => this.requireRotationForAgency(m, e.agencyId, 'agency_reinstated'));
    this.events.on('device.revoked', (e, m) => this.requireRotationForUser(m, e.userId, 'device_revoked'));
    this.events.on('device.registered', (e, m) => this.requireRotationForUser(m, e.userId, 'device_added'));
  }

  // ── membership ──────────────────────────────────────────────────────────────────────────────────

  async create(auth: AuthContext, dto: CreateChannelDto) {
    const others = dto.members.filter((m) => m.userId !== auth.user.id);
    if (new Set(others.map((m) => m.userId)).size !== others.length) {
      throw badRequest('validation_failed', 'A person is listed twice.', { fields: { members: ['has duplicates'] } });
    }
    if (dto.kind === 'direct' && (others.length !== 1 || others[0].role !== 'member')) {
      throw badRequest('validation_failed', 'A direct channel is between you and exactly one other person.', {
        fields: { members: ['must name exactly one other person, as member'] },
      });
    }
    const retentionDays = dto.retentionDays ?? this.defaultRetention(dto.kind);
    if (retentionDays < this.config.RETENTION_MIN_DAYS || retentionDays > this.config.RETENTION_MAX_DAYS) {
      throw badRequest('validation_failed', 'That retention period is outside the allowed bounds.', {
        fields: {
          retentionDays: [`must be between ${this.config.RETENTION_MIN_DAYS} and ${this.config.RETENTION_MAX_DAYS}`],
        },
      });
    }
    const directPair = dto.kind === 'direct' ? [auth.user.id, others[0].userId].sort().join(':') : null;
    const now = this.clock.now();
    try {
      const channel = await this.db.transaction(async (m) => {
        if (directPair) {
          const existing = await m.getRepository(Channel).findOneBy({ directPair });
          if (existing) {
            throw conflict('direct_exists', 'You already have a direct channel with this person.', {
              channelId: existing.id,
            });
          }
        }
        for (const other of others) await this.assertCanJoin(m, other.userId, now);
        const members = [
          { userId: auth.user.id, role: (dto.kind === 'direct' ? 'member' : 'chair') as MemberRole },
          ...others,
        ];
        const created = await this.insertChannel(m, auth, dto.kind, retentionDays, directPair, members);
        return { channel: created, members };
      });
      for (const mm of channel.members) this.notifier.joinChannel(mm.userId, channel.channel.id);
      return this.show(auth, channel.channel.id);
    } catch (err) {
      if (directPair && isUniqueViolation(err, 'channels_direct_pair_key')) {
        // Both people opened the same direct channel at once: the first stored wins.
        const existing = await this.db.getRepository(Channel).findOneByOrFail({ directPair });
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
    const created = await m.getRepository(Channel).save(
      m.create(Channel, {
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
      }),
    );
    const joinedAt = this.clock.now();
    await m.getRepository(ChannelMember).insert(
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
  async createFamilyChannel(m: EntityManager, auth: AuthContext): Promise<{ channelId: string; joined: () => void }> {
    const retentionDays = this.defaultRetention('family_meeting');
    const created = await this.insertChannel(m, auth, 'family_meeting', retentionDays, null, [
      { userId: auth.user.id, role: 'chair' },
    ]);
    return { channelId: created.id, joined: () => this.notifier.joinChannel(auth.user.id, created.id) };
  }

  private defaultRetention(kind: ChannelKind): number {
    if (kind === 'direct') return this.config.RETENTION_DAYS_DIRECT;
    if (kind === 'referral') return this.config.RETENTION_DAYS_REFERRAL;
    return this.config.RETENTION_DAYS_MEETING;
  }

  /** Only an active user of an agency that is party to the ISA can be in a channel. */
  async assertCanJoin(m: EntityManager, userId: string, now: Date = this.clock.now()): Promise<string> {
    const [row] = await m.query<
      {
        status: string;
        agency_id: string;
        agency_name: string;
        agency_status: Agency['status'];
        withdrawal_effective_at: Date | null;
      }[]
    >(
      `SELECT u.status, u.agency_id, a.name AS agency_name, a.status AS agency_status, a.withdrawal_effective_at
         FROM users u JOIN agencies a ON a.id = u.agency_id WHERE u.id = $1`,
      [userId],
    );
    if (!row) throw notFound('User');
    if (row.status !== 'active') {
      throw conflict('user_not_active', 'That person’s account is not active.', { userId });
    }
    if (!agencyCanShare({ status: row.agency_status, withdrawalEffectiveAt: row.withdrawal_effective_at }, now)) {
      throw forbidden(
        'agency_not_signed',
        `${row.agency_name} is not a signatory of the agreement: its staff cannot join.`,
        {
          userId,
        },
      );
    }
    return row.agency_id;
  }

  /**
   * `userId` may take a part in the channel now (own an action, be invited or take minutes): an active
   * member whose agency is a signatory. Returns their agency.
   */
  async assertParticipant(m: EntityManager, channelId: string, userId: string, who: string): Promise<string> {
    const agencyId = await this.assertCanJoin(m, userId);
    if (!(await m.getRepository(ChannelMember).existsBy({ channelId, userId }))) {
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
    const member = await m.getRepository(ChannelMember).findOneBy({ channelId, userId });
    const exists = member !== null || (await m.getRepository(Channel).existsBy({ id: channelId }));
    const refusal = this.membershipRefusal(member, exists, this.clock.now());
    if (refusal) throw refusal;
    return member!;
  }

  /**
   * The membership rule on rows already read (group-committed sends check many at once): null when
   * `member` may use the channel, else the refusal.
   */
  membershipRefusal(member: Pick<ChannelMember, 'endsAt'> | null, channelExists: boolean, now: Date): AppError | null {
    if (member?.endsAt && member.endsAt <= now) {
      return forbidden('membership_ended', 'Your time-limited access to this channel has ended.');
    }
    if (member) return null;
    return channelExists ? forbidden('not_a_member', 'You are not a member of this channel.') : notFound('Channel');
  }

  private async lockChannel(m: EntityManager, channelId: string): Promise<Channel> {
    const channel = await m
      .getRepository(Channel)
      .findOne({ where: { id: channelId }, lock: { mode: 'pessimistic_write' } });
    if (!channel) throw notFound('Channel');
    return channel;
  }

  async list(auth: AuthContext) {
    const rows = await this.db.query<
      {
        id: string;
        kind: ChannelKind;
        role: MemberRole;
        current_epoch: number;
        rotation_required: boolean;
        last_seq: string;
        member_count: string;
        title_ciphertext: Buffer | null;
        title_epoch: number | null;
        created_at: Date;
      }[]
    >(
      `SELECT c.id, c.kind, cm.role, c.current_epoch, c.rotation_required, c.last_seq, c.title_ciphertext, c.title_epoch,
              c.created_at, (SELECT count(*) FROM channel_members x WHERE x.channel_id = c.id) AS member_count
         FROM channel_members cm JOIN channels c ON c.id = cm.channel_id
        WHERE cm.user_id = $1 ORDER BY c.created_at DESC`,
      [auth.user.id],
    );
    return rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      myRole: r.role,
      currentEpoch: r.current_epoch,
      rotationRequired: r.rotation_required,
      lastSeq: Number(r.last_seq),
      memberCount: Number(r.member_count),
      title: sealedView(r.title_ciphertext, r.title_epoch),
      createdAt: r.created_at,
    }));
  }

  async show(auth: AuthContext, channelId: string) {
    await this.membership(this.db.manager, channelId, auth.user.id);
    const channel = await this.db.getRepository(Channel).findOneByOrFail({ id: channelId });
    const due = this.rotationDue(channel);
    const members = await this.db.query<
      {
        user_id: string;
        display_name: string;
        agency_id: string;
        agency_name: string;
        role: MemberRole;
        joined_at: Date;
        ends_at: Date | null;
      }[]
    >(
      `SELECT cm.user_id, u.display_name, u.agency_id, a.name AS agency_name, cm.role, cm.joined_at, cm.ends_at
         FROM channel_members cm JOIN users u ON u.id = cm.user_id JOIN agencies a ON a.id = u.agency_id
        WHERE cm.channel_id = $1 ORDER BY cm.joined_at, u.display_name`,
      [channelId],
    );
    const devices = await this.memberDevices(this.db.manager, channelId);
    return {
      id: channel.id,
      kind: channel.kind,
      owningAgencyId: channel.owningAgencyId,
      retentionDays: channel.retentionDays,
      currentEpoch: channel.currentEpoch,
      epochOpenedAt: channel.epochOpenedAt,
      rotationRequired: due !== null,
      rotationReason: due,
      lastSeq: Number(channel.lastSeq),
      title: sealedView(channel.titleCiphertext, channel.titleEpoch),
      createdAt: channel.createdAt,
      // Why new content is limited to some agencies (a family's consent withdrawn), or null.
      sharingRestriction: (await this.policy?.restriction(this.db.manager, channelId)) ?? null,
      members: members.map((mm) => ({
        userId: mm.user_id,
        displayName: mm.display_name,
        agencyId: mm.agency_id,
        agencyName: mm.agency_name,
        role: mm.role,
        joinedAt: mm.joined_at,
        endsAt: mm.ends_at,
        devices: devices.filter((d) => d.userId === mm.user_id),
      })),
    };
  }

  async addMember(auth: AuthContext, channelId: string, dto: AddMemberDto) {
    await this.db.transaction(async (m) => {
      const channel = await this.lockChannel(m, channelId);
      const me = await this.membership(m, channelId, auth.user.id);
      if (channel.kind === 'direct') throw conflict('direct_channel', 'A direct channel has exactly two people.');
      if (me.role !== 'chair') throw forbidden('chair_only', 'Only the chair can add members.');
      await this.admitMember(m, auth, channel, dto);
    });
    return this.show(auth, channelId);
  }

  /**
   * Adds someone inside the caller's transaction, after the caller's own permission checks (the chair
   * adding a member, or a family's lead worker being handed over): signed agency, sharing policy,
   * need-to-know visibility, rotation, audit; sockets join after the commit.
   */
  async admitMember(m: EntityManager, auth: AuthContext, channel: Channel, dto: AddMemberDto): Promise<void> {
    const channelId = channel.id;
    if (await m.getRepository(ChannelMember).existsBy({ channelId, userId: dto.userId })) {
      throw conflict('already_member', 'That person is already a member.');
    }
    const now = this.clock.now();
    const agencyId = await this.assertCanJoin(m, dto.userId, now);
    const refusal = await this.policy?.admit(m, { channelId, userId: dto.userId, agencyId, decidedBy: auth.user.id });
    if (refusal) throw refusal;
    await m.getRepository(ChannelMember).insert({
      channelId,
      userId: dto.userId,
      role: dto.role,
      joinedAt: now,
      // Need-to-know: a newcomer sees messages from their join on, unless history is shared with them.
      visibleFromSeq: channel.lastSeq,
      addedBy: auth.user.id,
      endsAt: dto.endsAt ? new Date(dto.endsAt) : null,
    });
    await this.markRotation(m, channelId, 'member_added');
    await this.audit.record(m, {
      actor: actorOf(auth),
      action: 'channel.member_added',
      target: { type: 'channel', id: channelId },
      details: { userId: dto.userId, role: dto.role },
      meta: auth.meta,
    });
    this.events.afterCommit(m, () => {
      this.notifier.joinChannel(dto.userId, channelId);
      this.notifier.toChannel(channelId, 'member.added', { channelId, userId: dto.userId, role: dto.role });
    });
  }

  /**
   * A sealed field (`{epoch, ciphertext}` under the channel's key) must name an epoch the channel has:
   * the server cannot open it, but it can refuse one nobody could.
   */
  async assertSealedEpoch(m: EntityManager, channelId: string, epoch: number, field: string): Promise<void> {
    const [row] = await m.query<unknown[]>('SELECT 1 FROM channel_epochs WHERE channel_id = $1 AND epoch = $2', [
      channelId,
      epoch,
    ]);
    if (!row) {
      throw badRequest('validation_failed', `The ${field} is sealed under a key epoch this channel does not have.`, {
        fields: { [`${field}.epoch`]: ['is not an epoch of the channel'] },
      });
    }
  }

  /** Locks a channel row for the caller's transaction (404 if there is none). */
  lock(m: EntityManager, channelId: string): Promise<Channel> {
    return this.lockChannel(m, channelId);
  }

  /** The chair removes someone, or anyone removes themself (leaving). */
  async removeMember(auth: AuthContext, channelId: string, userId: string): Promise<void> {
    const leaving = userId === auth.user.id;
    await this.db.transaction(async (m) => {
      const channel = await this.lockChannel(m, channelId);
      const me = await this.membership(m, channelId, auth.user.id);
      if (!leaving && me.role !== 'chair') throw forbidden('chair_only', 'Only the chair can remove members.');
      if (channel.kind === 'direct' && !leaving)
        throw conflict('direct_channel', 'A direct channel has exactly two people.');
      const removed = await m.getRepository(ChannelMember).delete({ channelId, userId });
      if (!removed.affected) throw notFound('Member');
      await this.markRotation(m, channelId, leaving ? 'member_left' : 'member_removed');
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
    const rows = await returningRows<{ channel_id: string }>(
      m,
      'DELETE FROM channel_members WHERE user_id = $1 RETURNING channel_id',
      [userId],
    );
    for (const { channel_id } of rows) {
      await this.markRotation(m, channel_id, reason);
      await this.audit.record(m, {
        actor: null,
        action: 'channel.member_removed',
        target: { type: 'channel', id: channel_id },
        details: { userId, reason },
      });
      this.afterRemoval(m, channel_id, userId, reason);
    }
  }

  private afterRemoval(m: EntityManager, channelId: string, userId: string, reason: string): void {
    this.events.afterCommit(m, () => {
      this.notifier.leaveChannel(userId, channelId);
      this.notifier.toUser(userId, 'member.removed', { channelId, userId, reason });
      this.notifier.toChannel(channelId, 'member.removed', { channelId, userId, reason });
    });
  }

  private async requireRotationForUser(m: EntityManager, userId: string, reason: string): Promise<void> {
    const rows = await m.query<{ channel_id: string }[]>('SELECT channel_id FROM channel_members WHERE user_id = $1', [
      userId,
    ]);
    for (const { channel_id } of rows) await this.markRotation(m, channel_id, reason);
  }

  private async requireRotationForAgency(m: EntityManager, agencyId: string, reason: string): Promise<void> {
    const rows = await m.query<{ channel_id: string }[]>(
      `SELECT DISTINCT cm.channel_id FROM channel_members cm JOIN users u ON u.id = cm.user_id WHERE u.agency_id = $1`,
      [agencyId],
    );
    for (const { channel_id } of rows) await this.markRotation(m, channel_id, reason);
  }

  /** Marks a channel for key rotation: sends on the current epoch are refused until a new one opens. */
  async markRotation(m: EntityManager, channelId: string, reason: string): Promise<void> {
    await m.query('UPDATE channels SET rotation_required = true, rotation_reason = $2 WHERE id = $1', [
      channelId,
      reason,
    ]);
    this.events.afterCommit(m, () =>
      this.notifier.toChannel(channelId, 'channel.rotation_required', { channelId, reason }),
    );
  }

  /** Why the current epoch may no longer be used (membership change or the clock), or null. */
  rotationDue(channel: Channel, now: Date = this.clock.now()): string | null {
    if (channel.rotationRequired || channel.currentEpoch === 0) return channel.rotationReason ?? 'rotation_required';
    if (channel.epochMessageCount >= this.config.EPOCH_MAX_MESSAGES) return 'epoch_message_limit';
    if (
      channel.epochOpenedAt &&
      now.getTime() - channel.epochOpenedAt.getTime() >= this.config.EPOCH_MAX_AGE_HOURS * 3_600_000
    ) {
      return 'epoch_age_limit';
    }
    return null;
  }

  // ── devices and epochs ──────────────────────────────────────────────────────────────────────────

  /** Exactly the devices that must get the next epoch key, in a stable order. */
  async memberDevices(m: EntityManager, channelId: string, now: Date = this.clock.now()): Promise<MemberDevice[]> {
    const rows = await m.query<
      {
        id: string;
        user_id: string;
        x25519_public_key: Buffer;
        ed25519_public_key: Buffer;
        agency_status: Agency['status'];
        withdrawal_effective_at: Date | null;
        ends_at: Date | null;
        agency_id: string;
      }[]
    >(
      `SELECT d.id, d.user_id, d.x25519_public_key, d.ed25519_public_key, a.status AS agency_status,
              a.withdrawal_effective_at, cm.ends_at, u.agency_id
         FROM channel_members cm
         JOIN users u ON u.id = cm.user_id AND u.status = 'active'
         JOIN agencies a ON a.id = u.agency_id
         JOIN devices d ON d.user_id = cm.user_id AND d.revoked_at IS NULL
        WHERE cm.channel_id = $1
        ORDER BY d.id`,
      [channelId],
    );
    // An agency that may not share into this channel (a family's consent withdrawn) gets no new keys.
    const refused = await this.sharingRefusals(m, channelId, [...new Set(rows.map((r) => r.agency_id))]);
    return rows
      .filter(
        (r) =>
          agencyCanShare({ status: r.agency_status, withdrawalEffectiveAt: r.withdrawal_effective_at }, now) &&
          (!r.ends_at || r.ends_at > now) &&
          !refused.has(r.agency_id),
      )
      .map((r) => ({
        deviceId: r.id,
        userId: r.user_id,
        x25519PublicKey: b64(r.x25519_public_key),
        ed25519PublicKey: b64(r.ed25519_public_key),
      }));
  }

  async devicesForEpoch(auth: AuthContext, channelId: string) {
    await this.membership(this.db.manager, channelId, auth.user.id);
    const channel = await this.db.getRepository(Channel).findOneByOrFail({ id: channelId });
    return {
      currentEpoch: channel.currentEpoch,
      rotationRequired: this.rotationDue(channel) !== null,
      devices: await this.memberDevices(this.db.manager, channelId),
    };
  }

  /**
   * Stores a new epoch: its key sealed to exactly the current member devices, and the opener's signature
   * over (channel, epoch, recipients). Two openers racing for the same number: the first stored wins.
   */
  async openEpoch(auth: AuthContext, channelId: string, dto: OpenEpochDto) {
    const now = this.clock.now();
    const recipients = dto.envelopes.map((e) => e.deviceId);
    if (new Set(recipients).size !== recipients.length) {
      throw badRequest('validation_failed', 'A device is listed twice.', { fields: { envelopes: ['has duplicates'] } });
    }
    const result = await this.db.transaction(async (m) => {
      const channel = await this.lockChannel(m, channelId);
      await this.membership(m, channelId, auth.user.id);
      if (dto.epoch <= channel.currentEpoch) {
        throw conflict('epoch_exists', `Epoch ${dto.epoch} is already open; fetch its key and carry on.`, {
          currentEpoch: channel.currentEpoch,
        });
      }
      if (dto.epoch !== channel.currentEpoch + 1) {
        throw conflict('epoch_gap', `The next epoch is ${channel.currentEpoch + 1}.`, {
          currentEpoch: channel.currentEpoch,
        });
      }
      const devices = await this.memberDevices(m, channelId, now);
      const opener = devices.find((d) => d.deviceId === dto.openerDeviceId);
      if (!opener || opener.userId !== auth.user.id) {
        throw forbidden('not_your_device', 'Open an epoch from one of your own active devices in this channel.');
      }
      const expected = devices.map((d) => d.deviceId).sort();
      const given = [...recipients].sort();
      if (expected.length !== given.length || expected.some((id, i) => id !== given[i])) {
        throw conflict(
          'membership_changed',
          'The channel’s member devices changed: rebuild the epoch for these devices.',
          {
            devices,
          },
        );
      }
      const signed = epochAnnouncementBytes({
        channelId,
        epoch: dto.epoch,
        openerDeviceId: dto.openerDeviceId,
        recipientDeviceIds: given,
      });
      if (
        !verifyEd25519(
          Buffer.from(opener.ed25519PublicKey, 'base64url'),
          signed,
          Buffer.from(dto.signature, 'base64url'),
        )
      ) {
        throw new AppError(400, 'invalid_signature', 'The epoch announcement signature does not verify.');
      }
      if (channel.titleCiphertext && !dto.title) {
        throw badRequest('title_required', 'Carry the channel title forward: re-encrypt it under the new epoch key.');
      }
      await m.getRepository(ChannelEpoch).insert({
        channelId,
        epoch: dto.epoch,
        openerDeviceId: dto.openerDeviceId,
        recipientDeviceIds: given,
        signature: Buffer.from(dto.signature, 'base64url'),
        openedAt: now,
        firstSeq: String(Number(channel.lastSeq) + 1),
      });
      await m.getRepository(KeyEnvelope).insert(
        dto.envelopes.map((e) => ({
          channelId,
          epoch: dto.epoch,
          deviceId: e.deviceId,
          sealed: Buffer.from(e.sealed, 'base64url'),
          sharedByDeviceId: null,
        })),
      );
      await m.getRepository(Channel).update(
        { id: channelId },
        {
          currentEpoch: dto.epoch,
          epochOpenedAt: now,
          epochMessageCount: 0,
          rotationRequired: false,
          rotationReason: null,
          ...(dto.title ? { titleCiphertext: Buffer.from(dto.title, 'base64url'), titleEpoch: dto.epoch } : {}),
        },
      );
      await this.audit.record(m, {
        actor: actorOf(auth),
        action: 'channel.epoch_opened',
        target: { type: 'channel', id: channelId },
        details: {
          epoch: dto.epoch,
          recipients: given.length,
          reason: channel.rotationReason ?? this.rotationDue(channel),
        },
        meta: auth.meta,
      });
      return { epoch: dto.epoch, recipients: given.length };
    });
    return result;
  }

  /** The key envelopes sealed to one of the caller's devices, with each epoch's signed announcement. */
  async keysForDevice(auth: AuthContext, channelId: string, deviceId: string, fromEpoch: number) {
    await this.membership(this.db.manager, channelId, auth.user.id);
    const owns = await this.db.query<{ id: string }[]>(
      'SELECT id FROM devices WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL',
      [deviceId, auth.user.id],
    );
    if (!owns.length) throw forbidden('not_your_device', 'That is not one of your active devices.');
    const rows = await this.db.query<
      {
        epoch: number;
        sealed: Buffer;
        shared_by_device_id: string | null;
        opener_device_id: string;
        recipient_device_ids: string[];
        signature: Buffer;
        opened_at: Date;
        first_seq: string;
      }[]
    >(
      `SELECT k.epoch, k.sealed, k.shared_by_device_id, e.opener_device_id, e.recipient_device_ids, e.signature,
              e.opened_at, e.first_seq
         FROM key_envelopes k JOIN channel_epochs e ON e.channel_id = k.channel_id AND e.epoch = k.epoch
        WHERE k.channel_id = $1 AND k.device_id = $2 AND k.epoch >= $3
        ORDER BY k.epoch`,
      [channelId, deviceId, fromEpoch],
    );
    return rows.map((r) => ({
      epoch: r.epoch,
      sealed: b64(r.sealed),
      sharedByDeviceId: r.shared_by_device_id,
      openerDeviceId: r.opener_device_id,
      recipientDeviceIds: r.recipient_device_ids,
      signature: b64(r.signature),
      openedAt: r.opened_at,
      firstSeq: Number(r.first_seq),
    }));
  }

  /**
   * A member shares epoch keys they hold with another current member device: a newcomer (explicit,
   * audited need-to-know decision) or their own new device. The sharer must hold each epoch themself.
   */
  async shareHistory(auth: AuthContext, channelId: string, dto: ShareHistoryDto) {
    const now = this.clock.now();
    return this.db.transaction(async (m) => {
      await this.lockChannel(m, channelId);
      await this.membership(m, channelId, auth.user.id);
      const devices = await this.memberDevices(m, channelId, now);
      const from = devices.find((d) => d.deviceId === dto.fromDeviceId);
      if (!from || from.userId !== auth.user.id) {
        throw forbidden('not_your_device', 'Share from one of your own active devices in this channel.');
      }
      const held = new Set(
        (
          await m.query<{ epoch: number }[]>(
            'SELECT epoch FROM key_envelopes WHERE channel_id = $1 AND device_id = $2',
            [channelId, dto.fromDeviceId],
          )
        ).map((r) => r.epoch),
      );
      const recipients = new Map(devices.map((d) => [d.deviceId, d]));
      for (const e of dto.envelopes) {
        if (!held.has(e.epoch)) throw forbidden('epoch_not_held', `You do not hold the key of epoch ${e.epoch}.`);
        if (!recipients.has(e.deviceId)) {
          throw conflict('not_a_member_device', 'History can only be shared with a current member’s device.', {
            deviceId: e.deviceId,
          });
        }
      }
      const inserted = await m
        .createQueryBuilder()
        .insert()
        .into(KeyEnvelope)
        .values(
          dto.envelopes.map((e) => ({
            channelId,
            epoch: e.epoch,
            deviceId: e.deviceId,
            sealed: Buffer.from(e.sealed, 'base64url'),
            sharedByDeviceId: dto.fromDeviceId,
          })),
        )
        .orIgnore()
        .execute();
      // The recipients may now fetch the messages of the shared epochs.
      const minEpoch = Math.min(...dto.envelopes.map((e) => e.epoch));
      const [first] = await m.query<{ first_seq: string }[]>(
        'SELECT first_seq FROM channel_epochs WHERE channel_id = $1 AND epoch = $2',
        [channelId, minEpoch],
      );
      const users = [...new Set(dto.envelopes.map((e) => recipients.get(e.deviceId)!.userId))];
      await m.query(
        `UPDATE channel_members SET visible_from_seq = LEAST(visible_from_seq, $3)
          WHERE channel_id = $1 AND user_id = ANY($2::uuid[])`,
        [channelId, users, Number(first.first_seq) - 1],
      );
      await this.audit.record(m, {
        actor: actorOf(auth),
        action: 'channel.history_shared',
        target: { type: 'channel', id: channelId },
        details: {
          fromDeviceId: dto.fromDeviceId,
          toUsers: users.join(','),
          epochs: [...new Set(dto.envelopes.map((e) => e.epoch))].sort((a, b) => a - b).join(','),
        },
        meta: auth.meta,
      });
      return { shared: inserted.identifiers.length };
    });
  }
}
