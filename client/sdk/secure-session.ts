import { StrongroomClient } from './client.js';
import {
  decryptField,
  decryptMessage,
  decryptTitle,
  encryptField,
  encryptMessage,
  encryptTitle,
  epochAnnouncementBytes,
  newEpochKey,
  openEpochKey,
  sealEpochKey,
  signDetached,
  verifyDetached,
  type MessageContent,
} from './crypto/channel-crypto.js';
import { signMinutes, verifyMinutes } from './crypto/minutes.js';
import type { StoredDevice } from './store/key-store.js';
import { KeyChangedError, MemoryTrustStore, type TrustStore } from './store/trust-store.js';
import { StrongroomApiError } from './transport/http.js';
import { RealtimeConnection } from './transport/realtime.js';
import type {
  ChannelKind,
  MeetingView,
  MemberDeviceView,
  MemberRole,
  RealtimeMessage,
  StoredMessageView,
} from './types.js';

/** A message after decryption. `content` is null for a tombstone and when it cannot be read (`error`). */
export interface DecryptedMessage {
  channelId: string;
  id: string;
  seq: number;
  epoch: number;
  senderUserId: string;
  senderDeviceId: string;
  createdAt: string;
  expiresAt: string;
  deleted: boolean;
  content: MessageContent | null;
  /** Why this message could not be read; the goal is that this never happens. */
  error?: string;
}

export class UnableToDecryptError extends Error {}

const MAX_ATTEMPTS = 6;
const PAGE = 500;

/**
 * End-to-end encrypted channels for one signed-in device: it opens and rotates epochs, seals keys to
 * exactly the member devices, encrypts, signs and sends, and decrypts what arrives. The crypto is in
 * `crypto/` (no I/O); this layer decides what to fetch and when. Epoch changes, races and membership
 * changes are handled here, so callers just `send` and `read`.
 */
export class SecureSession {
  private readonly keys = new Map<string, Uint8Array>();
  private readonly epochs = new Map<string, number>();
  private readonly cache = new Map<string, Map<number, DecryptedMessage>>();
  private rt: RealtimeConnection | null = null;

  constructor(
    readonly client: StrongroomClient,
    readonly device: StoredDevice,
    private readonly trust: TrustStore = new MemoryTrustStore(),
    private readonly now: () => Date = () => new Date(),
  ) {}

  get deviceId(): string {
    return this.device.deviceId;
  }
  get userId(): string {
    return this.device.userId;
  }

  // ── trust ─────────────────────────────────────────────────────────────────────────────────────

  /** Pins a device's keys at first sight; refuses a device whose keys changed since. */
  private async check(d: MemberDeviceView): Promise<void> {
    const pinned = await this.trust.get(d.deviceId);
    if (!pinned) {
      await this.trust.pin({ ...d, firstSeenAt: this.now().toISOString() });
      return;
    }
    if (
      pinned.userId !== d.userId ||
      pinned.ed25519PublicKey !== d.ed25519PublicKey ||
      pinned.x25519PublicKey !== d.x25519PublicKey
    ) {
      throw new KeyChangedError(d.userId, d.deviceId);
    }
  }

  /**
   * The user compared safety numbers out of band: forget old pins for this person and pin the keys
   * they have now.
   */
  async verify(
    userId: string,
    devices: { id: string; userId: string; x25519PublicKey: string; ed25519PublicKey: string }[],
  ): Promise<void> {
    await this.trust.forgetUser(userId);
    for (const d of devices) {
      await this.check({
        deviceId: d.id,
        userId: d.userId,
        x25519PublicKey: d.x25519PublicKey,
        ed25519PublicKey: d.ed25519PublicKey,
      });
    }
  }

  /** A device's public keys, from the pins or (checked and pinned) from the server. */
  async deviceKeys(deviceId: string): Promise<MemberDeviceView> {
    const pinned = await this.trust.get(deviceId);
    if (pinned) return pinned;
    const d = await this.client.device(deviceId);
    const view = {
      deviceId: d.id,
      userId: d.userId,
      x25519PublicKey: d.x25519PublicKey,
      ed25519PublicKey: d.ed25519PublicKey,
    };
    await this.check(view);
    return view;
  }

