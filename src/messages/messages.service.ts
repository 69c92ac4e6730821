import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { ChainHeadView, ListMessagesQuery, MessagePage, SendMessageInput } from '../../contracts/messages.js';
import { AuditService } from '../audit/audit.service.js';
import { forbidden, notFound } from '../common/app-error.js';
import { Clock } from '../common/clock.js';
import { ChannelsService } from '../channels/channels.service.js';
import { actorOf, type AuthContext } from '../identity/auth-context.js';
import { DevicesRepository } from '../identity/devices.repository.js';
import { Notifier } from '../notifications/notifier.js';
import { ChannelsRepository } from '../channels/channels.repository.js';
import { MessageWriter, type SendResult } from './message-writer.js';
import { messageView, seenOf } from './message.mapper.js';
import type { Message } from './entities/message.entity.js';
import { MessagesRepository } from './messages.repository.js';

/**
 * Serves and deletes ciphertext; storing goes through MessageWriter (group commit). Each accepted
 * message gets the channel's next sequence number in the transaction that stores it, and an expiry
 * the server computes.
 */
@Injectable()
export class MessagesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly channels: ChannelsService,
    private readonly audit: AuditService,
    private readonly notifier: Notifier,
    private readonly writer: MessageWriter,
    private readonly messages: MessagesRepository,
    private readonly channelsRepo: ChannelsRepository,
    private readonly devices: DevicesRepository,
  ) {}

  /** Stores a sealed message through the group-commit writer; a retry returns the stored one. */
  send(auth: AuthContext, channelId: string, dto: SendMessageInput): Promise<SendResult> {
    return this.writer.submit({ kind: 'authenticated', auth }, channelId, dto);
  }

  /** Messages after a sequence number, oldest first; expired ones are never served, even before the job runs. */
  async list(auth: AuthContext, channelId: string, q: ListMessagesQuery): Promise<MessagePage> {
    const m = this.db.manager;
    const member = await this.channels.membership(m, channelId, auth.user.id);
    const after = Math.max(q.after, Number(member.visibleFromSeq));
    const rows = await this.messages.page(m, channelId, after, q.limit, this.clock.now());
    return {
      messages: rows.map(messageView),
      lastSeq: await this.channelsRepo.lastSeq(m, channelId),
      visibleFromSeq: Number(member.visibleFromSeq),
    };
  }

  /**
   * The header of one of the caller's own devices' last message in the channel (by its counter),
   * deleted or expired ones included, so a fresh process continues that device's chain; and the latest
   * message the caller may read from any other device, which that device's next message names as seen.
   */
  async chainHead(auth: AuthContext, channelId: string, deviceId: string): Promise<ChainHeadView> {
    const m = this.db.manager;
    const member = await this.channels.membership(m, channelId, auth.user.id);
    if ((await this.devices.byId(m, deviceId))?.userId !== auth.user.id)
      throw forbidden('not_your_device', 'You can only ask about your own devices.');
    const last = await this.messages.lastOfDevice(m, channelId, deviceId);
    const other = await this.messages.latestFromOthers(
      m,
      channelId,
      deviceId,
      Number(member.visibleFromSeq),
      this.clock.now(),
    );
    const latestOther = other && headerOf(other);
    return {
      last: last && headerOf(last),
      latestOther: other && latestOther ? { ...latestOther, senderDeviceId: other.senderDeviceId } : null,
    };
  }

  /** The sender deletes their own message: a tombstone keeps its place in the sequence, the ciphertext goes. */
  async remove(auth: AuthContext, channelId: string, seq: number): Promise<void> {
    await this.db.transaction(async (m) => {
      await this.channels.membership(m, channelId, auth.user.id);
      const message = await this.messages.findBySeq(m, channelId, seq);
      if (!message || message.expiresAt <= this.clock.now()) throw notFound('Message');
      if (message.senderUserId !== auth.user.id)
        throw forbidden('not_your_message', 'Only the sender can delete a message.');
      if (message.deletedAt) return;
      await this.messages.tombstone(m, channelId, message.id, this.clock.now());
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

/** The signed header fields of a stored message, or null for one stored before they existed. */
function headerOf(m: Message): NonNullable<ChainHeadView['last']> | null {
  if (m.n === null || m.sentAt === null) return null;
  return {
    seq: Number(m.seq),
    epoch: m.epoch,
    clientMessageId: m.clientMessageId,
    n: m.n,
    prev: m.prev ? m.prev.toString('base64url') : null,
    sentAt: m.sentAt.toISOString(),
    seen: seenOf(m),
  };
}
