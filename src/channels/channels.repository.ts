import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { EpochKeyView } from '../../contracts/channels.js';
import { b64 } from '../common/sealed.js';
import { returningRows, type SqlPart } from '../common/sql.js';
import { ChannelEpoch } from './entities/channel-epoch.entity.js';
import { ChannelMember } from './entities/channel-member.entity.js';
import { Channel } from './entities/channel.entity.js';
import { KeyEnvelope } from './entities/key-envelope.entity.js';

/** A new channel's stored fields (the rest are the database's defaults). */
export type NewChannel = Pick<
  Channel,
  | 'kind'
  | 'owningAgencyId'
  | 'createdBy'
  | 'retentionDays'
  | 'currentEpoch'
  | 'epochMessageCount'
  | 'rotationRequired'
  | 'rotationReason'
  | 'lastSeq'
  | 'directPair'
>;

export type NewMember = Pick<
  ChannelMember,
  'channelId' | 'userId' | 'role' | 'joinedAt' | 'visibleFromSeq' | 'addedBy'
> &
  Partial<Pick<ChannelMember, 'endsAt'>>;

/** One envelope as a client sent it: the epoch key sealed to `deviceId`, base64url. */
export interface EnvelopeInput {
  epoch: number;
  deviceId: string;
  sealed: string;
}

interface EpochKeyRow {
  epoch: number;
  sealed: Buffer;
  shared_by_device_id: string | null;
  opener_device_id: string;
  recipient_device_ids: string[];
  withheld_device_ids: string[];
  commitment: Buffer;
  signature: Buffer;
  opened_at: Date;
  first_seq: string;
}

export const toEpochKeyView = (r: EpochKeyRow): EpochKeyView => ({
  epoch: r.epoch,
  sealed: b64(r.sealed),
  sharedByDeviceId: r.shared_by_device_id,
  openerDeviceId: r.opener_device_id,
  recipientDeviceIds: r.recipient_device_ids,
  withheldDeviceIds: r.withheld_device_ids,
  commitment: b64(r.commitment),
  signature: b64(r.signature),
  openedAt: r.opened_at.toISOString(),
  firstSeq: Number(r.first_seq),
});

/** A channel's counters after a batch: its new last sequence number and how many messages the batch added. */
export interface SequenceAdvance {
  channelId: string;
  lastSeq: string;
  added: number;
}

/**
 * Every read and write of the channels module's own tables: channels, channel_members, channel_epochs
 * and key_envelopes. Queries that join other modules' tables are in channel-members.read-model.ts. One
 * write runs in another owner's statement: the sequence counters a batch of sends moves on, handed
 * over as SQL (counterAdvance) for MessagesRepository.insertBatch to run with the batch's rows, one
 * round trip less per batch.
 */

@Injectable()
export class ChannelsRepository {
  // ── channels ──

  /**
   * The counters a batch of sends moves on, as the part of the batch's INSERT statement that updates
   * them (MessagesRepository.insertBatch): each channel's new last sequence number and how many messages
   * the batch added to its current epoch. Only channels the batch has locked FOR UPDATE.
   */
  counterAdvance(advances: SequenceAdvance[]): SqlPart {
    return {
      sql: `UPDATE channels c SET last_seq = u.last_seq, epoch_message_count = c.epoch_message_count + u.added
              FROM unnest($1::uuid[], $2::bigint[], $3::int[]) AS u (id, last_seq, added)
             WHERE c.id = u.id
            RETURNING 1`,
      params: [advances.map((a) => a.channelId), advances.map((a) => a.lastSeq), advances.map((a) => a.added)],
    };
  }

  findDirect(m: EntityManager, directPair: string): Promise<Channel | null> {
    return m.getRepository(Channel).findOneBy({ directPair });
  }

  insertChannel(m: EntityManager, fields: NewChannel): Promise<Channel> {
    return m.getRepository(Channel).save(m.create(Channel, fields));
  }

  exists(m: EntityManager, channelId: string): Promise<boolean> {
    return m.getRepository(Channel).existsBy({ id: channelId });
  }