  // ── channels and epochs ─────────────────────────────────────────────────────────────────────────

  /** Creates a channel and opens its first epoch (with the title, encrypted, if one is given). */
  async createChannel(input: {
    kind: ChannelKind;
    members: { userId: string; role?: MemberRole }[];
    title?: string;
    retentionDays?: number;
  }): Promise<string> {
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
      for (const d of devices) await this.check(d);
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
        if (!(err instanceof StrongroomApiError)) throw err;
        if (err.code === 'membership_changed') continue;
        if (err.code === 'epoch_exists') {
          // Someone opened it first: theirs is the epoch now, and it was sealed to this device too.
          const current = Number(err.details?.currentEpoch ?? epoch);
          this.epochs.set(channelId, current);
          return current;
        }
        throw err;
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
      const opener = await this.deviceKeys(env.openerDeviceId);
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
  private async sendEpoch(channelId: string): Promise<number> {
    const known = this.epochs.get(channelId);
    if (known) return known;
    const { currentEpoch, rotationRequired } = await this.client.channelDevices(channelId);
    if (rotationRequired || currentEpoch === 0) return this.rotate(channelId);
    this.epochs.set(channelId, currentEpoch);
    return currentEpoch;
  }

  // ── sealed fields (family records) ──────────────────────────────────────────────────────────────

  /**
   * Seals a value for a record kept beside a channel (a family member's name and date of birth, a
   * competence rationale, a lawful-basis justification): only the channel's members can open it.
   */
  async sealField(channelId: string, purpose: string, value: unknown): Promise<{ epoch: number; ciphertext: string }> {
    for (let attempt = 0; ; attempt++) {
      const epoch = await this.sendEpoch(channelId);
      try {
        const key = await this.keyFor(channelId, epoch);
        return { epoch, ciphertext: await encryptField(value, purpose, channelId, epoch, key) };
      } catch (err) {
        if (!(err instanceof UnableToDecryptError) || attempt >= 1) throw err;
        this.epochs.delete(channelId);
        await this.rotate(channelId);
      }
    }
  }

  async openField<T = unknown>(
    channelId: string,
    purpose: string,
    sealed: { epoch: number; ciphertext: string },
  ): Promise<T> {
    return decryptField<T>(
      sealed.ciphertext,
      purpose,
      channelId,
      sealed.epoch,
      await this.keyFor(channelId, sealed.epoch),
    );
  }

  // ── meetings ────────────────────────────────────────────────────────────────────────────────────

  /** Saves the minutes (any JSON document, e.g. sections and the family's voice) as a new version. */
  async saveMinutes(meetingId: string, document: unknown, baseVersion: number): Promise<number> {
    const meeting = await this.client.meeting(meetingId);
    const minutes = await this.sealField(meeting.channelId, 'minutes', document);
    return (await this.client.saveMinutes(meetingId, { baseVersion, minutes })).version;
  }

  /** The latest minutes, decrypted, with their version (null before the first save). */
  async readMinutes<T = unknown>(meetingId: string): Promise<{ version: number; document: T } | null> {
    const meeting = await this.client.meeting(meetingId);
    if (!meeting.minutes) return null;
    return {
      version: meeting.minutes.version,
      document: await this.openField<T>(meeting.channelId, 'minutes', meeting.minutes),
    };
  }

  /** Closes the meeting: this device signs the latest version of the minutes, which locks them. */
  async closeMeeting(meetingId: string) {
    const meeting = await this.client.meeting(meetingId);
    if (!meeting.minutes) throw new Error('Write the minutes before closing the meeting.');
    const signature = await signMinutes(
      meetingId,
      'final',
      meeting.minutes.version,
      meeting.minutes.ciphertext,
      this.device.keys.ed25519.privateKey,
    );
    return this.client.closeMeeting(meetingId, {
      version: meeting.minutes.version,
      deviceId: this.deviceId,
      signature,
    });
  }

  /** A signed correction to closed minutes, with its reason; the original is kept. */
  async amendMinutes(meetingId: string, correction: { text: string; reason: string }) {
    const meeting = await this.client.meeting(meetingId);
    const amendment = await this.sealField(meeting.channelId, 'minutes-amendment', correction);
    const number = meeting.amendments.length + 1;
    const signature = await signMinutes(
      meetingId,
      'amendment',
      number,
      amendment.ciphertext,
      this.device.keys.ed25519.privateKey,
    );
    return this.client.amendMinutes(meetingId, { number, amendment, deviceId: this.deviceId, signature });
  }

  /**
   * Checks the final minutes and every amendment against the signer's device key (pinned on first use)
   * and decrypts them: what an auditor or an export relies on. Each comes with the proof that was
   * checked (signer device and key, the sealed bytes, the signature), so it can be checked again
   * elsewhere. Pass the meeting if it was just fetched.
   */
  async verifiedMinutes<T = unknown>(meetingId: string, fetched?: MeetingView) {
    const meeting = fetched ?? (await this.client.meeting(meetingId));
    if (!meeting.final) throw new Error('The meeting is not closed: its minutes are not final yet.');
    const versions = await this.client.minutesVersions(meetingId);
    const final = versions.find((v) => v.version === meeting.final!.version)!;
    const signer = await this.deviceKeys(meeting.final.deviceId);
    if (
      signer.userId !== meeting.chairId ||
      !(await verifyMinutes(
        meetingId,
        'final',
        final.version,
        final.ciphertext,
        meeting.final.signature,
        signer.ed25519PublicKey,
      ))
    ) {
      throw new UnableToDecryptError('The final minutes are not signed by the chair’s device.');
    }
    const amendments = [];
    for (const a of meeting.amendments) {
      const author = await this.deviceKeys(a.deviceId);
      if (
        author.userId !== a.authorId ||
        !(await verifyMinutes(meetingId, 'amendment', a.number, a.ciphertext, a.signature, author.ed25519PublicKey))
      ) {
        throw new UnableToDecryptError(`Amendment ${a.number} is not signed by its author’s device.`);
      }
      amendments.push({
        number: a.number,
        authorId: a.authorId,
        createdAt: a.createdAt,
        ...(await this.openField<{ text: string; reason: string }>(meeting.channelId, 'minutes-amendment', a)),
        proof: {
          deviceId: a.deviceId,
          publicKey: author.ed25519PublicKey,
          ciphertext: a.ciphertext,
          signature: a.signature,
        },
      });
    }
    return {
      version: final.version,
      document: await this.openField<T>(meeting.channelId, 'minutes', final),
      proof: {
        deviceId: meeting.final.deviceId,
        publicKey: signer.ed25519PublicKey,
        ciphertext: final.ciphertext,
        signature: meeting.final.signature,
      },
      amendments,
    };
  }

  // ── messages ────────────────────────────────────────────────────────────────────────────────────

  /**
   * Encrypts, signs and sends. A stale epoch (membership or device change, or the clock) is handled by
   * rotating and sending again with the same client message id, so a retry never duplicates.
   */
  async send(channelId: string, content: MessageContent | string): Promise<StoredMessageView> {
    const body: MessageContent = typeof content === 'string' ? { type: 'text', body: content } : content;
    const clientMessageId = globalThis.crypto.randomUUID();
    let lastError: unknown;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const epoch = await this.sendEpoch(channelId);
      let key: Uint8Array;
      try {
        key = await this.keyFor(channelId, epoch);
      } catch (err) {
        if (!(err instanceof UnableToDecryptError)) throw err;
        // This device was not in the current epoch (new device, or just reinstated): open the next one.
        lastError = err;
        this.epochs.delete(channelId);
        await this.rotate(channelId);
        continue;
      }
      const header = { v: 1 as const, channelId, epoch, senderDeviceId: this.deviceId, clientMessageId };
      const sealed = await encryptMessage(header, body, key, this.device.keys.ed25519.privateKey);
      const payload = {
        epoch,
        senderDeviceId: this.deviceId,
        clientMessageId,
        nonce: sealed.nonce,
        ciphertext: sealed.ciphertext,
        signature: sealed.signature,
      };
      try {
        return this.rt?.connected && this.rt.token === this.client.token
          ? await this.rt.request('message.send', { channelId, ...payload })
          : await this.client.sendMessage(channelId, payload);
      } catch (err) {
        if (!(err instanceof StrongroomApiError) || err.code !== 'epoch_stale') throw err;
        lastError = err;
        this.epochs.delete(channelId);
        if (err.details?.rotationRequired) await this.rotate(channelId);
      }
    }
    throw lastError instanceof Error ? lastError : new Error('Could not send the message.');
  }

