import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { AppError, conflict, forbidden, notFound } from '../common/app-error.js';
import { Clock } from '../common/clock.js';
import { isUniqueViolation } from '../common/db-errors.js';
import { APP_CONFIG, type AppConfig } from '../config/config.schema.js';
import { messageSigningBytes } from '../channels/channel-proofs.js';
import { ChannelsService } from '../channels/channels.service.js';
import { Channel } from '../channels/entities/channel.entity.js';
import { actorOf, type AuthContext } from '../identity/auth-context.js';
import { verifyEd25519 } from '../identity/device-proof.js';
import { Notifier } from '../notifications/notifier.js';
import type { ServerEventMap } from '../notifications/realtime-events.js';
import type { ListMessagesQuery, SendMessageDto } from './dto/message.dto.js';
import { Message } from './entities/message.entity.js';

export type MessageView = ServerEventMap['message.new']['message'] & { deleted: boolean };

const b64 = (b: Buffer | null) => (b ? b.toString('base64url') : '');

export function messageView(m: Message): MessageView {
  return {
    id: m.id,
    seq: Number(m.seq),
    epoch: m.epoch,
    senderUserId: m.senderUserId,
    senderDeviceId: m.senderDeviceId,
    clientMessageId: m.clientMessageId,
    nonce: b64(m.nonce),
    ciphertext: b64(m.ciphertext),
    signature: b64(m.signature),
    createdAt: m.createdAt.toISOString(),
    expiresAt: m.expiresAt.toISOString(),
    deleted: m.deletedAt !== null,
  };
}

/**
 * Stores and serves ciphertext. Each accepted message gets the channel's next sequence number in the
 * transaction that stores it, and an expiry the server computes; a retried send returns the message
 * already stored.
 */
