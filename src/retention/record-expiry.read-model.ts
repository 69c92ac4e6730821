import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/**
 * The kinds of dated record the record-expiry job deletes (retention_dates rows), in the order it takes them.
 * Information requests first: a referral waits for the requests about it, and can then go in the same run.
 */
export const EXPIRING_KINDS = [
  'information_requests',
  'referrals',
  'minutes',
  'actions',
  'family_plans',
  'consent_records',
  'sharing_decisions',
] as const;
export type ExpiringKind = (typeof EXPIRING_KINDS)[number];

/** The record class (of schedules, holds and disposal records) a kind belongs to. */
export type ExpiringClass = Exclude<ExpiringKind, 'sharing_decisions'>;
export const classOfKind = (kind: ExpiringKind): ExpiringClass =>
  kind === 'sharing_decisions' ? 'consent_records' : kind;

/** One record deleted: its id, the channel its sealed parts were under, when it was made, and how many parts went. */
export interface ExpiredRecord {
  id: string;
  channelId: string;
  createdAt: Date;
  /** Rows that went with it, by table; `…_kept` counts rows that stay, only their link to it cleared. */
  parts: Record<string, number>;
}

interface KindSql {
  /** The record's own table; `x` is its alias. */
  table: string;
  /** Joins from `x` that the expressions below need (aliases `xf`, `xm`). */
  joins?: string;
  /** The channel the record's sealed fields are under. */
  channel: string;
  /** When the record is over (closed, finished, replaced), and nothing still names it. */
  over: string;
  /** A hold on a family covers this record (`h` is the hold). */
  family: string;
  /** Besides its owning agency's, the agencies whose hold covers this record: those it is shared with or asks. */
  agencies?: string;
  /** Counts of the rows that go (or stay) with it. */
  parts: { name: string; sql: string }[];
  /** Deletes, before the records themselves, rows that go with them but are not theirs by foreign key ($1: ids). */
  alsoDelete?: string;
}

const FAMILY_CHANNEL = 'EXISTS (SELECT 1 FROM families f WHERE f.id = h.scope_id AND f.channel_id = x.channel_id)';
const count = (table: string, where: string) => `SELECT count(*) FROM ${table} p WHERE ${where}`;

/**
 * Progress reports on a family's plan made while version `x` was the current one: before the next version
 * still kept, and after `x` was saved (the oldest version kept: any time before the next).
 */
const WHILE_CURRENT = `p.family_id = x.family_id
  AND p.created_at < (SELECT min(n.created_at) FROM family_plan_versions n WHERE n.family_id = x.family_id AND n.version > x.version)
  AND (p.created_at >= x.created_at
       OR NOT EXISTS (SELECT 1 FROM family_plan_versions o WHERE o.family_id = x.family_id AND o.version < x.version))`;

const KINDS: Record<ExpiringKind, KindSql> = {
  minutes: {
    table: 'meetings',
    channel: 'x.channel_id',
    over: "x.status = 'closed'",
    family: FAMILY_CHANNEL,
    parts: [
      { name: 'minutes_versions', sql: count('minutes_versions', 'p.meeting_id = x.id') },
      { name: 'minutes_amendments', sql: count('minutes_amendments', 'p.meeting_id = x.id') },
      { name: 'meeting_entries', sql: count('meeting_entries', 'p.meeting_id = x.id') },
      { name: 'meeting_invitations', sql: count('meeting_invitations', 'p.meeting_id = x.id') },
      { name: 'meeting_family_attendance', sql: count('meeting_family_attendance', 'p.meeting_id = x.id') },
      // Kept: actions are their own class; their meeting link is cleared (ON DELETE SET NULL).
      { name: 'actions_kept', sql: count('actions', 'p.meeting_id = x.id') },
    ],
  },
  referrals: {
    table: 'referrals',
    channel: 'x.channel_id',
    // An information request about the referral names it: the referral waits until that request has gone.
    over: `x.state = 'closed' AND NOT EXISTS (
             SELECT 1 FROM information_requests ir WHERE ir.subject_kind = 'referral' AND ir.subject_id = x.id)`,
    family: `(x.family_id = h.scope_id OR ${FAMILY_CHANNEL})`,
    agencies: 'EXISTS (SELECT 1 FROM referral_shares s WHERE s.referral_id = x.id AND s.agency_id = h.scope_id)',
    // Its sharing decisions are part of the referral's record and go with it (ON DELETE CASCADE): nobody
    // could read them once the referral they are about has gone. The audit log keeps that they were made.
    parts: [
      { name: 'referral_subjects', sql: count('referral_subjects', 'p.referral_id = x.id') },
      { name: 'referral_ratings', sql: count('referral_ratings', 'p.referral_id = x.id') },
      { name: 'referral_shares', sql: count('referral_shares', 'p.referral_id = x.id') },
      { name: 'referral_events', sql: count('referral_events', 'p.referral_id = x.id') },
      { name: 'sharing_decisions', sql: count('sharing_decisions', 'p.referral_id = x.id') },
    ],
  },
  information_requests: {
    table: 'information_requests',
    channel: 'x.channel_id',
    over: "x.state IN ('closed', 'withdrawn')",
    family: `((x.subject_kind = 'family' AND x.subject_id = h.scope_id) OR ${FAMILY_CHANNEL})`,
    agencies: 'h.scope_id = x.to_agency_id',
    // Its sharing decisions are consent records, kept: their link to the request is cleared (ON DELETE SET NULL).
    parts: [{ name: 'sharing_decisions_kept', sql: count('sharing_decisions', 'p.information_request_id = x.id') }],
  },
  actions: {
    table: 'actions',
    channel: 'x.channel_id',
    // Done or cancelled; reopened, its date is cleared (ActionsService) and it is not over.
    over: "x.status IN ('done', 'cancelled')",
    family: FAMILY_CHANNEL,
    agencies: 'h.scope_id = x.owner_agency_id',
    parts: [{ name: 'action_updates', sql: count('action_updates', 'p.action_id = x.id') }],
  },
  family_plans: {
    table: 'family_plan_versions',
    joins: 'JOIN families xf ON xf.id = x.family_id',
    channel: 'xf.channel_id',
    // Replaced by a newer version: the current plan is never over while the family is recorded.
    over: 'EXISTS (SELECT 1 FROM family_plan_versions n WHERE n.family_id = x.family_id AND n.version > x.version)',
    family: 'x.family_id = h.scope_id',
    // Reviews of the version go with it (a foreign key, ON DELETE CASCADE); counted here for the evidence.
    parts: [
      { name: 'family_plan_progress', sql: count('family_plan_progress', WHILE_CURRENT) },
      {
        name: 'family_plan_reviews',
        sql: count('family_plan_reviews', 'p.family_id = x.family_id AND p.plan_version = x.version'),
      },
    ],
    alsoDelete: `DELETE FROM family_plan_progress p USING family_plan_versions x WHERE x.id = ANY($1) AND ${WHILE_CURRENT}`,
  },
  consent_records: {
    table: 'consent_records',
    joins: 'JOIN family_members xm ON xm.id = x.member_id JOIN families xf ON xf.id = xm.family_id',
    channel: 'xf.channel_id',
    // Superseded: a member's latest decision of each kind is what sharing rests on now, however old it is.
    over: 'EXISTS (SELECT 1 FROM consent_records n WHERE n.member_id = x.member_id AND n.kind = x.kind AND n.seq > x.seq)',
    family: 'xm.family_id = h.scope_id',
    agencies: 'h.scope_id = ANY (x.share_agency_ids)',
    parts: [],
  },
  // A family's sharing decisions (a referral's go with the referral, and are never dated on their own).
  sharing_decisions: {
    table: 'sharing_decisions',
    joins: 'JOIN families xf ON xf.id = x.family_id',
    channel: 'xf.channel_id',
    over: 'TRUE',
    family: 'x.family_id = h.scope_id',
    agencies: 'h.scope_id = x.agency_id',
    parts: [],
  },
};

