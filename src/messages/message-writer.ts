import { randomUUID, type KeyObject } from 'node:crypto';
import { Inject, Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, QueryFailedError, type EntityManager } from 'typeorm';
import { AppError, conflict, forbidden, notFound } from '../common/app-error.js';
import { Clock } from '../common/clock.js';
import { hydrate, selectColumns } from '../common/hydrate.js';
import type { RequestMeta } from '../common/request-context.js';
import { returningRows } from '../common/sql.js';
import { APP_CONFIG, type AppConfig } from '../config/config.schema.js';
import { messageSigningBytes } from '../channels/channel-proofs.js';
import { ChannelsService } from '../channels/channels.service.js';
import { Channel } from '../channels/entities/channel.entity.js';
import type { AuthContext } from '../identity/auth-context.js';
import { AuthService } from '../identity/auth.service.js';
import { ed25519PublicKey, verifyEd25519Async } from '../identity/device-proof.js';
import { Notifier, type NewMessage } from '../notifications/notifier.js';
import type { SendMessageInput as SendMessageDto } from '../../contracts/messages.js';
import { Message } from './entities/message.entity.js';
import { messageView, type MessageView } from './message-view.js';

/**
 * Who is sending. An HTTP request arrives authenticated by the guard; a socket event carries its
 * session token and is authenticated again inside the transaction that stores it, together with
 * every other send in the batch (one query for all of them).
 */
export type Sender =
  { kind: 'authenticated'; auth: AuthContext } | { kind: 'token'; token: string; userId: string; meta: RequestMeta };

export interface SendResult {
  message: MessageView;
  duplicate: boolean;
}

/** What the checks that need no transaction found; reported in the same order as before batching. */
type SignatureCheck = 'ok' | 'bad' | 'not_your_device';

interface Pending {
  sender: Sender;
  userId: string;
  channelId: string;
  dto: SendMessageDto;
  nonce: Buffer;
  ciphertext: Buffer;
  signature: Buffer;
  signatureCheck: Promise<SignatureCheck>;
  resolve: (r: SendResult) => void;
  reject: (err: unknown) => void;
}

type Outcome = { ok: true; result: SendResult } | { ok: false; error: unknown };

/** Another transaction stored a row this batch counted on storing: run the batch again. */
class BatchRaced extends Error {}

const RETRYABLE_SQLSTATES = new Set(['40001', '40P01']); // serialization failure, deadlock
const KEY_CACHE_LIMIT = 10_000;

/**
 * Group commit for messages. Concurrent sends are queued and stored together: one transaction per
 * batch locks the batch's channels in id order, re-checks every sender (session, agency, membership,
 * device, epoch) in a couple of set-based queries, gives out sequence numbers in arrival order and
 * writes every row with one INSERT. Each send is acknowledged only after that commit, so an
 * acknowledged message is durable; an unacknowledged one is retried by the client under the same
 * `clientMessageId` and stored once. The queue is only a waiting room for requests in flight: nothing
 * in it is needed by another instance.
 */
