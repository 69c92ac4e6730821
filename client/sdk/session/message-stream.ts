import type { StrongroomClient } from '../client.js';
import {
  decryptMessage,
  encryptMessage,
  messageChainLink,
  messageSignatureValid,
  type MessageContent,
  type MessageHeader,
  type MessageSeen,
} from '../crypto/channel-crypto.js';
import type { StoredDevice } from '../store/key-store.js';
import { StrongroomApiError } from '../transport/http.js';
import { RealtimeConnection } from '../transport/realtime.js';
import type { RealtimeMessage, StoredMessageView } from '../types.js';
import type { ChannelKeys } from './channel-keys.js';
import type { DeviceTrust } from './device-trust.js';
import { isRotateAndRetry, UnableToDecryptError, unhandledCode } from './errors.js';
import type { DecryptedMessage, MessageCache } from './message-cache.js';
import { OrderCheck } from './message-order.js';

/** How often a send is tried: each stale epoch or missing key costs one attempt. */
const MAX_ATTEMPTS = 6;
const PAGE = 500;

/** One page of decrypted messages and where the next page starts. */
export interface DecryptedPage {
  messages: DecryptedMessage[];
  lastSeq: number;
  nextAfter: number;
  more: boolean;
}

/** What `subscribe` takes besides the channel: where to start, and who hears of expiries. */
export interface SubscribeOptions {
  after?: number;
  onExpired?: (seqs: number[]) => void;
}

/**
 * A channel's messages for this device: encrypt, sign and send (over the socket when one is open, else
 * HTTP), decrypt and check what arrives, page through history, and deliver live in order. Each message
 * read is remembered in the cache; the socket's events keep the cache and the send epoch current.
 */
export class MessageStream {
  private rt: RealtimeConnection | null = null;
  /** Per channel: this device's last acknowledged message (its counter and chain link). */
  private readonly chains = new Map<string, { n: number; link: string | null }>();
  /** Per channel: the send in progress, so two sends never take the same counter. */
  private readonly sending = new Map<string, Promise<unknown>>();
  /** Per channel: the latest message from another device this device has seen, which its next message names. */
  private readonly seen = new Map<string, { seq: number; seen: MessageSeen }>();
  /** Per channel: the order check of the messages delivered so far, and the last sequence number it saw. */
  private readonly orders = new Map<string, { after: number; check: OrderCheck }>();

  constructor(
    private readonly client: StrongroomClient,
    private readonly device: StoredDevice,
    private readonly keys: ChannelKeys,
    private readonly trust: DeviceTrust,
    private readonly cache: MessageCache,
    private readonly now: () => Date,
  ) {}

  private get deviceId(): string {
    return this.device.deviceId;
  }

  /**
   * Encrypts, signs and sends. A stale epoch (membership or device change, or the clock) is handled by
   * rotating and sending again with the same client message id, so a retry never duplicates. Sends to
   * one channel go one at a time: each carries this device's next counter and the chain link of its
   * previous message there, taken only once the server acknowledged that one.
   */
  async send(channelId: string, content: MessageContent | string): Promise<StoredMessageView> {
    const before = this.sending.get(channelId) ?? Promise.resolve();
    const run = before.catch(() => undefined).then(() => this.sendInOrder(channelId, content));
    this.sending.set(channelId, run);
    try {
      return await run;
    } finally {
      if (this.sending.get(channelId) === run) this.sending.delete(channelId);
    }
  }

  /**
   * This device's last message in the channel: remembered, or asked of the server in a fresh process,
   * which also names the latest message from another device (unless this device has seen a later one).
   */
  private async chainHead(channelId: string): Promise<{ n: number; link: string | null }> {
    const known = this.chains.get(channelId);
    if (known) return known;
    const { last, latestOther } = await this.client.messageChainHead(channelId, this.deviceId);
    if (latestOther) await this.noteSeen(channelId, latestOther.seq, { v: 2, channelId, ...latestOther });
    if (!last) return { n: 0, link: null };
    const link = await messageChainLink({ v: 2, channelId, senderDeviceId: this.deviceId, ...last });
    return { n: last.n, link };
  }