  /** The channel, which must exist (the caller has checked membership). */
  get(m: EntityManager, channelId: string): Promise<Channel> {
    return m.getRepository(Channel).findOneByOrFail({ id: channelId });
  }

  /** The channel row locked for the caller's transaction, or null. */
  lock(m: EntityManager, channelId: string): Promise<Channel | null> {
    return m.getRepository(Channel).findOne({ where: { id: channelId }, lock: { mode: 'pessimistic_write' } });
  }

  async markRotation(m: EntityManager, channelId: string, reason: string): Promise<void> {
    await m.query('UPDATE channels SET rotation_required = true, rotation_reason = $2 WHERE id = $1', [
      channelId,
      reason,
    ]);
  }

  /** The channel's state once `epoch` is open: a fresh count, no rotation due, the title carried forward. */
  async epochOpened(
    m: EntityManager,
    channelId: string,
    epoch: number,
    openedAt: Date,
    title: string | undefined,
  ): Promise<void> {
    await m.getRepository(Channel).update(
      { id: channelId },
      {
        currentEpoch: epoch,
        epochOpenedAt: openedAt,
        epochMessageCount: 0,
        rotationRequired: false,
        rotationReason: null,
        ...(title ? { titleCiphertext: Buffer.from(title, 'base64url'), titleEpoch: epoch } : {}),
      },
    );
  }

  // ── channel_members ──

  /** New members have read nothing they may read: their read position starts where their window does. */
  async insertMembers(m: EntityManager, members: NewMember[]): Promise<void> {
    await m.getRepository(ChannelMember).insert(members.map((x) => ({ ...x, readSeq: x.visibleFromSeq })));
  }

  findMember(m: EntityManager, channelId: string, userId: string): Promise<ChannelMember | null> {
    return m.getRepository(ChannelMember).findOneBy({ channelId, userId });
  }

  /** Every current member's user id (whatever their role or end date). */
  async memberIds(m: EntityManager, channelId: string): Promise<string[]> {
    const rows = await m.getRepository(ChannelMember).find({ where: { channelId }, select: { userId: true } });
    return rows.map((r) => r.userId);
  }

  isMember(m: EntityManager, channelId: string, userId: string): Promise<boolean> {
    return m.getRepository(ChannelMember).existsBy({ channelId, userId });
  }

  /** Removes one member; false when they were not one. */
  /** Removes one member, keeping them among the channel's former members; false when they were not one. */
  async deleteMember(m: EntityManager, channelId: string, userId: string, reason: string, at: Date): Promise<boolean> {
    const rows = await this.endMemberships(m, 'channel_id = $3 AND user_id = $4', [reason, at, channelId, userId]);
    return rows.length > 0;
  }

  /** Removes a user from every channel, keeping them among each one's former members; the channels they were in. */
  async deleteMemberships(m: EntityManager, userId: string, reason: string, at: Date): Promise<string[]> {
    return (await this.endMemberships(m, 'user_id = $3', [reason, at, userId])).map((r) => r.channel_id);
  }

  /**
   * Deletes the memberships `where` picks and records them as former members (reason $1, ended at $2) in
   * one statement; what was deleted.
   */
  private endMemberships(
    m: EntityManager,
    where: string,
    params: unknown[],
  ): Promise<{ channel_id: string; user_id: string; role: string }[]> {
    return returningRows(
      m,
      `WITH gone AS (DELETE FROM channel_members WHERE ${where} RETURNING channel_id, user_id, role, joined_at, ends_at)
       INSERT INTO channel_former_members (channel_id, user_id, role, joined_at, ended_at, reason)
       SELECT channel_id, user_id, role, joined_at, LEAST(coalesce(ends_at, $2::timestamptz), $2::timestamptz), $1
         FROM gone
       RETURNING channel_id, user_id, role`,
      params,
    );
  }

