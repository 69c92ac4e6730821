import type { StrongroomClient } from '../client.js';
import {
  decryptTitle,
  encryptTitle,
  epochAnnouncementBytes,
  newEpochKey,
  openEpochKey,
  sealEpochKey,
  signDetached,
  verifyDetached,
} from '../crypto/channel-crypto.js';
import type { StoredDevice } from '../store/key-store.js';
import type { ChannelKind, MemberRole } from '../types.js';
import type { DeviceTrust } from './device-trust.js';
import { isRotateAndRetry, UnableToDecryptError, unhandledCode } from './errors.js';

/** How often opening an epoch is tried again while the channel's membership keeps changing under it. */
const MAX_ATTEMPTS = 6;

/** What `createChannel` takes: the channel's kind and first members, and its title in clear. */
export interface NewChannel {
  kind: ChannelKind;
  members: { userId: string; role?: MemberRole }[];
  title?: string;
  retentionDays?: number;
}

/**
 * A channel's key epochs as this device sees them: it opens epochs (a fresh key sealed to exactly the
 * member devices, announced with this device's signature), opens the keys sealed to this device after
 * checking each announcement, knows which epoch to send on, and shares held keys with other devices. The
 * title is sealed under an epoch key, so it is re-sealed here at each rotation. Keys stay in memory.
 */
export class ChannelKeys {
  /** Opened epoch keys, by `channelId:epoch`. */
  private readonly keys = new Map<string, Uint8Array>();
  /** The epoch to send on, by channel, while it is known to be current. */
  private readonly epochs = new Map<string, number>();

  constructor(
    private readonly client: StrongroomClient,
    private readonly device: StoredDevice,
    private readonly trust: DeviceTrust,
  ) {}

  private get deviceId(): string {
    return this.device.deviceId;
  }

  /** Creates a channel and opens its first epoch (with the title, encrypted, if one is given). */
  async createChannel(input: NewChannel): Promise<string> {
    const channel = await this.client.createChannel({
      kind: input.kind,
      members: input.members,
      retentionDays: input.retentionDays,
    });
    await this.rotate(channel.id, input.title);
    return channel.id;
  }

  /** The channel's title in clear, or null when it has none. */
  async title(channelId: string): Promise<string | null> {
    const channel = await this.client.channel(channelId);
    if (!channel.title) return null;
    return decryptTitle(
      channel.title.ciphertext,
      channelId,
      channel.title.epoch,
      await this.keyFor(channelId, channel.title.epoch),
    );
  }

