import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type {
  ChannelDevicesView,
  EpochKeyView,
  HistoryShareView,
  MemberDeviceView,
  OpenedEpochView,
  OpenEpochInput,
  RecordEpochsView,
  ShareHistoryInput,
  ShareRecordKeysInput,
} from '../../contracts/channels.js';
import { AuditService } from '../audit/audit.service.js';
import { AppError, badRequest, conflict, forbidden } from '../common/app-error.js';
import { Clock } from '../common/clock.js';
import { onUniqueViolation } from '../common/db-errors.js';
import { DomainEvents } from '../common/domain-events.js';
import { APP_CONFIG, type AppConfig } from '../config/config.schema.js';
import { actorOf, type AuthContext } from '../identity/auth-context.js';
import { verifyEd25519 } from '../identity/device-proof.js';
import { Notifier } from '../notifications/notifier.js';
import { ChannelAccessService } from './channel-access.service.js';
import { ChannelMembersReadModel } from './channel-members.read-model.js';
import { epochAnnouncementBytes } from './channel-proofs.js';
import { mayHoldEpochKey, recipientsMatch, rotationDue, type RotationState } from './channel-rules.js';
import { ChannelsRepository } from './channels.repository.js';
import { RecordEpochsReadModel } from './record-epochs.read-model.js';
import { DevicesRepository } from '../identity/devices.repository.js';
import { identityApproved, usableDeviceKeys } from '../identity/public-keys.js';

/**
 * Key epochs: who must get the next epoch key, opening an epoch (its key sealed to exactly the current
 * member devices, signed by the opener), fetching one's envelopes, sharing older epochs with a member,
 * and marking a channel for rotation. The server never sees a key.
 */
