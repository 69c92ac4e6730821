import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, QueryFailedError, type EntityManager } from 'typeorm';
import { RoundTrips } from '../common/sql.js';
import type { SendMessageInput, StoredMessageView } from '../../contracts/messages.js';
import { AppError, conflict } from '../common/app-error.js';
import { Clock } from '../common/clock.js';
import type { RequestMeta } from '../common/request-context.js';
import { APP_CONFIG, type AppConfig } from '../config/config.schema.js';
import { ChannelsService } from '../channels/channels.service.js';
import type { Channel } from '../channels/entities/channel.entity.js';
import type { AuthContext } from '../identity/auth-context.js';
import { AuthService } from '../identity/auth.service.js';
import { Notifier, type NewMessage } from '../notifications/notifier.js';
import { Message } from './entities/message.entity.js';
import { MessageSignatures } from './message-signatures.js';
import { messageView } from './message.mapper.js';
import { MessagesRepository } from './messages.repository.js';
import { SendBatchReadModel, type SendKey } from './send-batch.read-model.js';
import { Metrics } from '../common/metrics.js';
import { decideSend, sizeRefusal, type SignatureCheck } from './send-decision.js';

/**
 * Who is sending. An HTTP request arrives authenticated by the guard; a socket event carries its
 * session token and is authenticated again inside the transaction that stores it, together with
 * every other send in the batch (one query for all of them).
 */
/** Who sends: an HTTP request already authenticated, or a socket (its session token, checked in the batch). */
export type Sender =
  | { kind: 'authenticated'; auth: AuthContext }
  | { kind: 'token'; token: string; userId: string; meta: RequestMeta; socketId?: string };

export interface SendResult {
  message: StoredMessageView;
  duplicate: boolean;
}

interface Pending {
  sender: Sender;
  userId: string;
  channelId: string;
  dto: SendMessageInput;
  nonce: Buffer;
  ciphertext: Buffer;
  signature: Buffer;
  signatureCheck: Promise<SignatureCheck>;
  resolve: (r: SendResult) => void;
  reject: (err: unknown) => void;
}

type Outcome = { ok: true; result: SendResult } | { ok: false; error: unknown };

const sendKey = (p: Pending): SendKey => ({
  channelId: p.channelId,
  userId: p.userId,
  deviceId: p.dto.senderDeviceId,
  epoch: p.dto.epoch,
  clientMessageId: p.dto.clientMessageId,
});

/**
 * A device's chain in a channel (as its sender, so another person naming the device shares nothing):
 * its sends are numbered one after another, so they must be stored in the order they came.
 */
const chainOf = (p: Pending): string => `${p.userId}:${p.channelId}:${p.dto.senderDeviceId}`;

/**
 * Serialization failure, deadlock, and a unique violation: another transaction (another instance) stored
 * the same device's clientMessageId in the channel first; decided again, the send is that one's retry.
 */
const RETRYABLE_SQLSTATES = new Set(['40001', '40P01', '23505']);

/** How long a stopping instance waits for the sends it has taken (inside main.ts's 5 s grace). */
const DRAIN_MS = 3000;

/**
 * Group commit for messages. Concurrent sends are queued and stored together: one transaction per
 * batch locks the batch's channels in id order, re-checks every sender (session, agency, membership,
 * device, epoch) in a couple of set-based queries, gives out sequence numbers in arrival order and
 * writes every row with one INSERT. Each send is acknowledged only after that commit, so an
 * acknowledged message is durable; an unacknowledged one is retried by the client under the same
 * `clientMessageId` and stored once. The queue is only a waiting room for requests in flight: nothing
 * in it is needed by another instance.
 *
 * Sends are taken in the order they arrive (the gateway submits each socket event as it comes, with
 * nothing awaited before), and a device's sends to a channel are stored in that order: with several
 * batches in flight, a send waits in the queue while an earlier send of its chain is in a batch not yet
 * finished, then goes with whatever else has arrived meanwhile. Otherwise a batch that happened to be
 * ready first (its signatures checked sooner) would be decided before the earlier one and refuse a
 * correctly numbered send as `message_out_of_order`. Other chains are not held.
 */
