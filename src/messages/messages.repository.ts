import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { renumbered, type SqlPart } from '../common/sql.js';
import { Message } from './entities/message.entity.js';

@Injectable()
export class MessagesRepository {
  /** Messages by their keys: each with its channel, the table's distribution key (docs/capacity.md). */
  async findByKeys(m: EntityManager, keys: { channelId: string; id: string }[]): Promise<Message[]> {
    return keys.length ? m.getRepository(Message).findBy(keys.map(({ channelId, id }) => ({ channelId, id }))) : [];
  }

  /** Messages after `after`, oldest first, never one that has expired (even before the job deletes it). */
  page(m: EntityManager, channelId: string, after: number, limit: number, now: Date): Promise<Message[]> {
    return m
      .getRepository(Message)
      .createQueryBuilder('m')
      .where('m.channel_id = :channelId AND m.seq > :after AND m.expires_at > :now', { channelId, after, now })
      .orderBy('m.seq', 'ASC')
      .limit(limit)
      .getMany();
  }

  findBySeq(m: EntityManager, channelId: string, seq: number): Promise<Message | null> {
    return m.getRepository(Message).findOneBy({ channelId, seq: String(seq) });
  }

  /**
   * A device's last message in a channel by its counter, deleted and expired-but-not-yet-removed ones
   * included (their header fields stay), so the device's next message continues the chain.
   */
  lastOfDevice(m: EntityManager, channelId: string, deviceId: string): Promise<Message | null> {
    return m
      .getRepository(Message)
      .createQueryBuilder('m')
      .where('m.channel_id = :channelId AND m.sender_device_id = :deviceId AND m.n IS NOT NULL', {
        channelId,
        deviceId,
      })
      .orderBy('m.n', 'DESC')
      .limit(1)
      .getOne();
  }

  /**
   * The latest message a member may read (after `after`, not expired) sent by any device but `deviceId`,
   * tombstones included (their header fields stay), among those with a signed header.
   */
  latestFromOthers(
    m: EntityManager,
    channelId: string,
    deviceId: string,
    after: number,
    now: Date,
  ): Promise<Message | null> {
    return m
      .getRepository(Message)
      .createQueryBuilder('m')
      .where(
        'm.channel_id = :channelId AND m.seq > :after AND m.expires_at > :now AND m.sender_device_id <> :deviceId AND m.n IS NOT NULL',
        { channelId, after, now, deviceId },
      )
      .orderBy('m.seq', 'DESC')
      .limit(1)
      .getOne();
  }

  /** A tombstone: the ciphertext, nonce and signature go, the sequence number stays. */
  async tombstone(m: EntityManager, channelId: string, id: string, deletedAt: Date): Promise<void> {
    await m
      .getRepository(Message)
      .update({ channelId, id }, { deletedAt, nonce: null, ciphertext: null, signature: null });
  }

  /**
   * The group commit's one write: every accepted row in one INSERT and, in the same statement, the part
   * another owner hands over (the channels' sequence counters, ChannelsRepository.counterAdvance), sent
   * with the COMMIT in the batch's last round trip (RoundTrips). A row another transaction stored first
   * (the same device and clientMessageId in the channel) fails the whole statement with a unique
   * violation, so nothing of the batch commits and the caller decides it again with that row in view.
   */
  insertBatch(rows: Message[], alongside: SqlPart): SqlPart {
    return {
      sql: `WITH alongside AS (
         ${renumbered(alongside.sql, 17)}
       )
       INSERT INTO messages (id, channel_id, seq, epoch, sender_user_id, sender_device_id, client_message_id,
                             nonce, ciphertext, signature, created_at, expires_at, n, prev, sent_at,
                             seen_seq, seen_link)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::bigint[], $4::int[], $5::uuid[], $6::uuid[], $7::uuid[],
                            $8::bytea[], $9::bytea[], $10::bytea[], $11::timestamptz[], $12::timestamptz[],
                            $13::int[], $14::bytea[], $15::timestamptz[], $16::bigint[], $17::bytea[])`,
      params: [
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
        rows.map((r) => r.n),
        rows.map((r) => r.prev),
        rows.map((r) => r.sentAt),
        rows.map((r) => r.seenSeq),
        rows.map((r) => r.seenLink),
        ...alongside.params,
      ],
    };
  }
}