@Injectable()
export class ChannelEpochsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly events: DomainEvents,
    private readonly notifier: Notifier,
    private readonly repo: ChannelsRepository,
    private readonly members: ChannelMembersReadModel,
    private readonly access: ChannelAccessService,
    private readonly devices: DevicesRepository,
    private readonly recordEpochsOf: RecordEpochsReadModel,
  ) {}

  /** Why the current epoch may no longer be used (membership change or the clock), or null. */
  rotationDue(channel: RotationState, now: Date = this.clock.now()): string | null {
    return rotationDue(channel, now, {
      maxMessages: this.config.EPOCH_MAX_MESSAGES,
      maxAgeHours: this.config.EPOCH_MAX_AGE_HOURS,
    });
  }

  /**
   * A sealed field (`{epoch, ciphertext}` under the channel's key) must name an epoch the channel has
   * (the server cannot open it, but it can refuse one nobody could), and, like a message, the current
   * one while no rotation is due: a field written under an older key, or under the current one after a
   * member left, would be readable by someone who is no longer in the channel (DESIGN.md §3). The
   * channel row is locked, so a rotation cannot slip in before this write commits. FOR UPDATE, not
   * FOR SHARE: several writers (a consent record, a new family member) go on to mark the channel for
   * rotation in the same transaction, and two share locks each upgraded would deadlock; every path takes
   * the channel's row last, so the stronger lock orders them instead.
   */
  async assertSealedEpoch(m: EntityManager, channelId: string, epoch: number, field: string): Promise<void> {
    if (!(await this.repo.epochExists(m, channelId, epoch))) {
      throw badRequest('validation_failed', `The ${field} is encrypted with a key this conversation never had.`, {
        fields: { [`${field}.epoch`]: ['is not an epoch of the channel'] },
      });
    }
    const channel = (await this.repo.lock(m, channelId))!; // it exists: it has this epoch
    const due = this.rotationDue(channel);
    if (epoch !== channel.currentEpoch || due) {
      throw conflict(
        'epoch_stale',
        `The channel’s keys have changed since the ${field} was encrypted: encrypt it again and resend.`,
        { currentEpoch: channel.currentEpoch, rotationRequired: due !== null, reason: due ?? 'epoch_changed' },
      );
    }
  }

  /** Marks a channel for key rotation: sends on the current epoch are refused until a new one opens. */
  async markRotation(m: EntityManager, channelId: string, reason: string): Promise<void> {
    await this.repo.markRotation(m, channelId, reason);
    this.events.afterCommit(m, () =>
      this.notifier.toChannel(channelId, 'channel.rotation_required', { channelId, reason }),
    );
  }

  /** A user's devices changed (one added or revoked): every channel they are in needs a new key. */
  async requireRotationForUser(m: EntityManager, userId: string, reason: string): Promise<void> {
    for (const channelId of await this.repo.channelIdsOf(m, userId)) await this.markRotation(m, channelId, reason);
  }

  /** An agency's standing changed: every channel with one of its people needs a new key. */
  async requireRotationForAgency(m: EntityManager, agencyId: string, reason: string): Promise<void> {
    for (const channelId of await this.members.channelIdsOfAgency(m, agencyId)) {
      await this.markRotation(m, channelId, reason);
    }
  }

  /** Exactly the devices that must get the next epoch key, in a stable order. */
  async memberDevices(m: EntityManager, channelId: string, now: Date = this.clock.now()): Promise<MemberDeviceView[]> {
    const rows = await this.members.memberDevices(m, channelId);
    // An agency that may not share into this channel (a family's consent withdrawn) gets no new keys.
    const refused = await this.access.sharingRefusals(m, channelId, [...new Set(rows.map((r) => r.agencyId))]);
    // A device whose keys cannot be used (written straight into the database: registration refuses them)
    // gets no key, so it cannot make every member's rotation fail.
    const usable = await Promise.all(rows.map((r) => usableDeviceKeys(r.x25519PublicKey, r.ed25519PublicKey)));
    // Only a device its owner approved with their identity key (protocol v2): one registered with a stolen
    // session, or inserted into the database, waits outside. The signature is checked here, every time
    // (cached per device), rather than trusting a stored flag.
    return rows.flatMap((r, i) =>
      usable[i] && mayHoldEpochKey(r, now, refused) && identityApproved(r)
        ? [
            {
              deviceId: r.deviceId,
              userId: r.userId,
              x25519PublicKey: r.x25519PublicKey,
              ed25519PublicKey: r.ed25519PublicKey,
              identityPublicKey: r.identityPublicKey!,
              identitySignature: r.identitySignature!,
            },
          ]
        : [],
    );
  }

  /**
   * The devices the next key goes to, for a member about to make it. A member whose agency may not share
   * into the channel now (a family's consent withdrawn) is told so here, in those words: their own devices
   * are not on the list, and making a key would not let them post anyway.
   */
  async devicesForEpoch(auth: AuthContext, channelId: string): Promise<ChannelDevicesView> {
    await this.access.membership(this.db.manager, channelId, auth.user.id);
    const agencyId = auth.user.agencyId;
    const sharing = (await this.access.sharingRefusals(this.db.manager, channelId, [agencyId])).get(agencyId);
    if (sharing) throw sharing;
    const channel = await this.repo.get(this.db.manager, channelId);
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
  async openEpoch(auth: AuthContext, channelId: string, dto: OpenEpochInput): Promise<OpenedEpochView> {
    const now = this.clock.now();
    const recipients = dto.envelopes.map((e) => e.deviceId);
    const listed = [...recipients, ...dto.withheld];
    if (new Set(listed).size !== listed.length) {
      throw badRequest('validation_failed', 'A device is listed twice.', {
        fields: { envelopes: ['has duplicates, or a device that is also withheld'] },
      });
    }
    return this.db.transaction(async (m) => {
      const channel = await this.access.lock(m, channelId);
      await this.access.membership(m, channelId, auth.user.id);
      if (dto.epoch <= channel.currentEpoch) {
        throw conflict('epoch_exists', 'Someone else made the conversation’s new key first: use theirs and carry on.', {
          currentEpoch: channel.currentEpoch,
        });
      }
      if (dto.epoch !== channel.currentEpoch + 1) {
        throw conflict(
          'epoch_gap',
          'This device’s view of the conversation’s keys is out of date: fetch them and try again.',
          {
            currentEpoch: channel.currentEpoch,
          },
        );
      }
      const devices = await this.memberDevices(m, channelId, now);
      const opener = devices.find((d) => d.deviceId === dto.openerDeviceId);
      if (!opener || opener.userId !== auth.user.id || !recipients.includes(opener.deviceId)) {
        throw forbidden(
          'not_your_device',
          'New keys for a conversation can only come from one of your own approved devices in it.',
        );
      }
      // Every member device either gets the key or is named as withheld, in the signed announcement: nobody
      // is added, and nobody is left out without every member's client seeing it.
      const memberDeviceIds = devices.map((d) => d.deviceId);
      if (!recipientsMatch(memberDeviceIds, listed)) {
        const message = 'The channel’s member devices changed: rebuild the epoch for these devices.';
        throw conflict('membership_changed', message, { devices });
      }
      const given = [...recipients].sort();
      const withheld = [...dto.withheld].sort();
      const signed = epochAnnouncementBytes({
        channelId,
        epoch: dto.epoch,
        openerDeviceId: dto.openerDeviceId,
        recipientDeviceIds: given,
        withheldDeviceIds: withheld,
        commitment: dto.commitment,
      });
      if (
        !verifyEd25519(
          Buffer.from(opener.ed25519PublicKey, 'base64url'),
          signed,
          Buffer.from(dto.signature, 'base64url'),
        )
      ) {
        throw new AppError(400, 'invalid_signature', 'The signature over the conversation’s new key does not verify.');
      }
      if (channel.titleCiphertext && !dto.title) {
        throw badRequest('title_required', 'Carry the conversation’s title over: encrypt it again with the new key.');
      }
      await this.repo
        .insertEpoch(m, {
          channelId,
          epoch: dto.epoch,
          openerDeviceId: dto.openerDeviceId,
          recipientDeviceIds: given,
          withheldDeviceIds: withheld,
          commitment: dto.commitment,
          signature: dto.signature,
          openedAt: now,
          firstSeq: String(Number(channel.lastSeq) + 1),
        })
        // Only if the channel's epoch counter was set back behind the server's back: the stored epoch wins.
        .catch(
          onUniqueViolation('channel_epochs_pkey', () =>
            conflict('epoch_exists', 'Someone else made the conversation’s new key first: use theirs and carry on.', {
              currentEpoch: channel.currentEpoch,
            }),
          ),
        );
      await this.repo.insertEnvelopes(
        m,
        channelId,
        dto.envelopes.map((e) => ({ epoch: dto.epoch, deviceId: e.deviceId, sealed: e.sealed })),
      );
      await this.repo.epochOpened(m, channelId, dto.epoch, now, dto.title);
      await this.audit.record(m, {
        actor: actorOf(auth),
        action: 'channel.epoch_opened',
        target: { type: 'channel', id: channelId },
        details: {
          epoch: dto.epoch,
          recipients: given.length,
          ...(withheld.length ? { withheld: withheld.join(',') } : {}),
          reason: channel.rotationReason ?? this.rotationDue(channel),
        },
        meta: auth.meta,
      });
      return { epoch: dto.epoch, recipients: given.length };
    });
  }

  /** The key envelopes sealed to one of the caller's devices, with each epoch's signed announcement. */
  async keysForDevice(
    auth: AuthContext,
    channelId: string,
    deviceId: string,
    fromEpoch: number,
  ): Promise<EpochKeyView[]> {
    await this.access.membership(this.db.manager, channelId, auth.user.id);
    if (!(await this.devices.activeSigningKey(this.db.manager, deviceId, auth.user.id))) {
      throw forbidden('not_your_device', 'That is not one of your active devices.');
    }
    return this.repo.keysForDevice(this.db.manager, channelId, deviceId, fromEpoch);
  }

  /** The epochs whose keys the channel's live sealed records need (what a newcomer is given). */
  async recordEpochs(auth: AuthContext, channelId: string): Promise<RecordEpochsView> {
    await this.access.membership(this.db.manager, channelId, auth.user.id);
    return { epochs: await this.recordEpochsOf.of(this.db.manager, channelId) };
  }

  /**
   * A member gives a newcomer (or their own new device) the keys the channel's case record needs: only
   * epochs that live sealed records reference. Unlike a history share it opens no chat: the newcomer
   * still fetches messages only from their join on. Audited as a record-key share.
   */
  async shareRecordKeys(auth: AuthContext, channelId: string, dto: ShareRecordKeysInput): Promise<HistoryShareView> {
    return this.db.transaction(async (m) => {
      await this.access.lock(m, channelId);
      const needed = new Set(await this.recordEpochsOf.of(m, channelId));
      const outside = dto.envelopes.find((e) => !needed.has(e.epoch));
      if (outside) {
        throw conflict(
          'not_a_record_epoch',
          'Only the keys the conversation’s case record needs can be given this way; older messages are shared with share-history.',
          { epoch: outside.epoch },
        );
      }
      const { shared } = await this.storeShare(m, auth, channelId, dto, 'channel.record_keys_shared');
      return { shared };
    });
  }

  /**
   * Checks, stores and audits (as `action`) shared envelopes, inside the caller's transaction with the
   * channel locked: from one of the caller's own member devices, of epochs it holds, to current member
   * devices. Returns how many were new and to whom.
   */
  private async storeShare(
    m: EntityManager,
    auth: AuthContext,
    channelId: string,
    dto: ShareHistoryInput,
    action: 'channel.history_shared' | 'channel.record_keys_shared',
  ): Promise<{ shared: number; users: string[] }> {
    await this.access.membership(m, channelId, auth.user.id);
    const devices = await this.memberDevices(m, channelId, this.clock.now());
    const from = devices.find((d) => d.deviceId === dto.fromDeviceId);
    if (!from || from.userId !== auth.user.id) {
      throw forbidden('not_your_device', 'Share from one of your own approved devices in this conversation.');
    }
    const held = await this.repo.heldEpochs(m, channelId, dto.fromDeviceId);
    const recipients = new Map(devices.map((d) => [d.deviceId, d]));
    for (const e of dto.envelopes) {
      if (!held.has(e.epoch)) {
        throw forbidden(
          'epoch_not_held',
          'You do not hold the key to some of those older messages, so you cannot share it.',
        );
      }
      if (!recipients.has(e.deviceId)) {
        throw conflict('not_a_member_device', 'Keys can only be shared with a current member’s device.', {
          deviceId: e.deviceId,
        });
      }
    }
    const shared = await this.repo.insertSharedEnvelopes(m, channelId, dto.fromDeviceId, dto.envelopes);
    const users = [...new Set(dto.envelopes.map((e) => recipients.get(e.deviceId)!.userId))];
    await this.audit.record(m, {
      actor: actorOf(auth),
      action,
      target: { type: 'channel', id: channelId },
      details: {
        fromDeviceId: dto.fromDeviceId,
        toUsers: users.join(','),
        epochs: [...new Set(dto.envelopes.map((e) => e.epoch))].sort((a, b) => a - b).join(','),
      },
      meta: auth.meta,
    });
    return { shared, users };
  }

  /**
   * A member shares epoch keys they hold with another current member device: a newcomer (explicit,
   * audited need-to-know decision) or their own new device. The sharer must hold each epoch themself.
   */
  async shareHistory(auth: AuthContext, channelId: string, dto: ShareHistoryInput): Promise<HistoryShareView> {
    return this.db.transaction(async (m) => {
      await this.access.lock(m, channelId);
      const { shared, users } = await this.storeShare(m, auth, channelId, dto, 'channel.history_shared');
      // The recipients may now fetch the messages of the shared epochs.
      const minEpoch = Math.min(...dto.envelopes.map((e) => e.epoch));
      const firstSeq = await this.repo.epochFirstSeq(m, channelId, minEpoch);
      await this.repo.lowerVisibleFrom(m, channelId, users, firstSeq - 1);
      return { shared };
    });
  }
}
