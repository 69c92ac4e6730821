import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AttachmentState } from '../../contracts/attachments.js';
import type { ChannelKind } from '../../contracts/channels.js';
import type { HoldScope, RecordClass } from '../../contracts/retention.js';
import { returningRows } from '../common/sql.js';

export interface ExpiredMessageRow {
  channelId: string;
  seq: number;
  epoch: number;
  createdAt: Date;
}

export interface ClaimedAttachmentRow {
  id: string;
  channelId: string;
  state: AttachmentState;
  createdAt: Date;
}

/**
 * The SQL test "a hold in force covers this record": its channel is held, or the family whose channel it
 * is, or the agency of the person who wrote it, or its whole record class. `x` is the record's alias,
 * `author` the column naming who wrote it, `cls` the record class.
 */
const held = (author: string, cls: string) => `EXISTS (
  SELECT 1 FROM legal_holds h
   WHERE h.released_at IS NULL AND (
         (h.scope = 'channel' AND h.scope_id = x.channel_id)
      OR (h.scope = 'family' AND EXISTS (SELECT 1 FROM families f WHERE f.id = h.scope_id AND f.channel_id = x.channel_id))
      OR (h.scope = 'agency' AND EXISTS (SELECT 1 FROM users u WHERE u.id = x.${author} AND u.agency_id = h.scope_id))
      OR (h.scope = 'class' AND h.record_class = '${cls}')))`;

/**
 * Expiry that respects legal holds: a named cross-module statement (docs/ARCHITECTURE.md, data access),
 * because whether a message or file is held depends on the retention module's holds, the families
 * module's family channels and the identity module's agencies. Rows are claimed with FOR UPDATE SKIP
 * LOCKED, so several instances share the work; a held record is never claimed, so never removed.
 */
@Injectable()
export class HeldExpiryReadModel {
  /**
   * Channels with messages past their expiry that no hold covers, those with the longest-expired first:
   * found among the `scan` oldest such messages (so the query reads a bounded stretch of the expiry
   * index, however many have expired), at most `limit` channels.
   */
  async channelsWithExpired(m: EntityManager, now: Date, scan: number, limit: number): Promise<string[]> {
    const rows = await m.query<{ channel_id: string }[]>(
      // Across every channel by design (docs/capacity.md: on a database sharded by channel, each shard runs it).
      `/* every channel: message expiry */
       SELECT e.channel_id FROM (
         SELECT x.channel_id, x.expires_at FROM messages x WHERE x.expires_at <= $1 AND NOT ${held('sender_user_id', 'messages')}
          ORDER BY x.expires_at LIMIT $2) e
        GROUP BY e.channel_id ORDER BY min(e.expires_at) LIMIT $3`,
      [now, scan, limit],
    );
    return rows.map((r) => r.channel_id);
  }

  /**
   * Deletes up to `limit` of one channel's messages past their expiry that no hold covers, oldest first;
   * returns what went. Rows another transaction is deleting are skipped (two instances share the work).
   */
  async deleteExpiredMessages(
    m: EntityManager,
    channelId: string,
    now: Date,
    limit: number,
  ): Promise<ExpiredMessageRow[]> {
    const rows = await returningRows<{ channel_id: string; seq: string; epoch: number; created_at: Date }>(
      m,
      // The rows are chosen once, in a materialised CTE: as `id IN (SELECT … LIMIT … SKIP LOCKED)` the
      // planner may run the subquery again and delete more than the limit (seen: 4 of a batch of 3).
      `WITH doomed AS MATERIALIZED (
         SELECT x.id FROM messages x
          WHERE x.channel_id = $1 AND x.expires_at <= $2 AND NOT ${held('sender_user_id', 'messages')}
          ORDER BY x.seq LIMIT $3 FOR UPDATE SKIP LOCKED)
       DELETE FROM messages WHERE channel_id = $1 AND id IN (SELECT id FROM doomed)
       RETURNING channel_id, seq, epoch, created_at`,
      [channelId, now, limit],
    );
    return rows.map((r) => ({ channelId: r.channel_id, seq: Number(r.seq), epoch: r.epoch, createdAt: r.created_at }));
  }

  /**
   * Claims files past their expiry that no hold covers, and uploads never completed within the upload
   * window (not records yet: a hold does not keep them).
   */
  async claimExpiredAttachments(
    m: EntityManager,
    now: Date,
    uploadCutoff: Date,
    limit: number,
  ): Promise<ClaimedAttachmentRow[]> {
    const rows = await m.query<{ id: string; channel_id: string; state: AttachmentState; created_at: Date }[]>(
      `SELECT x.id, x.channel_id, x.state, x.created_at FROM attachments x
        WHERE (x.expires_at <= $1 AND NOT ${held('uploader_user_id', 'attachments')})
           OR (x.state = 'uploading' AND x.created_at <= $2)
        ORDER BY x.created_at LIMIT $3 FOR UPDATE OF x SKIP LOCKED`,
      [now, uploadCutoff, limit],
    );
    return rows.map((r) => ({ id: r.id, channelId: r.channel_id, state: r.state, createdAt: r.created_at }));
  }

  /**
   * Holds in force that cover records in a channel: on it, on the family whose channel it is, on a whole
   * class, or on the agency of one of its current members (what they write there is kept).
   */
  async holdsCoveringChannel(
    m: EntityManager,
    channelId: string,
  ): Promise<{ id: string; scope: HoldScope; recordClass: RecordClass | null; placedAt: Date }[]> {
    const rows = await m.query<{ id: string; scope: HoldScope; record_class: RecordClass | null; placed_at: Date }[]>(
      `SELECT h.id, h.scope, h.record_class, h.placed_at FROM legal_holds h
        WHERE h.released_at IS NULL AND (
              (h.scope = 'channel' AND h.scope_id = $1)
           OR (h.scope = 'family' AND EXISTS (SELECT 1 FROM families f WHERE f.id = h.scope_id AND f.channel_id = $1))
           OR (h.scope = 'agency' AND EXISTS (
                 SELECT 1 FROM channel_members cm JOIN users u ON u.id = cm.user_id
                  WHERE cm.channel_id = $1 AND u.agency_id = h.scope_id))
           OR h.scope = 'class')
        ORDER BY h.placed_at, h.id`,
      [channelId],
    );
    return rows.map((r) => ({ id: r.id, scope: r.scope, recordClass: r.record_class, placedAt: r.placed_at }));
  }

  /** The family a hold names, by id or reference, if it exists. */
  async familyId(m: EntityManager, idOrRef: string): Promise<string | null> {
    const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(idOrRef);
    const [row] = await m.query<{ id: string }[]>(
      isUuid ? 'SELECT id FROM families WHERE id = $1' : 'SELECT id FROM families WHERE upper(ref) = upper($1)',
      [idOrRef],
    );
    return row?.id ?? null;
  }

  /** The kind of a channel (the chat class of its messages and files); null when it is gone. */
  async channelKind(m: EntityManager, id: string): Promise<ChannelKind | null> {
    const [row] = await m.query<{ kind: ChannelKind }[]>('SELECT kind FROM channels WHERE id = $1', [id]);
    return row?.kind ?? null;
  }

  async channelExists(m: EntityManager, id: string): Promise<boolean> {
    return (await m.query<unknown[]>('SELECT 1 FROM channels WHERE id = $1', [id])).length > 0;
  }

  async agencyExists(m: EntityManager, id: string): Promise<boolean> {
    return (await m.query<unknown[]>('SELECT 1 FROM agencies WHERE id = $1', [id])).length > 0;
  }
}