  /** Why and when a user's latest membership of a channel ended, if they had one. */
  async lastEnding(
    m: EntityManager,
    channelId: string,
    userId: string,
  ): Promise<{ reason: string; endedAt: Date } | null> {
    const [row] = await m.query<{ reason: string; ended_at: Date }[]>(
      `SELECT reason, ended_at FROM channel_former_members WHERE channel_id = $1 AND user_id = $2
        ORDER BY ended_at DESC LIMIT 1`,
      [channelId, userId],
    );
    return row ? { reason: row.reason, endedAt: row.ended_at } : null;
  }

  /** Makes an existing member the channel's chair (a family's new lead worker); false when they are not a member. */
  async makeChair(m: EntityManager, channelId: string, userId: string): Promise<boolean> {
    const updated = await m.getRepository(ChannelMember).update({ channelId, userId }, { role: 'chair' });
    return !!updated.affected;
  }

  /** The channels a user is a member of (the socket's rooms, rotation on a device change). */
  /** Every channel a user has a membership row in (ended or not: rotations cover them all). */
  async channelIdsOf(m: EntityManager, userId: string): Promise<string[]> {
    const rows = await m.query<{ channel_id: string }[]>('SELECT channel_id FROM channel_members WHERE user_id = $1', [
      userId,
    ]);
    return rows.map((r) => r.channel_id);
  }

  /** The channels a user is a member of now (an observer whose time has ended is not), with any end of that membership. */
  async liveMembershipsOf(
    m: EntityManager,
    userId: string,
    now: Date,
  ): Promise<{ channelId: string; endsAt: Date | null }[]> {
    const rows = await m.query<{ channel_id: string; ends_at: Date | null }[]>(
      'SELECT channel_id, ends_at FROM channel_members WHERE user_id = $1 AND (ends_at IS NULL OR ends_at > $2)',
      [userId, now],
    );
    return rows.map((r) => ({ channelId: r.channel_id, endsAt: r.ends_at }));
  }

  /** When the next time-limited membership ends (the earliest end date still held), or null. */
  async nextMembershipEnd(m: EntityManager): Promise<Date | null> {
    const [row] = await m.query<{ next: Date | null }[]>(
      'SELECT min(ends_at) AS next FROM channel_members WHERE ends_at IS NOT NULL',
    );
    return row?.next ?? null;
  }

  /** Brings a time-limited membership's end forward to `at` (never later); false when there is none to end. */
  async endMembershipAt(m: EntityManager, channelId: string, userId: string, at: Date): Promise<boolean> {
    const rows = await returningRows(
      m,
      `UPDATE channel_members SET ends_at = $3
        WHERE channel_id = $1 AND user_id = $2 AND ends_at IS NOT NULL AND ends_at > $3 RETURNING user_id`,
      [channelId, userId, at],
    );
    return rows.length > 0;
  }

  /** Ends every membership whose end date has come (recorded as former members); what ended (each row once). */
  deleteEndedMemberships(
    m: EntityManager,
    now: Date,
  ): Promise<{ channel_id: string; user_id: string; role: string }[]> {
    return this.endMemberships(m, 'ends_at IS NOT NULL AND ends_at <= $2', ['membership_ended', now]);
  }

  /**
   * Moves a member's read position forward to `seq`. False when it is already there or beyond (positions
   * never go back; a need-to-know window that starts later counts as read) or there is no such member.
   */
  async advanceReadSeq(m: EntityManager, channelId: string, userId: string, seq: number): Promise<boolean> {
    const rows = await returningRows(
      m,
      `UPDATE channel_members SET read_seq = $3
        WHERE channel_id = $1 AND user_id = $2 AND GREATEST(read_seq, visible_from_seq) < $3
       RETURNING read_seq`,
      [channelId, userId, seq],
    );
    return rows.length > 0;
  }

  /** A history share lets these members fetch messages from `seq` + 1 on (never raises the limit). */
  async lowerVisibleFrom(m: EntityManager, channelId: string, userIds: string[], seq: number): Promise<void> {
    await m.query(
      `UPDATE channel_members SET visible_from_seq = LEAST(visible_from_seq, $3)
        WHERE channel_id = $1 AND user_id = ANY($2::uuid[])`,
      [channelId, userIds, seq],
    );
  }

