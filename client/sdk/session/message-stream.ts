import type { StrongroomClient } from '../client.js';
import { canonicalize } from '../crypto/audit-chain.js';
import {
  encryptMessage,
  messageChainLink,
  messageSignatureValid,
  openMessage,
  type MessageContent,
  type MessageHeader,
  type MessageSeen,
} from '../crypto/channel-crypto.js';
import type { StoredDevice } from '../store/key-store.js';
import { StrongroomApiError } from '../transport/http.js';
import { RealtimeConnection } from '../transport/realtime.js';
import { Backoff, DEFAULT_RETRY, isTransient, retrying, type RetryPolicy } from '../transport/retry.js';
import type { RealtimeMessage, SendMessageInput, StoredMessageView } from '../types.js';
import type { ChannelKeys } from './channel-keys.js';
import type { DeviceTrust } from './device-trust.js';
import { isRotateAndRetry, SendNotConfirmedError, UnableToDecryptError, unhandledCode } from './errors.js';
import type { DecryptedMessage, MessageCache } from './message-cache.js';
import { OrderCheck } from './message-order.js';

const PAGE = 500;

/** One page of decrypted messages and where the next page starts. */
export interface DecryptedPage {
  messages: DecryptedMessage[];
  lastSeq: number;
  nextAfter: number;
  more: boolean;
}

/** What `subscribe` takes besides the channel: where to start, and who hears of expiries and failures. */
export interface SubscribeOptions {
  after?: number;
  onExpired?: (seqs: number[]) => void;
  /** Hears that a message was deleted by its sender; it is already gone from the cache (and `conversation`). */
  onDeleted?: (seq: number) => void;
  /**
   * Hears a failure the subscription cannot get past by trying again (a refusal such as `403
   * not_a_member` once removed); it then waits for the next message or reconnection. Network errors,
   * timeouts and 5xx answers are never reported here: they are tried again until they pass.
   */
  onError?: (err: unknown) => void;
}

/** What `send` takes besides the channel and the content. */
export interface SendOptions {
  /**
   * The message's id on this device (a UUID; a new one when left out). Sending again under the same id
   * is idempotent: the message is stored once and the answer is the stored copy. An application that
   * keeps unsent messages (across a crash, or after a `SendNotConfirmedError`) keeps their ids with them.
   */
  clientMessageId?: string;
}

/** A sealed message ready to go, and its header. */
interface Sealed {
  header: MessageHeader;
  /** The send request exactly as the contract has it, `seen` always given (null when none). */
  payload: Required<SendMessageInput>;
}

/** A message's place in its device's chain and its signed time: kept by every attempt of one send. */
type Order = Pick<Sealed['payload'], 'n' | 'prev' | 'sentAt' | 'seen'>;

/**
 * A channel's messages for this device: encrypt, sign and send (over the socket when one is open, else
 * HTTP), decrypt and check what arrives, page through history, and deliver live in order. Each message
 * read is remembered in the cache; the socket's events keep the cache and the send epoch current.
 */
export class MessageStream {
  private rt: RealtimeConnection | null = null;
  /** The client's session when the socket was opened (`sessionKey`): a new sign-in needs a new socket. */
  private rtSession: string | null = null;
  /** Per channel: this device's last acknowledged message (its counter and chain link). */
  private readonly chains = new Map<string, { n: number; link: string | null }>();
  /** Per channel: the send in progress, so two sends never take the same counter. */
  private readonly sending = new Map<string, Promise<unknown>>();
  /** Per channel: the latest message from another device this device has seen, which its next message names. */
  private readonly seen = new Map<string, { seq: number; seen: MessageSeen }>();
  /** Per channel: the order check of the messages delivered so far, and the last sequence number it saw. */
  private readonly orders = new Map<string, { after: number; check: OrderCheck }>();
  /** Stops each live subscription (and its catch-up tries) when the socket they listen on is closed. */
  private readonly subscriptions = new Set<AbortController>();
  /**
   * The live subscriptions' handlers of a new message, which this device's own acknowledged sends are
   * handed to: the server does not send a message back to the socket it came over (the acknowledgement
   * carries it), nor, over HTTP, to any socket of this client's.
   */
  private readonly ownSends = new Set<(p: { channelId: string; message: RealtimeMessage }) => void>();