  /** Decrypts one stored message; a failure is reported on the message, never thrown. */
  async decrypt(channelId: string, m: StoredMessageView | RealtimeMessage): Promise<DecryptedMessage> {
    const base = {
      channelId,
      id: m.id,
      seq: m.seq,
      epoch: m.epoch,
      senderUserId: m.senderUserId,
      senderDeviceId: m.senderDeviceId,
      createdAt: m.createdAt,
      expiresAt: m.expiresAt,
      deleted: 'deleted' in m ? m.deleted : false,
    };
    if (base.deleted) return { ...base, content: null };
    try {
      const sender = await this.deviceKeys(m.senderDeviceId);
      if (sender.userId !== m.senderUserId)
        throw new UnableToDecryptError('The sender device belongs to someone else.');
      const key = await this.keyFor(channelId, m.epoch);
      const content = await decryptMessage(
        {
          header: {
            v: 1,
            channelId,
            epoch: m.epoch,
            senderDeviceId: m.senderDeviceId,
            clientMessageId: m.clientMessageId,
          },
          nonce: m.nonce,
          ciphertext: m.ciphertext,
          signature: m.signature,
        },
        key,
        sender.ed25519PublicKey,
      );
      return { ...base, content };
    } catch (err) {
      return { ...base, content: null, error: err instanceof Error ? err.message : String(err) };
    }
  }