  // ── channel_epochs ──

  async epochExists(m: EntityManager, channelId: string, epoch: number): Promise<boolean> {
    const [row] = await m.query<unknown[]>('SELECT 1 FROM channel_epochs WHERE channel_id = $1 AND epoch = $2', [
      channelId,
      epoch,
    ]);
    return !!row;
  }

  async insertEpoch(
    m: EntityManager,
    epoch: Omit<ChannelEpoch, 'signature' | 'commitment'> & { signature: string; commitment: string },
  ): Promise<void> {
    await m.getRepository(ChannelEpoch).insert({
      ...epoch,
      signature: Buffer.from(epoch.signature, 'base64url'),
      commitment: Buffer.from(epoch.commitment, 'base64url'),
    });
  }

  /** The first sequence number of an epoch the channel has. */
  async epochFirstSeq(m: EntityManager, channelId: string, epoch: number): Promise<number> {
    const [first] = await m.query<{ first_seq: string }[]>(
      'SELECT first_seq FROM channel_epochs WHERE channel_id = $1 AND epoch = $2',
      [channelId, epoch],
    );
    return Number(first.first_seq);
  }

  // ── key_envelopes ──

  /** The envelopes of a newly opened epoch (not shared by anyone: they came with the epoch). */
  async insertEnvelopes(m: EntityManager, channelId: string, envelopes: EnvelopeInput[]): Promise<void> {
    await m.getRepository(KeyEnvelope).insert(
      envelopes.map((e) => ({
        channelId,
        epoch: e.epoch,
        deviceId: e.deviceId,
        sealed: Buffer.from(e.sealed, 'base64url'),
        sharedByDeviceId: null,
      })),
    );
  }

  /** Envelopes of older epochs shared by `fromDeviceId`; one the device already holds is kept. How many were new. */
  async insertSharedEnvelopes(
    m: EntityManager,
    channelId: string,
    fromDeviceId: string,
    envelopes: EnvelopeInput[],
  ): Promise<number> {
    const inserted = await m
      .createQueryBuilder()
      .insert()
      .into(KeyEnvelope)
      .values(
        envelopes.map((e) => ({
          channelId,
          epoch: e.epoch,
          deviceId: e.deviceId,
          sealed: Buffer.from(e.sealed, 'base64url'),
          sharedByDeviceId: fromDeviceId,
        })),
      )
      .orIgnore()
      .execute();
    return inserted.identifiers.length;
  }

  /** The epochs whose key `deviceId` holds in this channel. */
  async heldEpochs(m: EntityManager, channelId: string, deviceId: string): Promise<Set<number>> {
    const rows = await m.query<{ epoch: number }[]>(
      'SELECT epoch FROM key_envelopes WHERE channel_id = $1 AND device_id = $2',
      [channelId, deviceId],
    );
    return new Set(rows.map((r) => r.epoch));
  }

  /** The envelopes sealed to one device from `fromEpoch` on, each with its epoch's signed announcement. */
  async keysForDevice(
    m: EntityManager,
    channelId: string,
    deviceId: string,
    fromEpoch: number,
  ): Promise<EpochKeyView[]> {
    const rows = await m.query<EpochKeyRow[]>(
      `SELECT k.epoch, k.sealed, k.shared_by_device_id, e.opener_device_id, e.recipient_device_ids,
              e.withheld_device_ids, e.commitment, e.signature,
              e.opened_at, e.first_seq
         FROM key_envelopes k JOIN channel_epochs e ON e.channel_id = k.channel_id AND e.epoch = k.epoch
        WHERE k.channel_id = $1 AND k.device_id = $2 AND k.epoch >= $3
        ORDER BY k.epoch`,
      [channelId, deviceId, fromEpoch],
    );
    return rows.map(toEpochKeyView);
  }

  /** The highest sequence number given out in a channel. */
  async lastSeq(m: EntityManager, channelId: string): Promise<number> {
    return Number((await this.get(m, channelId)).lastSeq);
  }
}