@Injectable()
export class MessageWriter implements BeforeApplicationShutdown {
  private readonly logger = new Logger(MessageWriter.name);
  private queue: Pending[] = [];
  /** Chains (chainOf) with a send in a batch in flight: their later sends wait for it. */
  private readonly busy = new Set<string>();
  private inFlight = 0;
  private pumpScheduled = false;
  private drained: (() => void) | null = null;
  private closing = false;
  private drainedOnce: Promise<void> | null = null;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly auth: AuthService,
    private readonly channels: ChannelsService,
    private readonly notifier: Notifier,
    private readonly signatures: MessageSignatures,
    private readonly batchReads: SendBatchReadModel,
    private readonly messages: MessagesRepository,
    private readonly metrics: Metrics,
  ) {}

  /** Stores one sealed message (or finds its earlier copy); resolves after the commit. */
  async submit(sender: Sender, channelId: string, dto: SendMessageInput): Promise<SendResult> {
    if (this.closing) {
      // Everything taken before the instance began to stop is stored and answered; nothing after.
      throw new AppError(503, 'service_unavailable', 'This server is restarting: send again in a moment.', {
        retryAfterSeconds: 1,
      });
    }
    const ciphertext = Buffer.from(dto.ciphertext, 'base64url');
    const tooLarge = sizeRefusal(ciphertext.length, this.config.MESSAGE_MAX_BYTES);
    if (tooLarge) throw tooLarge;
    const nonce = Buffer.from(dto.nonce, 'base64url');
    const signature = Buffer.from(dto.signature, 'base64url');
    const userId = sender.kind === 'authenticated' ? sender.auth.user.id : sender.userId;
    // Queued at once, in arrival order (a sender's pipelined sends keep their order). The signature is
    // checked meanwhile, outside any transaction and off the event loop; its verdict is reported in
    // the batch after the membership checks (a non-member learns nothing about signatures).
    const signatureCheck = this.signatures.check(userId, channelId, dto, nonce, ciphertext, signature);
    signatureCheck.catch(() => undefined); // awaited by the flush; this only marks it handled meanwhile
    const timer = this.metrics.sendSeconds.startTimer();
    return new Promise<SendResult>((resolve, reject) => {
      this.queue.push({
        sender,
        userId,
        channelId,
        dto,
        nonce,
        ciphertext,
        signature,
        signatureCheck,
        resolve: (result) => {
          timer({ outcome: 'stored' });
          resolve(result);
        },
        reject: (err) => {
          timer({ outcome: 'refused' });
          // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- passed on as the batch gave it
          reject(err);
        },
      });
      this.schedulePump();
    });
  }

  /**
   * Stopping: refuses new sends (503, to be sent again to this instance later or to another), and waits
   * until every send already taken is stored and answered, for at most DRAIN_MS. The gateway closes
   * sockets only after this, so their acknowledgements go out first.
   */
  beforeApplicationShutdown(): Promise<void> {
    this.closing = true;
    this.drainedOnce ??= (async () => {
      if (!this.inFlight && !this.queue.length) return;
      await Promise.race([
        new Promise<void>((resolve) => (this.drained = resolve)),
        new Promise((resolve) => setTimeout(resolve, DRAIN_MS).unref()),
      ]);
    })();
    return this.drainedOnce;
  }

  /** Sends that arrive in the same turn of the event loop go out in the same batch. */
  private schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.config.SEND_BATCH_CONCURRENCY && this.queue.length) {
      const batch = this.takeBatch();
      // Every queued send waits for a batch in flight on its chain; that batch pumps again when it ends.
      if (!batch.length) return;
      this.metrics.sendBatchSize.observe(batch.length);
      const chains = new Set(batch.map(chainOf));
      for (const c of chains) this.busy.add(c);
      this.inFlight++;
      void this.flush(batch).finally(() => {
        for (const c of chains) this.busy.delete(c);
        this.inFlight--;
        if (this.queue.length) this.pump();
        else if (!this.inFlight) this.drained?.();
      });
    }
  }

  /**
   * The next batch: up to SEND_BATCH_MAX queued sends in arrival order, leaving in the queue, in their
   * places, those whose chain is in a batch in flight. A chain's sends in one batch are decided in order.
   */
  private takeBatch(): Pending[] {
    const batch: Pending[] = [];
    const waiting: Pending[] = [];
    let i = 0;
    for (; i < this.queue.length && batch.length < this.config.SEND_BATCH_MAX; i++) {
      const p = this.queue[i];
      (this.busy.has(chainOf(p)) ? waiting : batch).push(p);
    }
    this.queue = [...waiting, ...this.queue.slice(i)];
    return batch;
  }

  private async flush(batch: Pending[]): Promise<void> {
    // Socket senders are authenticated on another connection (no locks) while the signatures are checked
    // and then while the transaction takes its locks. The locks wait for the signatures: a slow check
    // must not hold a channel for everyone else's sends (test/send-order.e2e-spec.ts).
    const senders = this.authenticate(batch);
    senders.catch(() => undefined); // awaited inside the transaction; this only marks it handled meanwhile
    let verdicts: SignatureCheck[];
    try {
      verdicts = await Promise.all(batch.map((p) => p.signatureCheck));
    } catch (err) {
      this.logger.error({ err }, 'checking message signatures failed');
      for (const p of batch) p.reject(err);
      return;
    }
    let outcomes: Outcome[] | null = null;
    for (let attempt = 1; !outcomes; attempt++) {
      try {
        outcomes = await this.store(batch, verdicts, senders);
      } catch (err) {
        const retryable =
          err instanceof QueryFailedError &&
          RETRYABLE_SQLSTATES.has(String((err.driverError as { code?: unknown }).code));
        if (retryable && attempt < 5) continue;
        if (batch.length > 1) {
          // One send's trouble must not fail the others: store each on its own.
          for (const p of batch) await this.flush([p]);
          return;
        }
        this.logger.error({ err }, 'storing a message failed');
        batch[0].reject(err);
        return;
      }
    }
    const fresh: { item: NewMessage; senderSocketId?: string }[] = [];
    batch.forEach((p, i) => {
      const o = outcomes[i];
      if (!o.ok) return p.reject(o.error);
      p.resolve(o.result);
      if (!o.result.duplicate) {
        const { deleted: _deleted, ...message } = o.result.message;
        const senderSocketId = p.sender.kind === 'token' ? p.sender.socketId : undefined;
        fresh.push({ item: { channelId: p.channelId, message }, senderSocketId });
      }
    });
    this.notifier.newMessages(fresh);
  }

  /**
   * Each sender's context, or why they are refused: socket senders all in one query (the same checks
   * as HTTP, including the ISA ones); HTTP senders were checked by the guard already.
   */
  private async authenticate(batch: Pending[]): Promise<(AuthContext | AppError)[]> {
    const tokens = batch.flatMap((p) => (p.sender.kind === 'token' ? [p.sender] : []));
    const results = tokens.length ? await this.auth.authenticateMany(this.db.manager, tokens) : [];
    let k = 0;
    return batch.map((p) => {
      if (p.sender.kind === 'authenticated') return p.sender.auth;
      const r = results[k++];
      return r instanceof AppError ? r : (this.auth.sharedRefusal(r) ?? r);
    });
  }

  /**
   * One transaction for the whole batch, in two round trips (RoundTrips): `BEGIN`, the channels' locks
   * and the read model's one query; then, after the pure decision per send, one INSERT with the
   * channels' counters, and `COMMIT`. Refusals are outcomes, not exceptions, so the rest commits. A third
   * round trip only when a send is a retry of a stored message (its stored copy) or goes to a family's
   * channel (whether its agency may share).
   */
  private async store(
    batch: Pending[],
    verdicts: SignatureCheck[],
    senders: Promise<(AuthContext | AppError)[]>,
  ): Promise<Outcome[]> {
    const tx = await RoundTrips.open(this.db);
    let failed = false;
    try {
      const [, locked, read] = await tx.send([
        'BEGIN',
        this.batchReads.lockChannels(batch.map((p) => p.channelId)),
        this.batchReads.facts(batch.map(sendKey)),
      ]);
      return await this.decide(tx, batch, verdicts, senders, locked, read);
    } catch (err) {
      failed = true; // whichever round trip failed, nothing of the batch is committed: ROLLBACK (harmless if none is open)
      throw err;
    } finally {
      await tx.close(failed);
    }
  }

  private async decide(
    tx: RoundTrips,
    batch: Pending[],
    verdicts: SignatureCheck[],
    senders: Promise<(AuthContext | AppError)[]>,
    locked: Record<string, unknown>[],
    read: Record<string, unknown>[],
  ): Promise<Outcome[]> {
    const now = this.clock.now();
    const m = tx.manager;
    // 1. The channels locked (in id order, fresh rows), then membership, device, epoch recipients and
    // earlier copies for every send at once, read after the locks were granted.
    const channels = this.batchReads.lockedChannels(locked);
    const facts = this.batchReads.factsOf(read);
    const stored = await this.messages.findByKeys(
      m,
      facts.flatMap((f, i) => (f.existingId ? [{ channelId: batch[i].channelId, id: f.existingId }] : [])),
    );
    const existing = new Map(stored.map((x) => [x.id, x]));

    // 2. Who is sending (authenticated meanwhile on another connection), and for family channels
    // whether their agency may share.
    const who = await senders;
    const sharing = await this.sharingRefusals(m, batch, channels, who);

    // 3. Decide each send in arrival order; sequence numbers follow that order per channel.
    const accepted = new Map<string, Message>(); // channel:device:clientMessageId
    const lastN = new Map<string, number>(); // channel:device → the counter of its last message, this batch included
    const rows: Message[] = [];
    const outcomes = batch.map((p, i): Outcome => {
      const f = facts[i];
      const w = who[i];
      const channel = channels.get(p.channelId) ?? null;
      const key = `${p.channelId}:${p.dto.senderDeviceId}:${p.dto.clientMessageId}`;
      const decision = decideSend(
        {
          now,
          send: { userId: p.userId, channelId: p.channelId, epoch: p.dto.epoch, signature: p.signature },
          senderRefusal: w instanceof AppError ? w : null,
          member: f.member,
          channel,
          sharingRefusal: w instanceof AppError ? null : (sharing.get(p.channelId)?.get(w.user.agencyId) ?? null),
          earlier: (f.existingId ? existing.get(f.existingId) : accepted.get(key)) ?? null,
          deviceActive: f.deviceActive,
          inEpoch: f.inEpoch,
          signature: verdicts[i],
        },
        this.channels,
      );
      if (decision.kind === 'refuse') return { ok: false, error: decision.error };
      if (decision.kind === 'duplicate') {
        return { ok: true, result: { message: messageView(decision.message), duplicate: true } };
      }
      // The device's counter goes up by one: a send that repeats or skips a number is refused, so an honest
      // client whose idea of its chain is stale (another process of the same device sent) asks again.
      const chainKey = `${p.channelId}:${p.dto.senderDeviceId}`;
      const expected = (lastN.get(chainKey) ?? f.lastN) + 1;
      if (p.dto.n !== expected)
        return {
          ok: false,
          error: conflict(
            'message_out_of_order',
            `This device's message number ${expected} comes next in this conversation, not ${p.dto.n}: number it again and resend.`,
            { expectedN: expected },
          ),
        };
      lastN.set(chainKey, p.dto.n);
      const message = this.nextMessage(p, channel!, now);
      accepted.set(key, message);
      rows.push(message);
      return { ok: true, result: { message: messageView(message), duplicate: false } };
    });

    // 4. Every accepted row and every channel's counters in one statement, and the COMMIT, in one round
    // trip. A row a concurrent transaction stored first (the same client message id sent to the same
    // channel at the same moment, by another instance) fails it all: decided again, it is a retry.
    if (!rows.length) {
      await tx.send(['COMMIT']);
      return outcomes;
    }
    const added = new Map<string, number>();
    for (const r of rows) added.set(r.channelId, (added.get(r.channelId) ?? 0) + 1);
    const advances = [...added].map(([id, n]) => ({ channelId: id, lastSeq: channels.get(id)!.lastSeq, added: n }));
    await tx.send([this.messages.insertBatch(rows, this.channels.counterAdvance(advances)), 'COMMIT']);
    return outcomes;
  }

  /** For each family channel in the batch, the refusals of the senders' agencies (consent, ISA). */
  private async sharingRefusals(
    m: EntityManager,
    batch: Pending[],
    channels: Map<string, Channel>,
    who: (AuthContext | AppError)[],
  ): Promise<Map<string, Map<string, AppError>>> {
    const sharing = new Map<string, Map<string, AppError>>();
    for (const c of channels.values()) {
      if (c.kind !== 'family_meeting') continue;
      const agencies = batch.flatMap((p, i) => {
        const w = who[i];
        return p.channelId === c.id && !(w instanceof AppError) ? [w.user.agencyId] : [];
      });
      sharing.set(c.id, await this.channels.sharingRefusals(m, c.id, [...new Set(agencies)]));
    }
    return sharing;
  }

  /** The accepted send as a row, under the channel's next sequence number (the batch advances the channel). */
  private nextMessage(p: Pending, channel: Channel, now: Date): Message {
    channel.lastSeq = String(Number(channel.lastSeq) + 1);
    channel.epochMessageCount += 1;
    return Object.assign(new Message(), {
      id: randomUUID(),
      channelId: p.channelId,
      seq: channel.lastSeq,
      epoch: p.dto.epoch,
      senderUserId: p.userId,
      senderDeviceId: p.dto.senderDeviceId,
      clientMessageId: p.dto.clientMessageId,
      nonce: p.nonce,
      ciphertext: p.ciphertext,
      signature: p.signature,
      n: p.dto.n,
      prev: p.dto.prev === null ? null : Buffer.from(p.dto.prev, 'base64url'),
      sentAt: new Date(p.dto.sentAt),
      seenSeq: p.dto.seen ? String(p.dto.seen.seq) : null,
      seenLink: p.dto.seen ? Buffer.from(p.dto.seen.link, 'base64url') : null,
      createdAt: now,
      expiresAt: new Date(now.getTime() + channel.retentionDays * 86_400_000),
      deletedAt: null,
    });
  }
}