  /** Remembers a message from another device as the latest seen here, if it is later than the one remembered. */
  private async noteSeen(channelId: string, seq: number, header: MessageHeader): Promise<void> {
    if (header.senderDeviceId === this.deviceId || (this.seen.get(channelId)?.seq ?? 0) >= seq) return;
    this.seen.set(channelId, { seq, seen: { seq, link: await messageChainLink(header) } });
  }

  private async sendInOrder(channelId: string, content: MessageContent | string): Promise<StoredMessageView> {
    const body: MessageContent = typeof content === 'string' ? { type: 'text', body: content } : content;
    const clientMessageId = globalThis.crypto.randomUUID();
    const head = await this.chainHead(channelId);
    // Kept for every attempt: a retry of this send is the same message in the chain (unless the server
    // says another process of this device has taken the number meanwhile).
    let order = {
      n: head.n + 1,
      prev: head.link,
      sentAt: this.now().toISOString(),
      seen: this.seen.get(channelId)?.seen ?? null,
    };
    let lastError: unknown;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      // The current epoch, if this device holds its key and trusts every device it went to; else a new one.
      const { epoch, key } = await this.keys.sendKey(channelId);
      const header: MessageHeader = {
        v: 2,
        channelId,
        epoch,
        senderDeviceId: this.deviceId,
        clientMessageId,
        ...order,
      };
      const sealed = await encryptMessage(header, body, key, this.device.keys.ed25519.privateKey);
      const payload = {
        epoch,
        senderDeviceId: this.deviceId,
        clientMessageId,
        nonce: sealed.nonce,
        ciphertext: sealed.ciphertext,
        signature: sealed.signature,
        ...order,
      };
      try {
        const stored: StoredMessageView =
          this.rt?.connected && this.rt.token === this.client.token
            ? await this.rt.request('message.send', { channelId, ...payload })
            : await this.client.sendMessage(channelId, payload);
        // The stored header (a duplicate returns the earlier copy's) is what the next message links to.
        const link = await messageChainLink({
          ...header,
          epoch: stored.epoch,
          n: stored.n ?? order.n,
          prev: stored.n === null ? order.prev : stored.prev,
          sentAt: stored.sentAt ?? order.sentAt,
          seen: stored.n === null ? order.seen : stored.seen,
        });
        this.chains.set(channelId, { n: stored.n ?? order.n, link });
        return stored;
      } catch (err) {
        // Not acknowledged: it may still have been stored, so ask the server before the next send.
        this.chains.delete(channelId);
        if (err instanceof StrongroomApiError && err.code === 'message_out_of_order') {
          lastError = err;
          const fresh = await this.chainHead(channelId);
          order = { ...order, n: fresh.n + 1, prev: fresh.link };
          continue;
        }
        if (!isRotateAndRetry(err)) throw err;
        switch (err.code) {
          case 'epoch_stale':
            lastError = err;
            this.keys.forgetSendEpoch(channelId);
            if (err.details?.rotationRequired) await this.keys.rotate(channelId);
            break;
          case 'membership_changed':
          case 'epoch_exists':
            // Refusals of opening an epoch (ChannelKeys.rotate handles them); a send is never refused so.
            throw err;
          default:
            return unhandledCode(err.code);
        }
      }
    }
    throw lastError instanceof Error ? lastError : new Error('Could not send the message.');
  }

  /**
   * Decrypts one stored message; a failure is reported on the message, never thrown. The sender's
   * signature is checked first, before any key is needed: a message that does not prove it comes,
   * unaltered, from a trusted device of the person the server names is marked `unverified`, and whoever
   * shows it must not name that person. A message this device has no key for, but whose signature
   * holds, only cannot be read here. Order is not checked here.
   */
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
    if (base.deleted) return { ...base, content: null, ...(m.sentAt ? { sentAt: m.sentAt } : {}) };
    const failed = (err: unknown, unverified: boolean): DecryptedMessage => ({
      ...base,
      content: null,
      error: err instanceof Error ? err.message : String(err),
      ...(unverified ? { unverified: true as const } : {}),
    });
    const header = this.headerOf(channelId, m);
    if (!header) {
      return failed(
        new UnableToDecryptError('This message was stored in an older format that is no longer read.'),
        true,
      );
    }
    const sealed = { header, nonce: m.nonce, ciphertext: m.ciphertext, signature: m.signature };
    let senderKey: string;
    try {
      const sender = await this.trust.deviceKeys(m.senderDeviceId);
      if (sender.userId !== m.senderUserId)
        throw new UnableToDecryptError('The sender device belongs to someone else.');
      if (!(await messageSignatureValid(sealed, sender.ed25519PublicKey)))
        throw new UnableToDecryptError('The sender signature does not verify.');
      senderKey = sender.ed25519PublicKey;
    } catch (err) {
      return failed(err, true);
    }
    let key: Uint8Array;
    try {
      key = await this.keys.keyFor(channelId, m.epoch);
    } catch (err) {
      return failed(err, false);
    }
    try {
      return { ...base, content: await decryptMessage(sealed, key, senderKey), sentAt: header.sentAt };
    } catch (err) {
      // Signed by its sender but does not open with the key this device holds for it: altered or forged.
      return failed(err, true);
    }
  }

  /** The signed header of a stored message (header v2), or null for one stored before it. */
  private headerOf(channelId: string, m: StoredMessageView | RealtimeMessage): MessageHeader | null {
    if (m.n === null || m.sentAt === null) return null;
    return {
      v: 2,
      channelId,
      epoch: m.epoch,
      senderDeviceId: m.senderDeviceId,
      clientMessageId: m.clientMessageId,
      n: m.n,
      prev: m.prev,
      sentAt: m.sentAt,
      seen: m.seen,
    };
  }

  /**
   * Decrypts and checks the sender's signed order, continuing the check of the messages delivered up to
   * `after` in this channel (a page that does not follow on starts a new one). A message that is
   * moved, missing or re-dated gets `order` and a `warning`; it is never shown as normal.
   */
  private async decryptInOrder(
    channelId: string,
    after: number,
    m: StoredMessageView | RealtimeMessage,
  ): Promise<DecryptedMessage> {
    const d = await this.decrypt(channelId, m);
    let state = this.orders.get(channelId);
    if (!state || state.after !== after) state = { after, check: new OrderCheck(this.now) };
    this.orders.set(channelId, state);
    state.after = m.seq;
    const header = this.headerOf(channelId, m);
    // A message that failed verification: its header is not the sender's word. One whose signature holds
    // is, even without the key to read it; a tombstone's is linked by the next message.
    if (!header || d.unverified) {
      state.check.shown(m.seq);
      return d;
    }
    await this.noteSeen(channelId, m.seq, header);
    const verdict = await state.check.check({ seq: m.seq, header, createdAt: m.createdAt, expiresAt: m.expiresAt });
    return { ...d, ...verdict };
  }

  /** One page of messages after `after`, decrypted and checked for order, expired ones left out. */
  async read(channelId: string, opts: { after?: number; limit?: number } = {}): Promise<DecryptedPage> {
    const page = await this.client.messages(channelId, { after: opts.after ?? 0, limit: opts.limit ?? PAGE });
    const now = this.now().getTime();
    const out: DecryptedMessage[] = [];
    let after = opts.after ?? 0;
    for (const m of page.messages) {
      if (Date.parse(m.expiresAt) <= now) continue;
      const d = await this.decryptInOrder(channelId, after, m);
      after = m.seq;
      this.cache.remember(d);
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

  /** Deletes one of this user's messages on the server (a tombstone stays) and drops it here. */
  async deleteMessage(channelId: string, seq: number): Promise<void> {
    await this.client.deleteMessage(channelId, seq);
    this.cache.forget(channelId, [seq]);
  }

  /** Opens the socket; sends then go over it (acknowledged with the stored sequence number). */
  async connect(): Promise<RealtimeConnection> {
    // A new sign-in means a new session: the old socket belongs to the old one.
    if (this.rt && this.rt.token !== this.client.token) this.close();
    if (this.rt) return this.rt;
    if (!this.client.token) throw new Error('Sign in first.');
    const rt = new RealtimeConnection(this.client.serverUrl, this.client.token);
    rt.on('message.expired', ({ channelId, seqs }) => this.cache.forget(channelId, seqs));
    rt.on('channel.rotation_required', ({ channelId }) => this.keys.forgetSendEpoch(channelId));
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
    opts: SubscribeOptions = {},
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
            const d = await this.decryptInOrder(channelId, last, p.message);
            this.cache.remember(d);
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

  /** Closes the socket, if one is open; sends go over HTTP until the next `connect`. */
  close(): void {
    this.rt?.close();
    this.rt = null;
  }
}