@Injectable()
export class MessagesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly channels: ChannelsService,
    private readonly audit: AuditService,
    private readonly notifier: Notifier,
  ) {}

  async send(
    auth: AuthContext,
    channelId: string,
    dto: SendMessageDto,
  ): Promise<{ message: MessageView; duplicate: boolean }> {
    const ciphertext = Buffer.from(dto.ciphertext, 'base64url');
    if (ciphertext.length > this.config.MESSAGE_MAX_BYTES) {
      throw new AppError(
        413,
        'message_too_large',
        `A message may be at most ${this.config.MESSAGE_MAX_BYTES} bytes encrypted.`,
        {
          maxBytes: this.config.MESSAGE_MAX_BYTES,
        },
      );
    }
    const nonce = Buffer.from(dto.nonce, 'base64url');
    const signature = Buffer.from(dto.signature, 'base64url');
    try {
      const stored = await this.db.transaction(async (m) => {
        const member = await this.channels.membership(m, channelId, auth.user.id);
        if (member.role === 'observer') throw forbidden('observer_read_only', 'Observers can read but not send.');
        const existing = await this.findRetry(m, auth, channelId, dto, signature);
        if (existing) return { message: existing, duplicate: true };
        const [device] = await m.query<{ ed25519_public_key: Buffer }[]>(
          'SELECT ed25519_public_key FROM devices WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL',
          [dto.senderDeviceId, auth.user.id],
        );
        if (!device) throw forbidden('not_your_device', 'Send from one of your own active devices.');
        const signed = messageSigningBytes(
          { channelId, epoch: dto.epoch, senderDeviceId: dto.senderDeviceId, clientMessageId: dto.clientMessageId },
          nonce,
          ciphertext,
        );
        if (!verifyEd25519(device.ed25519_public_key, signed, signature)) {
          throw new AppError(
            400,
            'invalid_signature',
            'The message signature does not verify for this channel and device.',
          );
        }
        // The channel row lock orders concurrent sends; the sequence number comes from it.
        const channel = await m
          .getRepository(Channel)
          .findOne({ where: { id: channelId }, lock: { mode: 'pessimistic_write' } });
        if (!channel) throw notFound('Channel');
        const now = this.clock.now();
        const due = this.channels.rotationDue(channel, now);
        if (dto.epoch !== channel.currentEpoch || due) {
          throw conflict('epoch_stale', 'This channel has moved to a new key epoch: open or fetch it and send again.', {
            currentEpoch: channel.currentEpoch,
            rotationRequired: due !== null,
            reason: due ?? 'epoch_changed',
          });
        }
        const recipients = await m.query<{ ok: boolean }[]>(
          'SELECT $3 = ANY(recipient_device_ids) AS ok FROM channel_epochs WHERE channel_id = $1 AND epoch = $2',
          [channelId, dto.epoch, dto.senderDeviceId],
        );
        if (!recipients[0]?.ok) {
          throw conflict('epoch_stale', 'This device does not hold the current epoch key: rotate first.', {
            currentEpoch: channel.currentEpoch,
            rotationRequired: true,
            reason: 'device_not_in_epoch',
          });
        }
        const seq = Number(channel.lastSeq) + 1;
        await m.query(
          'UPDATE channels SET last_seq = $2, epoch_message_count = epoch_message_count + 1 WHERE id = $1',
          [channelId, seq],
        );
        const message = m.create(Message, {
          channelId,
          seq: String(seq),
          epoch: dto.epoch,
          senderUserId: auth.user.id,
          senderDeviceId: dto.senderDeviceId,
          clientMessageId: dto.clientMessageId,
          nonce,
          ciphertext,
          signature,
          createdAt: now,
          expiresAt: new Date(now.getTime() + channel.retentionDays * 86_400_000),
          deletedAt: null,
        });
        await m.getRepository(Message).insert(message);
        return { message: messageView(message), duplicate: false };
      });
      if (!stored.duplicate) {
        const { deleted: _d, ...fast } = stored.message;
        this.notifier.toChannel(channelId, 'message.new', { channelId, message: fast });
      }
      return stored;
    } catch (err) {
      // Two identical retries raced: the first stored it; the second answers with that message.
      if (isUniqueViolation(err, 'messages_sender_device_id_client_message_id_key')) {
        const existing = await this.findRetry(this.db.manager, auth, channelId, dto, signature);
        if (existing) return { message: existing, duplicate: true };
      }
      throw err;
    }
  }

  /** A retried send (same device and client message id): the stored message, if it is the same one. */
  private async findRetry(
    m: EntityManager,
    auth: AuthContext,
    channelId: string,
    dto: SendMessageDto,
    signature: Buffer,
  ): Promise<MessageView | null> {
    const existing = await m
      .getRepository(Message)
      .findOneBy({ senderDeviceId: dto.senderDeviceId, clientMessageId: dto.clientMessageId });
    if (!existing) return null;
    if (
      existing.senderUserId !== auth.user.id ||
      existing.channelId !== channelId ||
      !existing.signature?.equals(signature)
    ) {
      throw conflict('client_message_id_reused', 'This client message id was already used for a different message.');
    }
    return messageView(existing);
  }

  /** Messages after a sequence number, oldest first; expired ones are never served, even before the job runs. */
  async list(auth: AuthContext, channelId: string, q: ListMessagesQuery) {
    const member = await this.channels.membership(this.db.manager, channelId, auth.user.id);
    const after = Math.max(q.after, Number(member.visibleFromSeq));
    const rows = await this.db
      .getRepository(Message)
      .createQueryBuilder('m')
      .where('m.channel_id = :channelId AND m.seq > :after AND m.expires_at > :now', {
        channelId,
        after,
        now: this.clock.now(),
      })
      .orderBy('m.seq', 'ASC')
      .limit(q.limit)
      .getMany();
    const [channel] = await this.db.query<{ last_seq: string }[]>('SELECT last_seq FROM channels WHERE id = $1', [
      channelId,
    ]);
    return {
      messages: rows.map(messageView),
      lastSeq: Number(channel.last_seq),
      visibleFromSeq: Number(member.visibleFromSeq),
    };
  }

  /** The sender deletes their own message: a tombstone keeps its place in the sequence, the ciphertext goes. */
  async remove(auth: AuthContext, channelId: string, seq: number): Promise<void> {
    await this.db.transaction(async (m) => {
      await this.channels.membership(m, channelId, auth.user.id);
      const message = await m.getRepository(Message).findOneBy({ channelId, seq: String(seq) });
      if (!message || message.expiresAt <= this.clock.now()) throw notFound('Message');
      if (message.senderUserId !== auth.user.id)
        throw forbidden('not_your_message', 'Only the sender can delete a message.');
      if (message.deletedAt) return;
      await m
        .getRepository(Message)
        .update({ id: message.id }, { deletedAt: this.clock.now(), nonce: null, ciphertext: null, signature: null });
      await this.audit.record(m, {
        actor: actorOf(auth),
        action: 'message.deleted',
        target: { type: 'channel', id: channelId },
        details: { seq },
        meta: auth.meta,
      });
    });
    this.notifier.toChannel(channelId, 'message.deleted', { channelId, seq });
  }
}
