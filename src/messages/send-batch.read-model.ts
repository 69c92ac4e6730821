import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { SqlPart } from '../common/sql.js';
import type { MemberRole } from '../../contracts/channels.js';
import { hydrate, selectColumns } from '../common/hydrate.js';
import { Channel } from '../channels/entities/channel.entity.js';

/** One send as the batch asks about it. */
export interface SendKey {
  channelId: string;
  userId: string;
  deviceId: string;
  epoch: number;
  clientMessageId: string;
}

/** What the database says about one send, in the batch's order. */
export interface SendFactsRow {
  /** The sender's membership, or null when they have no row in channel_members. */
  member: { role: MemberRole; endsAt: Date | null } | null;
  /** The device is the sender's own and not revoked. */
  deviceActive: boolean;
  /** The device is among the recipients of the epoch the send claims. */
  inEpoch: boolean;
  /** A stored message from the same device with the same clientMessageId (any channel), or null. */
  existingId: string | null;
  /** The highest counter (header v2 `n`) of the device's messages in the channel, 0 when none. */
  lastN: number;
}

interface FactsRow {
  ord: number;
  role: MemberRole | null;
  ends_at: Date | null;
  device_active: boolean;
  in_epoch: boolean;
  existing_id: string | null;
  last_n: number;
}

/**
 * The group commit's read model. It joins other modules' tables (channels, channel_members,
 * channel_epochs, devices) with messages ON PURPOSE: the batch re-checks every send's membership,
 * device, epoch and earlier copy in ONE set-based query, inside the transaction that stores them,
 * instead of a handful of queries per send through each owner's repository. That one query is what
 * lets a batch of a hundred sends cost about as much as one; reading through the owners would
 * multiply round trips by the batch size. Read-only: writes go through the owners.
 */
@Injectable()
export class SendBatchReadModel {
  private lockSql: string | undefined;

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Locks the batch's channels FOR UPDATE, in id order so that concurrent batches never deadlock, and
   * returns their fresh rows (the sequence counters the batch will advance): a statement for the batch's
   * first round trip (RoundTrips), whose rows `lockedChannels` reads.
   */
  lockChannels(channelIds: string[]): SqlPart {
    this.lockSql ??= `SELECT ${selectColumns(this.db, Channel, 'c')} FROM channels c
                        WHERE c.id = ANY ($1::uuid[]) ORDER BY c.id FOR UPDATE`;
    return { sql: this.lockSql, params: [[...new Set(channelIds)].sort()] };
  }

  /** The locked channels by id (a missing id has no entry). */
  lockedChannels(rows: Record<string, unknown>[]): Map<string, Channel> {
    return new Map(rows.map((row) => hydrate(this.db, Channel, 'c', row)).map((c) => [c.id, c]));
  }

  /**
   * Membership, device, epoch recipients and earlier copies, for every send at once: a statement for the
   * batch's first round trip, after the lock (it then reads what was committed before the lock was
   * granted). `factsOf` reads its rows, in `sends` order.
   */
  facts(sends: SendKey[]): SqlPart {
    return {
      sql: `SELECT i.ord::int AS ord, cm.role, cm.ends_at, d.id IS NOT NULL AS device_active,
              COALESCE(i.device_id = ANY (e.recipient_device_ids), false) AS in_epoch, x.id AS existing_id,
              COALESCE((SELECT max(l.n) FROM messages l
                         WHERE l.channel_id = i.channel_id AND l.sender_device_id = i.device_id), 0)::int AS last_n
         FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::int[], $5::uuid[])
              WITH ORDINALITY AS i (channel_id, user_id, device_id, epoch, client_message_id, ord)
         LEFT JOIN channel_members cm ON cm.channel_id = i.channel_id AND cm.user_id = i.user_id
         LEFT JOIN devices d ON d.id = i.device_id AND d.user_id = i.user_id AND d.revoked_at IS NULL
         LEFT JOIN channel_epochs e ON e.channel_id = i.channel_id AND e.epoch = i.epoch
         LEFT JOIN messages x ON x.channel_id = i.channel_id AND x.sender_device_id = i.device_id
                             AND x.client_message_id = i.client_message_id
        ORDER BY i.ord`,
      params: [
        sends.map((s) => s.channelId),
        sends.map((s) => s.userId),
        sends.map((s) => s.deviceId),
        sends.map((s) => s.epoch),
        sends.map((s) => s.clientMessageId),
      ],
    };
  }

  factsOf(rows: Record<string, unknown>[]): SendFactsRow[] {
    return (rows as unknown as FactsRow[]).map((r) => ({
      member: r.role ? { role: r.role, endsAt: r.ends_at } : null,
      deviceActive: r.device_active,
      inEpoch: r.in_epoch,
      existingId: r.existing_id,
      lastN: r.last_n,
    }));
  }
}