@Injectable()
export class MessageWriter implements BeforeApplicationShutdown {
  private readonly logger = new Logger(MessageWriter.name);
  private readonly queue: Pending[] = [];
  private inFlight = 0;
  private pumpScheduled = false;
  private drained: (() => void) | null = null;
  private lockSql: string | undefined;
  /** Device id → owner and Ed25519 key. Both are fixed for a device's life; revocation is checked per batch. */
  private readonly signingKeys = new Map<string, { userId: string; key: KeyObject }>();

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly auth: AuthService,
    private readonly channels: ChannelsService,
    private readonly notifier: Notifier,
  ) {}

  /** Stores one sealed message (or finds its earlier copy); resolves after the commit. */
  async submit(sender: Sender, channelId: string, dto: SendMessageDto): Promise<SendResult> {
    const ciphertext = Buffer.from(dto.ciphertext, 'base64url');
    if (ciphertext.length > this.config.MESSAGE_MAX_BYTES) {
      throw new AppError(
        413,
        'message_too_large',
        `A message may be at most ${this.config.MESSAGE_MAX_BYTES} bytes encrypted.`,
        { maxBytes: this.config.MESSAGE_MAX_BYTES },
      );
    }
    const nonce = Buffer.from(dto.nonce, 'base64url');
    const signature = Buffer.from(dto.signature, 'base64url');
    const userId = sender.kind === 'authenticated' ? sender.auth.user.id : sender.userId;
    // Queued at once, in arrival order (a sender's pipelined sends keep their order). The signature is
    // checked meanwhile, outside any transaction and off the event loop; its verdict is reported in
    // the batch after the membership checks (a non-member learns nothing about signatures).
    const signatureCheck = this.checkSignature(userId, channelId, dto, nonce, ciphertext, signature);
    signatureCheck.catch(() => undefined); // awaited by the flush; this only marks it handled meanwhile
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
        resolve,
        reject,
      });
      this.schedulePump();
    });
  }

  private async checkSignature(
    userId: string,
    channelId: string,
    dto: SendMessageDto,
    nonce: Buffer,
    ciphertext: Buffer,
    signature: Buffer,
  ): Promise<SignatureCheck> {
    const key = await this.signingKey(dto.senderDeviceId);
    if (!key || key.userId !== userId) return 'not_your_device';
    const signed = messageSigningBytes(
      { channelId, epoch: dto.epoch, senderDeviceId: dto.senderDeviceId, clientMessageId: dto.clientMessageId },
      nonce,
      ciphertext,
    );
    return (await verifyEd25519Async(key.key, signed, signature)) ? 'ok' : 'bad';
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (!this.inFlight && !this.queue.length) return;
    await Promise.race([
      new Promise<void>((resolve) => (this.drained = resolve)),
      new Promise((resolve) => setTimeout(resolve, 5000).unref()),
    ]);
  }

  private async signingKey(deviceId: string): Promise<{ userId: string; key: KeyObject } | null> {
    const cached = this.signingKeys.get(deviceId);
    if (cached) return cached;
    const [row] = await this.db.query<{ user_id: string; ed25519_public_key: Buffer }[]>(
      'SELECT user_id, ed25519_public_key FROM devices WHERE id = $1',
      [deviceId],
    );
    if (!row) return null;
    const entry = { userId: row.user_id, key: ed25519PublicKey(row.ed25519_public_key) };
    if (this.signingKeys.size >= KEY_CACHE_LIMIT) this.signingKeys.delete(this.signingKeys.keys().next().value!);
    this.signingKeys.set(deviceId, entry);
    return entry;
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
      const batch = this.queue.splice(0, this.config.SEND_BATCH_MAX);
      this.inFlight++;
      void this.flush(batch).finally(() => {
        this.inFlight--;
        if (this.queue.length) this.pump();
        else if (!this.inFlight) this.drained?.();
      });
    }
  }

  private async flush(batch: Pending[]): Promise<void> {
    let verdicts: SignatureCheck[];
    try {
      verdicts = await Promise.all(batch.map((p) => p.signatureCheck));
    } catch (err) {
      this.logger.error({ err }, 'checking message signatures failed');
      for (const p of batch) p.reject(err);
      return;
    }
    // Socket senders are authenticated on another connection while the transaction takes its locks.
    const senders = this.authenticate(batch);
    senders.catch(() => undefined); // awaited inside the transaction; this only marks it handled meanwhile
    let outcomes: Outcome[] | null = null;
    for (let attempt = 1; !outcomes; attempt++) {
      try {
        outcomes = await this.db.transaction((m) => this.store(m, batch, verdicts, senders));
      } catch (err) {
        const retryable =
          err instanceof BatchRaced ||
          (err instanceof QueryFailedError &&
            RETRYABLE_SQLSTATES.has(String((err.driverError as { code?: unknown }).code)));
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
    const fresh: NewMessage[] = [];
    batch.forEach((p, i) => {
      const o = outcomes[i];
      if (!o.ok) return p.reject(o.error);
      p.resolve(o.result);
      if (!o.result.duplicate) {
        const { deleted: _deleted, ...message } = o.result.message;
        fresh.push({ channelId: p.channelId, message });
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

  /** One transaction for the whole batch; refusals are outcomes, not exceptions, so the rest commits. */
  private async store(
    m: EntityManager,
    batch: Pending[],
    verdicts: SignatureCheck[],
    senders: Promise<(AuthContext | AppError)[]>,
  ): Promise<Outcome[]> {
    const now = this.clock.now();
    const outcomes: (Outcome | null)[] = batch.map(() => null);
    const refuse = (i: number, error: unknown) => (outcomes[i] = { ok: false, error });

    // 1. Lock the channels, in id order so that concurrent batches never deadlock; fresh rows.
    const channelIds = [...new Set(batch.map((p) => p.channelId))].sort();
    this.lockSql ??= `SELECT ${selectColumns(this.db, Channel, 'c')} FROM channels c
                        WHERE c.id = ANY ($1::uuid[]) ORDER BY c.id FOR UPDATE`;
    const locked = await m.query<Record<string, unknown>[]>(this.lockSql, [channelIds]);
    const channels = new Map(locked.map((row) => hydrate(this.db, Channel, 'c', row)).map((c) => [c.id, c]));

    // 2. Membership, device, epoch recipients and earlier copies, for every send at once.
    const facts = await m.query<
      {
        ord: number;
        role: string | null;
        ends_at: Date | null;
        device_active: boolean;
        in_epoch: boolean;
        existing_id: string | null;
      }[]
    >(
      `SELECT i.ord::int AS ord, cm.role, cm.ends_at, d.id IS NOT NULL AS device_active,
              COALESCE(i.device_id = ANY (e.recipient_device_ids), false) AS in_epoch, x.id AS existing_id
         FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::int[], $5::uuid[])
              WITH ORDINALITY AS i (channel_id, user_id, device_id, epoch, client_message_id, ord)
         LEFT JOIN channel_members cm ON cm.channel_id = i.channel_id AND cm.user_id = i.user_id
         LEFT JOIN devices d ON d.id = i.device_id AND d.user_id = i.user_id AND d.revoked_at IS NULL
         LEFT JOIN channel_epochs e ON e.channel_id = i.channel_id AND e.epoch = i.epoch
         LEFT JOIN messages x ON x.sender_device_id = i.device_id AND x.client_message_id = i.client_message_id
        ORDER BY i.ord`,
      [
        batch.map((p) => p.channelId),
        batch.map((p) => p.userId),
        batch.map((p) => p.dto.senderDeviceId),
        batch.map((p) => p.dto.epoch),
        batch.map((p) => p.dto.clientMessageId),
      ],
    );
    const existingIds = facts.flatMap((f) => (f.existing_id ? [f.existing_id] : []));
    const existing = new Map(
      existingIds.length ? (await m.getRepository(Message).findBy({ id: In(existingIds) })).map((x) => [x.id, x]) : [],
    );

    // 3. Who is sending (authenticated meanwhile on another connection), and for family channels
    // whether their agency may share.
    const who = await senders;
    who.forEach((w, i) => w instanceof AppError && refuse(i, w));
    const sharing = new Map<string, Map<string, AppError>>();
    for (const c of channels.values()) {
      if (c.kind !== 'family_meeting') continue;
      const agencies = batch.flatMap((p, i) => {
        const w = who[i];
        return p.channelId === c.id && !(w instanceof AppError) ? [w.user.agencyId] : [];
      });
      sharing.set(c.id, await this.channels.sharingRefusals(m, c.id, [...new Set(agencies)]));
    }
    // 4. Decide each send in arrival order; sequence numbers follow that order per channel.
    const accepted = new Map<string, Message>(); // device:clientMessageId
    const rows: Message[] = [];
    batch.forEach((p, i) => {
      if (outcomes[i]) return;
      const f = facts[i];
      const channel = channels.get(p.channelId);
      const notMember = this.channels.membershipRefusal(f.role ? { endsAt: f.ends_at } : null, !!channel, now);
      if (notMember) return refuse(i, notMember);
      if (f.role === 'observer') return refuse(i, forbidden('observer_read_only', 'Observers can read but not send.'));
      const notShared = sharing.get(p.channelId)?.get((who[i] as AuthContext).user.agencyId);
      if (notShared) return refuse(i, notShared);
      const key = `${p.dto.senderDeviceId}:${p.dto.clientMessageId}`;
      const earlier = f.existing_id ? existing.get(f.existing_id) : accepted.get(key);
      if (earlier) {
        if (
          earlier.senderUserId !== p.userId ||
          earlier.channelId !== p.channelId ||
          !earlier.signature?.equals(p.signature)
        ) {
          return refuse(
            i,
            conflict('client_message_id_reused', 'This client message id was already used for a different message.'),
          );
        }
        outcomes[i] = { ok: true, result: { message: messageView(earlier), duplicate: true } };
        return;
      }
      if (!f.device_active || verdicts[i] === 'not_your_device') {
        return refuse(i, forbidden('not_your_device', 'Send from one of your own active devices.'));
      }
      if (verdicts[i] === 'bad') {
        return refuse(
          i,
          new AppError(400, 'invalid_signature', 'The message signature does not verify for this channel and device.'),
        );
      }
      if (!channel) return refuse(i, notFound('Channel'));
      const due = this.channels.rotationDue(channel, now);
      if (p.dto.epoch !== channel.currentEpoch || due) {
        return refuse(
          i,
          conflict('epoch_stale', 'This channel has moved to a new key epoch: open or fetch it and send again.', {
            currentEpoch: channel.currentEpoch,
            rotationRequired: due !== null,
            reason: due ?? 'epoch_changed',
          }),
        );
      }
      if (!f.in_epoch) {
        return refuse(
          i,
          conflict('epoch_stale', 'This device does not hold the current epoch key: rotate first.', {
            currentEpoch: channel.currentEpoch,
            rotationRequired: true,
            reason: 'device_not_in_epoch',
          }),
        );
      }
      channel.lastSeq = String(Number(channel.lastSeq) + 1);
      channel.epochMessageCount += 1;
      const message = Object.assign(new Message(), {
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
        createdAt: now,
        expiresAt: new Date(now.getTime() + channel.retentionDays * 86_400_000),
        deletedAt: null,
      });
      accepted.set(key, message);
      rows.push(message);
      outcomes[i] = { ok: true, result: { message: messageView(message), duplicate: false } };
    });

    // 5. Every accepted row in one INSERT, every channel's counters in the same statement.
    if (rows.length) {
      const bumped = [...new Set(rows.map((r) => r.channelId))].map((id) => channels.get(id)!);
      const counts = bumped.map((c) => rows.filter((r) => r.channelId === c.id).length);
      const inserted = await returningRows<{ id: string }>(
        m,
        `WITH ins AS (
           INSERT INTO messages (id, channel_id, seq, epoch, sender_user_id, sender_device_id, client_message_id,
                                 nonce, ciphertext, signature, created_at, expires_at)
           SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::bigint[], $4::int[], $5::uuid[], $6::uuid[], $7::uuid[],
                                $8::bytea[], $9::bytea[], $10::bytea[], $11::timestamptz[], $12::timestamptz[])
           ON CONFLICT DO NOTHING
           RETURNING id
         ), bump AS (
           UPDATE channels c SET last_seq = u.last_seq, epoch_message_count = c.epoch_message_count + u.n
             FROM unnest($13::uuid[], $14::bigint[], $15::int[]) AS u (id, last_seq, n)
            WHERE c.id = u.id
         )
         SELECT id FROM ins`,
        [
          rows.map((r) => r.id),
          rows.map((r) => r.channelId),
          rows.map((r) => r.seq),
          rows.map((r) => r.epoch),
          rows.map((r) => r.senderUserId),
          rows.map((r) => r.senderDeviceId),
          rows.map((r) => r.clientMessageId),
          rows.map((r) => r.nonce),
          rows.map((r) => r.ciphertext),
          rows.map((r) => r.signature),
          rows.map((r) => r.createdAt),
          rows.map((r) => r.expiresAt),
          bumped.map((c) => c.id),
          bumped.map((c) => c.lastSeq),
          counts,
        ],
      );
      // A row missing here was stored by a concurrent transaction (the same client message id sent to
      // another channel at the same moment): roll back and decide the batch again with it in view.
      if (inserted.length !== rows.length) throw new BatchRaced();
    }
    return outcomes as Outcome[];
  }
}