  /** One page of messages after `after`, decrypted, expired ones left out. */
  async read(channelId: string, opts: { after?: number; limit?: number } = {}) {
    const page = await this.client.messages(channelId, { after: opts.after ?? 0, limit: opts.limit ?? PAGE });
    const now = this.now().getTime();
    const out: DecryptedMessage[] = [];
    for (const m of page.messages) {
      if (Date.parse(m.expiresAt) <= now) continue;
      const d = await this.decrypt(channelId, m);
      this.remember(d);
      out.push(d);
    }
    const last = page.messages.length ? page.messages[page.messages.length - 1].seq : (opts.after ?? 0);
    return {
      messages: out,
      lastSeq: page.lastSeq,
      nextAfter: last,
      more: page.messages.length === (opts.limit ?? PAGE),
    };
  }

  /** Everything after `after`, page by page: how a device catches up after a gap or days away. */
  async readAll(channelId: string, after = 0, onProgress?: (count: number) => void): Promise<DecryptedMessage[]> {
    const all: DecryptedMessage[] = [];
    for (let cursor = after; ;) {
      const page = await this.read(channelId, { after: cursor, limit: PAGE });
      all.push(...page.messages);
      onProgress?.(all.length);
      if (!page.more) return all;
      cursor = page.nextAfter;
    }
  }

  async deleteMessage(channelId: string, seq: number): Promise<void> {
    await this.client.deleteMessage(channelId, seq);
    this.cache.get(channelId)?.delete(seq);
  }

  // ── local cache and retention ───────────────────────────────────────────────────────────────────

  private remember(m: DecryptedMessage): void {
    let c = this.cache.get(m.channelId);
    if (!c) this.cache.set(m.channelId, (c = new Map<number, DecryptedMessage>()));
    c.set(m.seq, m);
  }

