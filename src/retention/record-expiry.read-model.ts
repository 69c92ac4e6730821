import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** The dated classes the record-expiry job deletes (retention_dates rows counted from closure). */
// Information requests first: a referral waits for the requests about it, and can then go in the same run.
export const EXPIRING_CLASSES = ['information_requests', 'referrals', 'minutes'] as const;
export type ExpiringClass = (typeof EXPIRING_CLASSES)[number];

/** One record deleted: its id, the channel its sealed parts were under, when it was made, and how many parts went. */
export interface ExpiredRecord {
  id: string;
  channelId: string;
  createdAt: Date;
  /** Rows that went with it, by table; `actions_kept` counts actions detached from a meeting and kept. */
  parts: Record<string, number>;
}

interface ClassSql {
  /** The record's own table; `x` is its alias. */
  table: string;
  /** When the record is over (closed), and nothing still names it. */
  over: string;
  /** A hold on a family covers this record (`h` is the hold). */
  family: string;
  /** Tables whose rows belong only to the record (deleted with it by their ON DELETE CASCADE). */
  parts: { name: string; sql: string }[];
}

const FAMILY_CHANNEL = 'EXISTS (SELECT 1 FROM families f WHERE f.id = h.scope_id AND f.channel_id = x.channel_id)';

const CLASSES: Record<ExpiringClass, ClassSql> = {
  minutes: {
    table: 'meetings',
    over: "x.status = 'closed'",
    family: FAMILY_CHANNEL,
    parts: [
      { name: 'minutes_versions', sql: 'SELECT count(*) FROM minutes_versions p WHERE p.meeting_id = x.id' },
      { name: 'minutes_amendments', sql: 'SELECT count(*) FROM minutes_amendments p WHERE p.meeting_id = x.id' },
      { name: 'meeting_entries', sql: 'SELECT count(*) FROM meeting_entries p WHERE p.meeting_id = x.id' },
      { name: 'meeting_invitations', sql: 'SELECT count(*) FROM meeting_invitations p WHERE p.meeting_id = x.id' },
      {
        name: 'meeting_family_attendance',
        sql: 'SELECT count(*) FROM meeting_family_attendance p WHERE p.meeting_id = x.id',
      },
      // Kept: actions are their own class; their meeting link is cleared (ON DELETE SET NULL).
      { name: 'actions_kept', sql: 'SELECT count(*) FROM actions p WHERE p.meeting_id = x.id' },
    ],
  },
  referrals: {
    table: 'referrals',
    // An information request about the referral names it: the referral waits until that request has gone.
    over: `x.state = 'closed' AND NOT EXISTS (
             SELECT 1 FROM information_requests ir WHERE ir.subject_kind = 'referral' AND ir.subject_id = x.id)`,
    family: `(x.family_id = h.scope_id OR ${FAMILY_CHANNEL})`,
    parts: [
      { name: 'referral_subjects', sql: 'SELECT count(*) FROM referral_subjects p WHERE p.referral_id = x.id' },
      { name: 'referral_ratings', sql: 'SELECT count(*) FROM referral_ratings p WHERE p.referral_id = x.id' },
      { name: 'referral_shares', sql: 'SELECT count(*) FROM referral_shares p WHERE p.referral_id = x.id' },
      { name: 'referral_events', sql: 'SELECT count(*) FROM referral_events p WHERE p.referral_id = x.id' },
      { name: 'sharing_decisions', sql: 'SELECT count(*) FROM sharing_decisions p WHERE p.referral_id = x.id' },
    ],
  },
  information_requests: {
    table: 'information_requests',
    over: "x.state IN ('closed', 'withdrawn')",
    family: `((x.subject_kind = 'family' AND x.subject_id = h.scope_id) OR ${FAMILY_CHANNEL})`,
    // Its sharing decisions are consent records, kept: their link to the request is cleared (ON DELETE SET NULL).
    parts: [
      {
        name: 'sharing_decisions_kept',
        sql: 'SELECT count(*) FROM sharing_decisions p WHERE p.information_request_id = x.id',
      },
    ],
  },
};

/** "A hold in force covers this record": on its channel, its family, its owning agency, or its whole class. */
const held = (c: ClassSql, cls: ExpiringClass) => `EXISTS (
  SELECT 1 FROM legal_holds h
   WHERE h.released_at IS NULL AND (
         (h.scope = 'channel' AND h.scope_id = x.channel_id)
      OR (h.scope = 'family' AND ${c.family})
      OR (h.scope = 'agency' AND h.scope_id = d.agency_id)
      OR (h.scope = 'class' AND h.record_class = '${cls}')))`;

/**
 * Expiry of dated records: a named cross-module statement (docs/ARCHITECTURE.md, data access), because
 * whether a meeting, referral or information request is due depends on the retention schedules module's
 * dates, the retention module's holds, the families module's family channels and the record's own module.
 * Due rows are claimed with FOR UPDATE SKIP LOCKED (the date and the record both), so several instances
 * share the work and each record is deleted once; a held or still open record is never claimed.
 */
@Injectable()
export class RecordExpiryReadModel {
  /**
   * Deletes up to `limit` records of a class whose kept-until date has passed, that are over and that no
   * hold covers, with everything that belongs only to them (their tables' ON DELETE CASCADE) and their
   * retention date; returns what went, with how many parts each had.
   */
  async deleteExpired(m: EntityManager, cls: ExpiringClass, now: Date, limit: number): Promise<ExpiredRecord[]> {
    const c = CLASSES[cls];
    const counts = c.parts.map((p) => `(${p.sql})::int AS ${p.name}`).join(', ');
    const rows = await m.query<({ id: string; channel_id: string; created_at: Date } & Record<string, number>)[]>(
      `SELECT x.id, x.channel_id, d.created_at, ${counts}
         FROM retention_dates d JOIN ${c.table} x ON x.id = d.record_id
        WHERE d.record_class = $1 AND d.kept_until <= $2 AND ${c.over} AND NOT ${held(c, cls)}
        ORDER BY d.kept_until, d.record_id LIMIT $3 FOR UPDATE OF d, x SKIP LOCKED`,
      [cls, now, limit],
    );
    if (!rows.length) return [];
    const ids = rows.map((r) => r.id);
    await m.query(`DELETE FROM ${c.table} WHERE id = ANY($1)`, [ids]);
    await m.query('DELETE FROM retention_dates WHERE record_class = $1 AND record_id = ANY($2)', [cls, ids]);
    return rows.map((r) => ({
      id: r.id,
      channelId: r.channel_id,
      createdAt: r.created_at,
      parts: Object.fromEntries(c.parts.map((p) => [p.name, Number(r[p.name])])),
    }));
  }
}
