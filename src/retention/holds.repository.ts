import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { DisposalView, HoldScope, HoldView, RecordClass } from '../../contracts/retention.js';
import type { ChannelKind } from '../../contracts/channels.js';
import { returningRows } from '../common/sql.js';

interface HoldRow {
  id: string;
  scope: HoldScope;
  scope_id: string | null;
  record_class: RecordClass | null;
  reason: string;
  placed_by: string;
  placed_at: Date;
  released_at: Date | null;
  released_by: string | null;
  release_reason: string | null;
}

const toHold = (r: HoldRow): HoldView => ({
  id: r.id,
  scope: r.scope,
  scopeId: r.scope_id,
  recordClass: r.record_class,
  reason: r.reason,
  placedBy: r.placed_by,
  placedAt: r.placed_at.toISOString(),
  releasedAt: r.released_at?.toISOString() ?? null,
  releasedBy: r.released_by,
  releaseReason: r.release_reason,
});

const HOLD_COLUMNS =
  'id, scope, scope_id, record_class, reason, placed_by, placed_at, released_at, released_by, release_reason';

/** The legal_holds table. */
@Injectable()
export class HoldsRepository {
  /** Stores a hold; null when its id is taken (by a retry of the same hold, or not). */
  async insert(
    m: EntityManager,
    h: {
      id: string;
      scope: HoldScope;
      scopeId: string | null;
      recordClass: RecordClass | null;
      reason: string;
      placedBy: string;
      at: Date;
    },
  ): Promise<HoldView | null> {
    const [row] = await returningRows<HoldRow>(
      m,
      `INSERT INTO legal_holds (id, scope, scope_id, record_class, reason, placed_by, placed_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING RETURNING ${HOLD_COLUMNS}`,
      [h.id, h.scope, h.scopeId, h.recordClass, h.reason, h.placedBy, h.at],
    );
    return row ? toHold(row) : null;
  }

  /** Releases a hold in force; null when there is none by that id, or it was released already. */
  async release(m: EntityManager, id: string, by: string, reason: string, at: Date): Promise<HoldView | null> {
    const [row] = await returningRows<HoldRow>(
      m,
      `UPDATE legal_holds SET released_at = $2, released_by = $3, release_reason = $4
        WHERE id = $1 AND released_at IS NULL RETURNING ${HOLD_COLUMNS}`,
      [id, at, by, reason],
    );
    return row ? toHold(row) : null;
  }

  async get(m: EntityManager, id: string): Promise<HoldView | null> {
    const [row] = await m.query<HoldRow[]>(`SELECT ${HOLD_COLUMNS} FROM legal_holds WHERE id = $1`, [id]);
    return row ? toHold(row) : null;
  }

  async list(m: EntityManager, activeOnly: boolean): Promise<HoldView[]> {
    const rows = await m.query<HoldRow[]>(
      `SELECT ${HOLD_COLUMNS} FROM legal_holds WHERE ($1::boolean IS FALSE OR released_at IS NULL)
        ORDER BY placed_at DESC, id`,
      [activeOnly],
    );
    return rows.map(toHold);
  }
}

interface DisposalRow {
  id: string;
  run_at: Date;
  record_class: RecordClass;
  rule: string;
  channel_id: string | null;
  channel_kind: ChannelKind | null;
  count: number;
  oldest_created_at: Date;
  newest_created_at: Date;
}

/** The disposal_records table: evidence of each expiry, never content. */
@Injectable()
export class DisposalsRepository {
  async insert(
    m: EntityManager,
    d: {
      runAt: Date;
      recordClass: RecordClass;
      rule: string;
      channelId: string | null;
      /** For chat and its files: the kind of channel, which is the schedule class they were kept under. */
      channelKind?: ChannelKind | null;
      count: number;
      oldest: Date;
      newest: Date;
    },
  ): Promise<void> {
    await m.query(
      `INSERT INTO disposal_records
         (run_at, record_class, rule, channel_id, channel_kind, count, oldest_created_at, newest_created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [d.runAt, d.recordClass, d.rule, d.channelId, d.channelKind ?? null, d.count, d.oldest, d.newest],
    );
  }

  async list(
    m: EntityManager,
    q: { from?: string; to?: string; recordClass?: RecordClass; limit: number },
  ): Promise<DisposalView[]> {
    const rows = await m.query<DisposalRow[]>(
      `SELECT id, run_at, record_class, rule, channel_id, channel_kind, count, oldest_created_at, newest_created_at
         FROM disposal_records
        WHERE ($1::timestamptz IS NULL OR run_at >= $1) AND ($2::timestamptz IS NULL OR run_at < $2)
          AND ($3::text IS NULL OR record_class = $3)
        ORDER BY run_at, id LIMIT $4`,
      [q.from ?? null, q.to ?? null, q.recordClass ?? null, q.limit],
    );
    return rows.map((r) => ({
      id: r.id,
      runAt: r.run_at.toISOString(),
      recordClass: r.record_class,
      rule: r.rule,
      channelId: r.channel_id,
      channelKind: r.channel_kind,
      count: r.count,
      oldestCreatedAt: r.oldest_created_at.toISOString(),
      newestCreatedAt: r.newest_created_at.toISOString(),
    }));
  }
}