  /** What this device holds of a channel, never including a message past its expiry by this device's clock. */
  cached(channelId: string): DecryptedMessage[] {
    this.purgeExpired();
    return [...(this.cache.get(channelId)?.values() ?? [])].sort((a, b) => a.seq - b.seq);
  }

  /** Drops expired messages from the local cache (also done on every `message.expired` event). */
  purgeExpired(): number {
    const now = this.now().getTime();
    let dropped = 0;
    for (const c of this.cache.values()) {
      for (const [seq, m] of c) {
        if (Date.parse(m.expiresAt) <= now) {
          c.delete(seq);
          dropped++;
        }
      }
    }
    return dropped;
  }

  // ── history ─────────────────────────────────────────────────────────────────────────────────────

  /**
   * Shares the keys of the epochs this device holds with another member's devices (a newcomer, by an
   * explicit, audited decision), or with this user's own other devices.
   */
  async shareHistory(channelId: string, userId: string, opts: { beforeEpoch?: number } = {}): Promise<number> {
    const { devices } = await this.client.channelDevices(channelId);
    const targets = devices.filter((d) => d.userId === userId && d.deviceId !== this.deviceId);
    if (!targets.length) throw new Error('That person has no device in this channel to share with.');
    for (const d of targets) await this.check(d);
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

  // ── real time ───────────────────────────────────────────────────────────────────────────────────

  /** Opens the socket; sends then go over it (acknowledged with the stored sequence number). */
  async connect(): Promise<RealtimeConnection> {
    // A new sign-in means a new session: the old socket belongs to the old one.
    if (this.rt && this.rt.token !== this.client.token) this.close();
    if (this.rt) return this.rt;
    if (!this.client.token) throw new Error('Sign in first.');
    const rt = new RealtimeConnection(this.client.serverUrl, this.client.token);
    rt.on('message.expired', ({ channelId, seqs }) => {
      for (const s of seqs) this.cache.get(channelId)?.delete(s);
    });
    rt.on('channel.rotation_required', ({ channelId }) => this.epochs.delete(channelId));
    await rt.connect();
    this.rt = rt;
    return rt;
  }

  /**
   * Delivers a channel's messages in order, live. Real time is the fast path; a gap in sequence numbers,
   * a reconnect or a missed packet triggers catch-up over HTTP from the last delivered number, so nothing
   * is ever skipped. Returns a function that stops the subscription.
   */
  async subscribe(
    channelId: string,
    onMessage: (m: DecryptedMessage) => void,
    opts: { after?: number; onExpired?: (seqs: number[]) => void } = {},
  ): Promise<() => void> {
    const rt = await this.connect();
    let last = opts.after ?? (await this.client.channel(channelId)).lastSeq;
    let queue = Promise.resolve();
    const deliver = (m: DecryptedMessage) => {
      if (m.seq <= last) return;
      last = m.seq;
      onMessage(m);
    };
    const catchUp = () => {
      queue = queue
        .then(async () => {
          for (const m of await this.readAll(channelId, last)) deliver(m);
        })
        .catch(() => undefined);
    };
    const offs = [
      rt.on('message.new', (p) => {
        if (p.channelId !== channelId) return;
        queue = queue
          .then(async () => {
            if (p.message.seq <= last) return;
            if (p.message.seq !== last + 1) {
              for (const m of await this.readAll(channelId, last)) deliver(m);
              return;
            }
            const d = await this.decrypt(channelId, p.message);
            this.remember(d);
            deliver(d);
          })
          .catch(() => undefined);
      }),
      rt.on('message.expired', (p) => {
        if (p.channelId === channelId) opts.onExpired?.(p.seqs);
      }),
      rt.onConnect(catchUp),
    ];
    catchUp();
    return () => offs.forEach((off) => off());
  }

  /** Waits until queued deliveries are done (tests and the CLI's `tail` use it to settle). */
  close(): void {
    this.rt?.close();
    this.rt = null;
  }
}