  constructor(
    private readonly client: StrongroomClient,
    private readonly device: StoredDevice,
    private readonly keys: ChannelKeys,
    private readonly trust: DeviceTrust,
    private readonly cache: MessageCache,
    private readonly now: () => Date,
    private readonly policy: RetryPolicy = DEFAULT_RETRY,
  ) {}

  private get deviceId(): string {
    return this.device.deviceId;
  }

  /**
   * Encrypts, signs and sends, and sees it through: it resolves with the stored message once the server
   * acknowledged it, or rejects with the server's refusal, or with `SendNotConfirmedError` once the retry
   * policy's time (counted from this call) ran out.
   * - Network errors, timeouts, a socket dropping, 5xx answers (`503 service_unavailable`): the same
   *   sealed bytes are sent again, with back-off, over the socket if it is connected, else over HTTP.
   *   The server answers a message it already stored (same device, id and signature) with that copy, so
   *   an acknowledgement lost on the way is never a second message, nor a renumbered one.
   * - `409 epoch_stale` (membership, device or clock rotation): the server holds no copy; it rotates if
   *   asked, seals the same header again under the new key and sends it again, as often as it takes.
   * - `409 message_out_of_order` (another process of this device took the number): the server holds no
   *   copy; it asks for the chain's head and renumbers the same message.
   * - `409 client_message_id_reused` (the id was stored earlier, sealed differently: the application
   *   sending again what an earlier call or process sent): the stored copy is the answer if it says the
   *   same; if it says something else, the refusal stands.
   * Sends to one channel go one at a time: each carries this device's next counter and the chain link
   * of its previous message there, taken only once the server acknowledged that one.
   */
  async send(channelId: string, content: MessageContent | string, opts: SendOptions = {}): Promise<StoredMessageView> {
    const body: MessageContent = typeof content === 'string' ? { type: 'text', body: content } : content;
    const clientMessageId = opts.clientMessageId ?? globalThis.crypto.randomUUID();
    // The time allowed counts from the call, waiting behind earlier sends included: when the server is
    // away, sends queued together give up together (each still gets one attempt when its turn comes).
    const backoff = new Backoff(this.policy);
    const before = this.sending.get(channelId) ?? Promise.resolve();
    const run = before.catch(() => undefined).then(() => this.sendInOrder(channelId, body, clientMessageId, backoff));
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

  private async sendInOrder(
    channelId: string,
    body: MessageContent,
    clientMessageId: string,
    backoff: Backoff,
  ): Promise<StoredMessageView> {
    let order: Order | null = null;
    let renumber = false;
    let rotate = false;
    // What was last sent. After a failure that may hide a success it goes again byte for byte, so the
    // server knows it (same id, same signature); it is sealed anew only when the server said it holds
    // no copy (a new epoch, a new number).
    let sealed: Sealed | null = null;
    let conflicts = 0;
    for (;;) {
      try {
        if (!order || renumber) {
          const head = await this.chainHead(channelId);
          // n and prev follow the chain; sentAt and seen are the message's own and never change.
          const own: Pick<Order, 'sentAt' | 'seen'> = order ?? {
            sentAt: this.now().toISOString(),
            seen: this.seen.get(channelId)?.seen ?? null,
          };
          order = { n: head.n + 1, prev: head.link, sentAt: own.sentAt, seen: own.seen };
          renumber = false;
        }
        if (rotate) {
          await this.keys.rotate(channelId, undefined, backoff);
          rotate = false;
        }
        sealed ??= await this.seal(channelId, body, clientMessageId, order, backoff);
        const stored = await this.deliver(channelId, sealed.payload);
        // The stored header (a duplicate returns the earlier copy's) is what the next message links to.
        const link = await messageChainLink({
          ...sealed.header,
          epoch: stored.epoch,
          n: stored.n ?? order.n,
          prev: stored.n === null ? order.prev : stored.prev,
          sentAt: stored.sentAt ?? order.sentAt,
          seen: stored.n === null ? order.seen : stored.seen,
        });
        this.chains.set(channelId, { n: stored.n ?? order.n, link });
        const { deleted: _deleted, ...message } = stored;
        for (const handler of this.ownSends) handler({ channelId, message });
        return stored;
      } catch (err) {
        // Not acknowledged: it may still have been stored, so the next send asks the server first.
        this.chains.delete(channelId);
        const giveUp = (cause: unknown) =>
          new SendNotConfirmedError(channelId, clientMessageId, Math.round(this.policy.giveUpAfterMs / 1000), cause);
        if (isTransient(err)) {
          if (await backoff.wait(err)) continue;
          throw giveUp(err);
        }
        if (err instanceof StrongroomApiError && err.code === 'client_message_id_reused') {
          try {
            return await this.storedCopy(channelId, err, clientMessageId, body, backoff);
          } catch (e) {
            throw isTransient(e) ? giveUp(e) : e;
          }
        }
        if (err instanceof StrongroomApiError && err.code === 'message_out_of_order') {
          renumber = true;
        } else if (isRotateAndRetry(err)) {
          switch (err.code) {
            case 'epoch_stale':
              this.keys.forgetSendEpoch(channelId);
              rotate = err.details?.rotationRequired === true;
              break;
            case 'membership_changed':
            case 'epoch_exists':
              // Refusals of opening an epoch (ChannelKeys.rotate handles them); a send is never refused so.
              throw err;
            default:
              return unhandledCode(err.code);
          }
        } else {
          throw err;
        }
        // The server holds no copy and the message is redone (new key, or new number). Under churn this
        // can repeat: the first is redone at once, later ones after a growing wait, while time is left.
        sealed = null;
        if (conflicts++ > 0 && !(await backoff.wait(err))) throw err;
      }
    }
  }

  /** Seals the message under the epoch to send on (opening one if need be), in its place in the chain. */
  private async seal(
    channelId: string,
    body: MessageContent,
    clientMessageId: string,
    order: Order,
    backoff: Backoff,
  ): Promise<Sealed> {
    // The current epoch, if this device holds its key and trusts every device it went to; else a new one.
    const { epoch, key } = await this.keys.sendKey(channelId, backoff);
    const header: MessageHeader = { v: 2, channelId, epoch, senderDeviceId: this.deviceId, clientMessageId, ...order };
    const s = await encryptMessage(header, body, key, this.device.keys.ed25519.privateKey);
    return {
      header,
      payload: {
        epoch,
        senderDeviceId: this.deviceId,
        clientMessageId,
        nonce: s.nonce,
        ciphertext: s.ciphertext,
        signature: s.signature,
        ...order,
      },
    };
  }

  /** Over the socket when it is connected (and signed in as this client), else over HTTP. */
  private deliver(channelId: string, payload: Sealed['payload']): Promise<StoredMessageView> {
    return this.rt?.connected && this.rtSession === this.client.sessionKey
      ? this.rt.request('message.send', { channelId, ...payload })
      : this.client.sendMessage(channelId, payload);
  }

  /**
   * The server holds a message from this device under this client message id, sealed differently: the
   * application sent again what an earlier call (or process) sent, whose acknowledgement it never had.
   * The refusal names that message's place (`details.seq`); if the stored copy says exactly what this
   * send says, it is the answer. Otherwise the id was used for another message and the refusal stands.
   */
  private async storedCopy(
    channelId: string,
    refusal: StrongroomApiError,
    clientMessageId: string,
    body: MessageContent,
    backoff: Backoff,
  ): Promise<StoredMessageView> {
    const seq = refusal.details?.seq;
    if (typeof seq !== 'number') throw refusal;
    const page = await retrying(() => this.client.messages(channelId, { after: seq - 1, limit: 1 }), backoff);
    const m = page.messages[0];
    if (!m || m.seq !== seq || m.clientMessageId !== clientMessageId || m.senderDeviceId !== this.deviceId) {
      throw refusal;
    }
    const copy = await this.decrypt(channelId, m);
    if (copy.content === null || canonicalize(copy.content) !== canonicalize(body)) throw refusal;
    return m;
  }

  /**
   * Decrypts one stored message; a failure to decrypt or verify is reported on the message, never
   * thrown. The sender's signature is checked first, before any key is needed: a message that does not
   * prove it comes, unaltered, from a trusted device of the person the server names is marked
   * `unverified`, and whoever shows it must not name that person. A message this device has no key for,
   * but whose signature holds, only cannot be read here. Both are final. Fetching the sender's keys or
   * the message's key is tried again through network errors and 5xx answers; if the retry policy's time
   * runs out, that error is thrown rather than reported, since the message may yet be read. Order is not
   * checked here.
   */
  async decrypt(channelId: string, m: StoredMessageView | RealtimeMessage): Promise<DecryptedMessage> {
    const base = {
      channelId,
      id: m.id,
      seq: m.seq,
      epoch: m.epoch,
      senderUserId: m.senderUserId,
      senderDeviceId: m.senderDeviceId,
      clientMessageId: m.clientMessageId,
      ...(m.n !== null ? { n: m.n } : {}),
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
    try {
      const sender = await retrying(() => this.trust.deviceKeys(m.senderDeviceId), new Backoff(this.policy));
      if (sender.userId !== m.senderUserId)
        throw new UnableToDecryptError('The sender device belongs to someone else.');
      if (!(await messageSignatureValid(sealed, sender.ed25519PublicKey)))
        throw new UnableToDecryptError('The sender signature does not verify.');
    } catch (err) {
      if (isTransient(err)) throw err; // not known yet, so not unverified
      return failed(err, true);
    }
    let key: Uint8Array;
    try {
      key = await this.keys.keyFor(channelId, m.epoch);
    } catch (err) {
      if (isTransient(err)) throw err; // not had yet, so not unreadable
      return failed(err, false);
    }
    try {
      // Its signature was checked above, against its sender's key: opened without checking it again.
      return { ...base, content: await openMessage(sealed, key), sentAt: header.sentAt };
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

  /**
   * One page of messages after `after`, decrypted and checked for order, expired ones left out; `each`
   * hears each as soon as it is ready. Network errors and 5xx answers are tried again for the retry
   * policy's time, then thrown.
   */
  async read(
    channelId: string,
    opts: { after?: number; limit?: number } = {},
    each: (m: DecryptedMessage) => void = () => {},
  ): Promise<DecryptedPage> {
    const page = await retrying(
      () => this.client.messages(channelId, { after: opts.after ?? 0, limit: opts.limit ?? PAGE }),
      new Backoff(this.policy),
    );
    const now = this.now().getTime();
    const out: DecryptedMessage[] = [];
    let after = opts.after ?? 0;
    for (const m of page.messages) {
      if (Date.parse(m.expiresAt) <= now) continue;
      const d = await this.decryptInOrder(channelId, after, m);
      after = m.seq;
      this.cache.remember(d);
      out.push(d);
      each(d);
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
    if (this.rt && this.rtSession !== this.client.sessionKey) this.close();
    if (this.rt) return this.rt;
    const session = this.client.sessionKey;
    if (!session) throw new Error('Sign in first.');
    // In cookie mode there is no token: the browser's session cookie admits the socket.
    const credential = this.client.sessionKind === 'cookie' ? { cookie: true as const } : session;
    const rt = new RealtimeConnection(this.client.serverUrl, credential, { retry: this.policy });
    rt.on('message.expired', ({ channelId, seqs }) => this.cache.forget(channelId, seqs));
    // Its sender took it back: its words leave this device too, and edits of it no longer show.
    rt.on('message.deleted', ({ channelId, seq }) => this.cache.forget(channelId, [seq]));
    rt.on('channel.rotation_required', ({ channelId }) => this.keys.forgetSendEpoch(channelId));
    // Everything under these keys has expired and the server destroyed its copies: this device's go too.
    rt.on('keys.spent', ({ channelId, epochs }) => {
      void this.keys.dropSpent(channelId, epochs, (epoch) => this.cache.holdsLive(channelId, epoch));
    });
    try {
      await rt.connect();
    } catch (err) {
      rt.close(); // else it would go on reconnecting, unused
      throw err;
    }
    this.rt = rt;
    this.rtSession = session;
    return rt;
  }

  /**
   * Delivers a channel's messages in order, live, each once. Real time is the fast path; a gap in
   * sequence numbers, a reconnect or a missed packet triggers catch-up over HTTP from the last delivered
   * number, so nothing is ever skipped. A message is delivered only once it could be decrypted (or is
   * known never to be readable here): while its key or its sender's keys cannot be fetched, or the
   * catch-up itself fails (network errors, 5xx), it is tried again with back-off for as long as the
   * subscription lasts, and later messages wait behind it. Returns a function that stops the
   * subscription.
   */
  async subscribe(
    channelId: string,
    onMessage: (m: DecryptedMessage) => void,
    opts: SubscribeOptions = {},
  ): Promise<() => void> {
    const rt = await this.connect();
    const stop = new AbortController();
    this.subscriptions.add(stop);
    let last = opts.after ?? (await retrying(() => this.client.channel(channelId), new Backoff(this.policy))).lastSeq;
    let queue = Promise.resolve();
    const deliver = (m: DecryptedMessage) => {
      if (m.seq <= last || stop.signal.aborted) return;
      last = m.seq;
      onMessage(m);
    };
    const failed = (err: unknown) => {
      if (!stop.signal.aborted) opts.onError?.(err);
    };
    const enqueue = (job: () => Promise<void>) => {
      queue = queue.then(job).catch(failed);
    };
    // Everything after the last message delivered, page by page, each delivered as soon as it is
    // decrypted; started again from there after a transient failure, until done or unsubscribed.
    const catchUp = async () => {
      const backoff = new Backoff({ ...this.policy, giveUpAfterMs: Infinity }, stop.signal);
      for (;;) {
        try {
          for (let cursor = last, more = true; more && !stop.signal.aborted;) {
            const page = await this.read(channelId, { after: cursor, limit: PAGE }, deliver);
            cursor = page.nextAfter;
            more = page.more;
          }
          return;
        } catch (err) {
          if (!isTransient(err)) throw err;
          if (!(await backoff.wait(err))) return;
        }
      }
    };
    const onNew = (p: { channelId: string; message: RealtimeMessage }) => {
      if (p.channelId !== channelId || stop.signal.aborted) return;
      enqueue(async () => {
        if (p.message.seq <= last) return;
        if (p.message.seq !== last + 1) return catchUp();
        let d: DecryptedMessage;
        try {
          d = await this.decryptInOrder(channelId, last, p.message);
        } catch (err) {
          if (!isTransient(err)) throw err;
          // Not readable yet for want of the network: fetched again with whatever follows it.
          return catchUp();
        }
        this.cache.remember(d);
        deliver(d);
      });
    };
    const offs = [
      this.onOwnSend(onNew),
      rt.on('message.new', onNew),
      rt.on('message.expired', (p) => {
        if (p.channelId === channelId) opts.onExpired?.(p.seqs);
      }),
      rt.on('message.deleted', (p) => {
        if (p.channelId === channelId) opts.onDeleted?.(p.seq);
      }),
      rt.onConnect(() => enqueue(catchUp)),
    ];
    enqueue(catchUp);
    return () => {
      stop.abort();
      this.subscriptions.delete(stop);
      offs.forEach((off) => off());
    };
  }

  /**
   * Calls `handler` with each message this device sends, once the server acknowledged it (as a socket's
   * `message.new` would carry it): the server does not echo a message to the socket it came over. Returns
   * a function that stops it.
   */
  onOwnSend(handler: (p: { channelId: string; message: RealtimeMessage }) => void): () => void {
    this.ownSends.add(handler);
    return () => void this.ownSends.delete(handler);
  }

  /**
   * Closes the socket, if one is open, and ends the subscriptions that listened on it; sends go over
   * HTTP until the next `connect`.
   */
  close(): void {
    for (const stop of this.subscriptions) stop.abort();
    this.subscriptions.clear();
    this.rt?.close();
    this.rt = null;
  }
}
