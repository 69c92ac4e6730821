import type { StrongroomClient } from '../client.js';
import {
  decryptTitle,
  encryptTitle,
  epochAnnouncementBytes,
  epochCommitment,
  EnvelopeError,
  newEpochKey,
  openEpochKey,
  sealEpochKey,
  signDetached,
  verifyDetached,
} from '../crypto/channel-crypto.js';
import { wipe } from '../crypto/sodium.js';
import type { StoredDevice } from '../store/key-store.js';
import { Backoff, DEFAULT_RETRY, isTransient, retrying, type RetryPolicy } from '../transport/retry.js';
import type { ChannelKind, EpochKeyView, MemberDeviceView, MemberRole } from '../types.js';
import { isTrustRefusal, type DeviceTrust, type TrustedDevice } from './device-trust.js';
import {
  DeviceNotApprovedError,
  EpochRefusedError,
  isRotateAndRetry,
  UnableToDecryptError,
  unhandledCode,
} from './errors.js';

/** A key sent to another device, as the share routes take it. */
type SharedEnvelope = { epoch: number; deviceId: string; sealed: string };

/** Whom an epoch went to and whom its opener left out, as its signed announcement says. */
export type Announced = Pick<EpochKeyView, 'openerDeviceId' | 'recipientDeviceIds' | 'withheldDeviceIds'>;

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
  /** Whom each opened epoch went to and who was left out, by `channelId:epoch` (checked before sending). */
  private readonly announcements = new Map<string, Announced>();
  /** What this session has already warned about. */
  private readonly warned = new Set<string>();
  /** Epochs whose key this device refused, and why. */
  private readonly refused = new Map<string, EpochRefusedError>();

  constructor(
    private readonly client: StrongroomClient,
    private readonly device: StoredDevice,
    private readonly trust: DeviceTrust,
    /** Hears each refusal this device makes (a device left out of a key, a key refused), in plain words. */
    private readonly warn: (message: string) => void = () => {},
    /** How long a fetch, or a rotation racing other devices, keeps trying before it gives up. */
    private readonly policy: RetryPolicy = DEFAULT_RETRY,
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
   * Opens the next epoch: a fresh key, committed to and sent to every member device this client trusts,
   * announced with this device's signature; devices it refuses (an identity that changed, a device its
   * owner never approved) are named as withheld and get nothing, and each refusal is reported as a
   * warning. If another device got there first, carries on with theirs; if the membership changed
   * meanwhile, rebuilds, as often as it takes (with a short, growing wait, so racing devices spread
   * out), and so through network errors and 5xx answers, until `backoff` runs out (the retry policy's
   * time, or the send's that asked for it). Returns the channel's current epoch afterwards.
   */
  async rotate(channelId: string, newTitle?: string, backoff = new Backoff(this.policy)): Promise<number> {
    for (;;) {
      try {
        return await this.openNext(channelId, newTitle);
      } catch (err) {
        if (isRotateAndRetry(err)) {
          switch (err.code) {
            case 'membership_changed':
              if (await backoff.wait(err)) continue;
              throw new Error('The conversation’s members kept changing while making its new key; try again.', {
                cause: err,
              });
            case 'epoch_exists': {
              // Someone opened it first: theirs is the epoch now. Not taken as the send epoch here: sendKey
              // checks whom it went to before anything is encrypted under it.
              this.epochs.delete(channelId);
              return Number(err.details?.currentEpoch);
            }
            case 'epoch_stale':
              // A refusal of a message, not of an epoch: the sender's loop (MessageStream.send) handles it.
              throw err;
            default:
              return unhandledCode(err.code);
          }
        }
        if (isTransient(err) && (await backoff.wait(err))) continue;
        throw err;
      }
    }
  }

  /** One try at opening the next epoch (`rotate`); a refusal is the caller's to handle. */
  private async openNext(channelId: string, newTitle: string | undefined): Promise<number> {
    const { currentEpoch, devices } = await this.client.channelDevices(channelId);
    const trusted: MemberDeviceView[] = [];
    const withheld: string[] = [];
    for (const d of devices) {
      try {
        await this.trust.check(d);
        trusted.push(d);
      } catch (err) {
        if (!isTrustRefusal(err)) throw err;
        withheld.push(d.deviceId);
        this.warn(`${err.message} (Left out of the new key for this conversation.)`);
      }
    }
    if (!trusted.some((d) => d.deviceId === this.deviceId)) throw new DeviceNotApprovedError();
    const epoch = currentEpoch + 1;
    const key = await newEpochKey();
    const title = newTitle ?? (currentEpoch > 0 ? await this.title(channelId) : null);
    const recipientDeviceIds = trusted.map((d) => d.deviceId);
    const envelopes = (await this.sealTo(channelId, epoch, key, trusted)).map(({ deviceId, sealed }) => ({
      deviceId,
      sealed,
    }));
    const commitment = await epochCommitment(key, channelId, epoch);
    const signature = await signDetached(
      epochAnnouncementBytes({
        channelId,
        epoch,
        openerDeviceId: this.deviceId,
        recipientDeviceIds,
        withheldDeviceIds: withheld,
        commitment,
      }),
      this.device.keys.ed25519.privateKey,
    );
    await this.client.openEpoch(channelId, {
      epoch,
      openerDeviceId: this.deviceId,
      signature,
      commitment,
      envelopes,
      withheld,
      ...(title !== null ? { title: await encryptTitle(title, channelId, epoch, key) } : {}),
    });
    this.keys.set(`${channelId}:${epoch}`, key);
    this.announcements.set(`${channelId}:${epoch}`, {
      openerDeviceId: this.deviceId,
      recipientDeviceIds,
      withheldDeviceIds: withheld,
    });
    this.epochs.set(channelId, epoch);
    return epoch;
  }

  /**
   * Opens one envelope sent to this device after checking everything it claims: the announcement signed
   * by the opener's approved device, the opener among the recipients, this device a recipient (or the key
   * shared with it), the envelope from the device named, and the key matching the signed commitment.
   */
  private async openEnvelope(channelId: string, env: EpochKeyView): Promise<Uint8Array> {
    const refuse = (why: string) =>
      new EpochRefusedError(
        `The key for messages from ${env.openedAt.slice(0, 16).replace('T', ' ')} (key period ${env.epoch}) of ` +
          `conversation ${channelId.slice(0, 8)} was refused: ${why}. Nothing under it is shown or sent.`,
      );
    let opener: TrustedDevice;
    let sender: TrustedDevice;
    try {
      opener = await this.trust.deviceKeys(env.openerDeviceId);
      sender = env.sharedByDeviceId ? await this.trust.deviceKeys(env.sharedByDeviceId) : opener;
    } catch (err) {
      if (isTrustRefusal(err)) throw refuse(`it comes from a device you do not trust (${err.message})`);
      throw err;
    }
    const announced = epochAnnouncementBytes({
      channelId,
      epoch: env.epoch,
      openerDeviceId: env.openerDeviceId,
      recipientDeviceIds: env.recipientDeviceIds,
      withheldDeviceIds: env.withheldDeviceIds,
      commitment: env.commitment,
    });
    if (!(await verifyDetached(announced, env.signature, opener.ed25519PublicKey))) {
      throw refuse('its announcement is not signed by the device that made it');
    }
    if (!env.recipientDeviceIds.includes(env.openerDeviceId)) {
      throw refuse('the device that made it was not among the members it was made for');
    }
    if (!env.sharedByDeviceId && !env.recipientDeviceIds.includes(this.deviceId)) {
      throw refuse('it was not announced to this device');
    }
    let key: Uint8Array;
    try {
      key = await openEpochKey(
        env.sealed,
        channelId,
        env.epoch,
        { deviceId: this.deviceId, x25519PrivateKey: this.device.keys.x25519.privateKey },
        sender,
      );
    } catch (err) {
      if (err instanceof EnvelopeError) throw refuse(err.message.replace(/\.$/, '').toLowerCase());
      throw err;
    }
    if ((await epochCommitment(key, channelId, env.epoch)) !== env.commitment) {
      throw refuse('the key sent does not match the one its maker committed to');
    }
    return key;
  }

  /**
   * The key of one epoch for this device: fetched, every claim checked (`openEnvelope`), then opened
   * here. An epoch that fails a check is refused (`EpochRefusedError`, naming the conversation and the
   * period) and reported as a warning; other epochs in the same answer still open. `UnableToDecryptError`
   * (and so `EpochRefusedError`) means this device will never read what the key opens. A fetch that
   * fails for the moment (network, 5xx) is tried again until `backoff` runs out, and then its error is
   * thrown as it is: the key may still be had later.
   */
  async keyFor(channelId: string, epoch: number, backoff = new Backoff(this.policy)): Promise<Uint8Array> {
    const k = `${channelId}:${epoch}`;
    const cached = this.keys.get(k);
    if (cached) return cached;
    const envelopes = await retrying(() => this.client.channelKeys(channelId, this.deviceId, epoch), backoff);
    for (const env of envelopes) {
      const ek = `${channelId}:${env.epoch}`;
      if (this.keys.has(ek)) continue;
      try {
        this.keys.set(ek, await this.openEnvelope(channelId, env));
        this.announcements.set(ek, env);
        this.refused.delete(ek);
      } catch (err) {
        if (!(err instanceof EpochRefusedError)) throw err;
        if (!this.refused.has(ek)) this.warn(err.message);
        this.refused.set(ek, err);
      }
    }
    const key = this.keys.get(k);
    if (key) return key;
    throw (
      this.refused.get(k) ??
      new UnableToDecryptError(
        'This device was not given the key to these messages: they are from before it joined the conversation or was approved.',
      )
    );
  }

  /**
   * Whom one epoch's key went to and whom its opener left out (devices its client refused), as the signed
   * announcement says: the key is opened first if it is not yet, so the announcement has been checked.
   * Throws as `keyFor` does.
   */
  async announced(channelId: string, epoch: number): Promise<Announced> {
    await this.keyFor(channelId, epoch);
    const a = this.announcements.get(`${channelId}:${epoch}`);
    if (!a) throw new UnableToDecryptError('This device holds no key to these messages.');
    return {
      openerDeviceId: a.openerDeviceId,
      recipientDeviceIds: [...a.recipientDeviceIds],
      withheldDeviceIds: [...a.withheldDeviceIds],
    };
  }

  /**
   * The epoch and key to send or seal under. The current epoch is used only if this device was sent its
   * key directly, every device it went to is still a member device (so a channel rolled back to an epoch
   * a removed member holds is not used), this client trusts them all, and it withheld no device this
   * client trusts; otherwise (and when a rotation is due, or the key was refused) this device opens the
   * next epoch. So nothing is encrypted to a device this client refuses or that has left. The epoch
   * chosen is kept until a refusal or a `channel.rotation_required` event says otherwise. Each new epoch
   * is progress, so this goes on while other devices race it, until `backoff` runs out; if a new epoch
   * does not move the channel on (its keys were set back behind the server's back), it stops at once.
   */
  async sendKey(channelId: string, backoff = new Backoff(this.policy)): Promise<{ epoch: number; key: Uint8Array }> {
    const giveUp = () =>
      new Error('Could not agree a key for this conversation: its members kept changing. Try again.');
    // The channel's epoch when this device last opened (or tried to open) the next one.
    let reopenedAt: number | null = null;
    for (let round = 0; ; round++) {
      // Once a new epoch did not settle it, the next round waits a little (other devices are racing).
      if (round > 1 && !(await backoff.wait())) throw giveUp();
      const known = this.epochs.get(channelId);
      const cached = known !== undefined ? this.keys.get(`${channelId}:${known}`) : undefined;
      if (known !== undefined && cached) return { epoch: known, key: cached };
      const { currentEpoch, rotationRequired, devices } = await retrying(
        () => this.client.channelDevices(channelId),
        backoff,
      );
      // Opening the next epoch always moves the channel on (ours stored, or someone else's first), unless
      // the channel's counter was set back: then no new epoch can hold, and trying again cannot help.
      if (reopenedAt !== null && currentEpoch <= reopenedAt) throw giveUp();
      reopenedAt = currentEpoch;
      if (rotationRequired || currentEpoch === 0) {
        await this.rotate(channelId, undefined, backoff); // sets the send epoch when this device's own opening is stored
        continue;
      }
      let key: Uint8Array;
      try {
        key = await this.keyFor(channelId, currentEpoch, backoff);
      } catch (err) {
        if (!(err instanceof UnableToDecryptError)) throw err;
        // No key for this device (new, or just reinstated), or the key was refused: open the next epoch.
        await this.reopen(channelId, backoff);
        continue;
      }
      const announced = this.announcements.get(`${channelId}:${currentEpoch}`);
      if (announced && (await this.fitForSending(channelId, currentEpoch, announced, devices))) {
        this.epochs.set(channelId, currentEpoch);
        return { epoch: currentEpoch, key };
      }
      await this.reopen(channelId, backoff);
    }
  }

  /** Whether this client may encrypt under an epoch it holds (see `sendKey`); each refusal is a warning. */
  private async fitForSending(
    channelId: string,
    epoch: number,
    announced: Announced,
    members: readonly MemberDeviceView[],
  ): Promise<boolean> {
    if (!announced.recipientDeviceIds.includes(this.deviceId)) return false;
    const memberIds = new Set(members.map((d) => d.deviceId));
    if (announced.recipientDeviceIds.some((id) => !memberIds.has(id))) {
      this.warnOnce(
        `${channelId}:${epoch}:left`,
        `The current key of conversation ${channelId.slice(0, 8)} went to a device that is no longer in it: ` +
          'a new key is made before anything is sent.',
      );
      return false;
    }
    for (const id of announced.recipientDeviceIds) {
      if (id === this.deviceId) continue;
      try {
        await this.trust.deviceKeys(id);
      } catch (err) {
        if (!isTrustRefusal(err)) throw err;
        this.warnOnce(`${channelId}:${epoch}:${id}`, `${err.message} (A new key is made without it.)`);
        return false;
      }
    }
    // A device this client trusts, left out by whoever made the key: include it again, and say who did.
    for (const d of members) {
      if (!announced.withheldDeviceIds.includes(d.deviceId)) continue;
      try {
        await this.trust.check(d);
      } catch (err) {
        if (isTrustRefusal(err)) continue; // this client refuses it too
        throw err;
      }
      this.warnOnce(
        `${channelId}:${epoch}:withheld`,
        `The current key of conversation ${channelId.slice(0, 8)} was made without a device of user ${d.userId} ` +
          `that you trust (left out by device ${announced.openerDeviceId.slice(0, 8)}): a new key is made that includes it.`,
      );
      return false;
    }
    return true;
  }

  /** Says each thing once per session. */
  private warnOnce(key: string, message: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.warn(message);
  }

  /** The send epoch is no longer known to be current (a stale refusal, a `channel.rotation_required` event). */
  forgetSendEpoch(channelId: string): void {
    this.epochs.delete(channelId);
  }

  /** The epochs of a channel whose key this device holds now, oldest first. */
  heldEpochs(channelId: string): number[] {
    const prefix = `${channelId}:`;
    return [...this.keys.keys()]
      .filter((k) => k.startsWith(prefix))
      .map((k) => Number(k.slice(prefix.length)))
      .sort((a, b) => a - b);
  }

  /**
   * The server says these epochs are spent: everything under them has expired and no record needs them,
   * and it destroyed its copies. This device wipes and drops its own, except a key it still has a use for
   * by its own account: the epoch it sends on, or one with a message it holds that has not expired by this
   * device's clock (`stillNeeded`). A key kept against the server's word is reported as a warning. Returns
   * the epochs dropped.
   */
  async dropSpent(channelId: string, epochs: number[], stillNeeded: (epoch: number) => boolean): Promise<number[]> {
    const dropped: number[] = [];
    for (const epoch of epochs) {
      const k = `${channelId}:${epoch}`;
      const key = this.keys.get(k);
      if (!key) continue;
      if (this.epochs.get(channelId) === epoch || stillNeeded(epoch)) {
        this.warnOnce(
          `spent:${k}`,
          `The server says the key to older messages of conversation ${channelId.slice(0, 8)} (key period ${epoch}) ` +
            'is no longer needed, but this device still uses it, so it keeps it.',
        );
        continue;
      }
      this.keys.delete(k);
      this.announcements.delete(k);
      await wipe(key);
      dropped.push(epoch);
    }
    return dropped;
  }

  /**
   * This device holds no key for the send epoch (a new device, or one just reinstated): opens the next
   * epoch, sealed to it too, so the caller can try again.
   */
  async reopen(channelId: string, backoff?: Backoff): Promise<void> {
    this.forgetSendEpoch(channelId);
    await this.rotate(channelId, undefined, backoff);
  }

  /**
   * Gives another member's devices the keys this channel's case record needs (family details, minutes,
   * actions, the plan: the epochs live sealed records reference), so a newcomer reads the case they were
   * brought into but no chat from before they joined. Keys this device does not hold are skipped. Each
   * device is checked first: nothing goes to a device this client does not trust. Returns how many keys
   * the server stored.
   */
  async shareRecordKeys(channelId: string, userId: string): Promise<number> {
    const targets = await this.trustedDevicesOf(channelId, userId);
    if (!targets.length) return 0;
    const { epochs } = await this.client.recordEpochs(channelId);
    const envelopes: SharedEnvelope[] = [];
    for (const epoch of epochs) {
      let key: Uint8Array;
      try {
        key = await this.keyFor(channelId, epoch);
      } catch (err) {
        if (err instanceof UnableToDecryptError) continue; // not held here: another member may share it
        throw err;
      }
      envelopes.push(...(await this.sealTo(channelId, epoch, key, targets)));
    }
    if (!envelopes.length) return 0;
    return (await this.client.shareRecordKeys(channelId, { fromDeviceId: this.deviceId, envelopes })).shared;
  }

  /**
   * Shares the keys of the epochs this device holds with another member's devices (a newcomer, by an
   * explicit, audited decision), or with this user's own other devices.
   */
  async shareHistory(channelId: string, userId: string, opts: { beforeEpoch?: number } = {}): Promise<number> {
    const targets = await this.trustedDevicesOf(channelId, userId);
    if (!targets.length) throw new Error('That person has no device in this channel to share with.');
    const held = await this.client.channelKeys(channelId, this.deviceId, 0);
    const envelopes: SharedEnvelope[] = [];
    for (const env of held) {
      if (opts.beforeEpoch && env.epoch >= opts.beforeEpoch) continue;
      envelopes.push(...(await this.sealTo(channelId, env.epoch, await this.keyFor(channelId, env.epoch), targets)));
    }
    if (!envelopes.length) return 0;
    return (await this.client.shareHistory(channelId, { fromDeviceId: this.deviceId, envelopes })).shared;
  }

  /** A person's devices in the channel other than this one, each checked before anything is sealed to it. */
  private async trustedDevicesOf(channelId: string, userId: string): Promise<MemberDeviceView[]> {
    const { devices } = await this.client.channelDevices(channelId);
    const targets = devices.filter((d) => d.userId === userId && d.deviceId !== this.deviceId);
    for (const d of targets) await this.trust.check(d);
    return targets;
  }

  /** One epoch's key, sent from this device to each of `targets`. */
  private sealTo(channelId: string, epoch: number, key: Uint8Array, targets: MemberDeviceView[]) {
    return Promise.all(
      targets.map(async (d) => ({
        epoch,
        deviceId: d.deviceId,
        sealed: await sealEpochKey(key, channelId, epoch, d, this.sender),
      })),
    );
  }

  /** This device as the sending end of an envelope. */
  private get sender() {
    return { deviceId: this.deviceId, x25519PrivateKey: this.device.keys.x25519.privateKey };
  }
}