/** "A hold in force covers this record": on its channel, its family, an agency it concerns, or its class. */
const held = (k: KindSql, cls: ExpiringClass) => `EXISTS (
  SELECT 1 FROM legal_holds h
   WHERE h.released_at IS NULL AND (
         (h.scope = 'channel' AND h.scope_id = ${k.channel})
      OR (h.scope = 'family' AND ${k.family})
      OR (h.scope = 'agency' AND (h.scope_id = d.agency_id${k.agencies ? ` OR ${k.agencies}` : ''}))
      OR (h.scope = 'class' AND h.record_class = '${cls}')))`;

/**
 * Expiry of dated records: a named cross-module statement (docs/ARCHITECTURE.md, data access), because
 * whether a record is due depends on the retention schedules module's dates, the retention module's holds,
 * the families module's family channels and the record's own module. Due rows are claimed with FOR UPDATE
 * SKIP LOCKED (the date and the record both), so several instances share the work and each record is deleted
 * once; a held or still live record is never claimed.
 */
@Injectable()
export class RecordExpiryReadModel {
  /**
   * Deletes up to `limit` records of a kind whose kept-until date has passed, that are over and that no
   * hold covers, with everything that belongs only to them (their tables' ON DELETE CASCADE, and
   * `alsoDelete`) and their retention date; returns what went, with how many parts each had.
   */
  async deleteExpired(m: EntityManager, kind: ExpiringKind, now: Date, limit: number): Promise<ExpiredRecord[]> {
    const k = KINDS[kind];
    const cls = classOfKind(kind);
    const counts = k.parts.map((p) => `, (${p.sql})::int AS ${p.name}`).join('');
    const rows = await m.query<({ id: string; channel_id: string; created_at: Date } & Record<string, number>)[]>(
      `SELECT x.id, ${k.channel} AS channel_id, d.created_at${counts}
         FROM retention_dates d JOIN ${k.table} x ON x.id = d.record_id ${k.joins ?? ''}
        WHERE d.record_class = $1 AND d.kept_until <= $2 AND ${k.over} AND NOT ${held(k, cls)}
        ORDER BY d.kept_until, d.record_id LIMIT $3 FOR UPDATE OF d, x SKIP LOCKED`,
      [cls, now, limit],
    );
    if (!rows.length) return [];
    const ids = rows.map((r) => r.id);
    if (k.alsoDelete) await m.query(k.alsoDelete, [ids]);
    await m.query(`DELETE FROM ${k.table} WHERE id = ANY($1)`, [ids]);
    await m.query('DELETE FROM retention_dates WHERE record_class = $1 AND record_id = ANY($2)', [cls, ids]);
    return rows.map((r) => ({
      id: r.id,
      channelId: r.channel_id,
      createdAt: r.created_at,
      parts: Object.fromEntries(k.parts.map((p) => [p.name, Number(r[p.name])])),
    }));
  }
}