  /**
   * Opens the next epoch: a fresh key sealed to exactly the current member devices, announced with this
   * device's signature. If another device got there first, carries on with theirs; if the membership
   * changed meanwhile, rebuilds. Returns the channel's current epoch afterwards.
   */
  async rotate(channelId: string, newTitle?: string): Promise<number> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const { currentEpoch, devices } = await this.client.channelDevices(channelId);
      for (const d of devices) await this.trust.check(d);
      const epoch = currentEpoch + 1;
      const key = await newEpochKey();
      const title = newTitle ?? (currentEpoch > 0 ? await this.title(channelId) : null);
      const recipientDeviceIds = devices.map((d) => d.deviceId);
      const envelopes = await Promise.all(
        devices.map(async (d) => ({
          deviceId: d.deviceId,
          sealed: await sealEpochKey(key, channelId, epoch, d.x25519PublicKey),
        })),
      );
      const signature = await signDetached(
        epochAnnouncementBytes({ channelId, epoch, openerDeviceId: this.deviceId, recipientDeviceIds }),
        this.device.keys.ed25519.privateKey,
      );
      try {
        await this.client.openEpoch(channelId, {
          epoch,
          openerDeviceId: this.deviceId,
          signature,
          envelopes,
          ...(title !== null ? { title: await encryptTitle(title, channelId, epoch, key) } : {}),
        });
        this.keys.set(`${channelId}:${epoch}`, key);
        this.epochs.set(channelId, epoch);
        return epoch;
      } catch (err) {
        if (!isRotateAndRetry(err)) throw err;
        switch (err.code) {
          case 'membership_changed':
            continue;
          case 'epoch_exists': {
            // Someone opened it first: theirs is the epoch now, and it was sealed to this device too.
            const current = Number(err.details?.currentEpoch ?? epoch);
            this.epochs.set(channelId, current);
            return current;
          }
          case 'epoch_stale':
            // A refusal of a message, not of an epoch: the sender's loop (MessageStream.send) handles it.
            throw err;
          default:
            return unhandledCode(err.code);
        }
      }
    }
    throw new Error('The channel’s membership kept changing while opening a new epoch; try again.');
  }

  /** The key of one epoch for this device: fetched sealed, the announcement checked, then opened here. */
  async keyFor(channelId: string, epoch: number): Promise<Uint8Array> {
    const cached = this.keys.get(`${channelId}:${epoch}`);
    if (cached) return cached;
    const envelopes = await this.client.channelKeys(channelId, this.deviceId, epoch);
    for (const env of envelopes) {
      const k = `${channelId}:${env.epoch}`;
      if (this.keys.has(k)) continue;
      const opener = await this.trust.deviceKeys(env.openerDeviceId);
      const announced = epochAnnouncementBytes({
        channelId,
        epoch: env.epoch,
        openerDeviceId: env.openerDeviceId,
        recipientDeviceIds: env.recipientDeviceIds,
      });
      if (!(await verifyDetached(announced, env.signature, opener.ed25519PublicKey))) {
        throw new UnableToDecryptError(`The announcement of epoch ${env.epoch} is not signed by its opener.`);
      }
      if (!env.sharedByDeviceId && !env.recipientDeviceIds.includes(this.deviceId)) {
        throw new UnableToDecryptError(`Epoch ${env.epoch} was not announced to this device.`);
      }
      this.keys.set(k, await openEpochKey(env.sealed, channelId, env.epoch, this.device.keys.x25519));
    }
    const key = this.keys.get(`${channelId}:${epoch}`);
    if (!key) throw new UnableToDecryptError(`This device holds no key for epoch ${epoch} of this channel.`);
    return key;
  }

  /** The epoch to send on, opening one first if the channel needs it. */
  async sendEpoch(channelId: string): Promise<number> {
    const known = this.epochs.get(channelId);
    if (known) return known;
    const { currentEpoch, rotationRequired } = await this.client.channelDevices(channelId);
    if (rotationRequired || currentEpoch === 0) return this.rotate(channelId);
    this.epochs.set(channelId, currentEpoch);
    return currentEpoch;
  }

  /** The send epoch is no longer known to be current (a stale refusal, a `channel.rotation_required` event). */
  forgetSendEpoch(channelId: string): void {
    this.epochs.delete(channelId);
  }

  /**
   * This device holds no key for the send epoch (a new device, or one just reinstated): opens the next
   * epoch, sealed to it too, so the caller can try again.
   */
  async reopen(channelId: string): Promise<void> {
    this.forgetSendEpoch(channelId);
    await this.rotate(channelId);
  }

  /**
   * Shares the keys of the epochs this device holds with another member's devices (a newcomer, by an
   * explicit, audited decision), or with this user's own other devices.
   */
  async shareHistory(channelId: string, userId: string, opts: { beforeEpoch?: number } = {}): Promise<number> {
    const { devices } = await this.client.channelDevices(channelId);
    const targets = devices.filter((d) => d.userId === userId && d.deviceId !== this.deviceId);
    if (!targets.length) throw new Error('That person has no device in this channel to share with.');
    for (const d of targets) await this.trust.check(d);
    const held = await this.client.channelKeys(channelId, this.deviceId, 0);
    const envelopes: { epoch: number; deviceId: string; sealed: string }[] = [];
    for (const env of held) {
      if (opts.beforeEpoch && env.epoch >= opts.beforeEpoch) continue;
      const key = await this.keyFor(channelId, env.epoch);
      for (const d of targets) {
        envelopes.push({
          epoch: env.epoch,
          deviceId: d.deviceId,
          sealed: await sealEpochKey(key, channelId, env.epoch, d.x25519PublicKey),
        });
      }
    }
    if (!envelopes.length) return 0;
    return (await this.client.shareHistory(channelId, { fromDeviceId: this.deviceId, envelopes })).shared;
  }
}
