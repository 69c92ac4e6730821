import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** One count: a quarter (`2026-Q3`), a group (a locality; null for none recorded) and a category within the measure. */
export interface CountRow {
  quarter: string;
  localityId: string | null;
  category: string;
  count: number;
}

/** The calendar quarter (UTC) of a timestamp column, as `YYYY-Qn`. */
const quarterOf = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-"Q"Q')`;

/**
 * The programme report's counts (ISA 2.2): a named cross-module read model (docs/ARCHITECTURE.md, data access),
 * because evaluation counts families, referrals and actions (with their status history) by quarter and locality
 * in one pass each, and wants sums, not rows. It counts only metadata the server enforces rules with or is told
 * as plain metadata (when a family record was opened, by which agency and in which locality, a referral's
 * decision code and the family it opened, an action's channel, due day and when it was marked done, the outcome a
 * plan review recorded in clear); never
 * content, which the server cannot read. A referral or action tied to no family, or to a family with no
 * locality, counts under no locality. `agencyId` narrows to one agency's records.
 */
@Injectable()
export class ProgrammeReadModel {
  /** Family records opened in [from, to), by locality; narrowed to the agency that owns them. */
  async familiesOpened(m: EntityManager, from: Date, to: Date, agencyId: string | null): Promise<CountRow[]> {
    return this.counts(
      m,
      `SELECT ${quarterOf('created_at')} AS quarter, locality_id, 'opened' AS category, count(*)::int AS count
         FROM families WHERE created_at >= $1 AND created_at < $2 AND ($3::uuid IS NULL OR owning_agency_id = $3)
        GROUP BY 1, 2, 3`,
      [from, to, agencyId],
    );
  }

  /**
   * Referrals decided in [from, to), by decision and the locality of the family the decision opened (if any);
   * narrowed to the referrer's agency.
   */
  async referralsDecided(m: EntityManager, from: Date, to: Date, agencyId: string | null): Promise<CountRow[]> {
    return this.counts(
      m,
      `SELECT ${quarterOf('r.decided_at')} AS quarter, f.locality_id, r.decision AS category, count(*)::int AS count
         FROM referrals r LEFT JOIN families f ON f.id = r.family_id
        WHERE r.decision IS NOT NULL AND r.decided_at >= $1 AND r.decided_at < $2
          AND ($3::uuid IS NULL OR r.referrer_agency_id = $3)
        GROUP BY 1, 2, 3`,
      [from, to, agencyId],
    );
  }

  /**
   * Actions marked done in [from, to), by the locality of the family whose channel they are in (if any):
   * `on_time` when marked done (UTC day) on or before the due day, else `late`; narrowed to the owner's agency.
   * When it was done is the last change of status to done in its history.
   */
  async actionsCompleted(m: EntityManager, from: Date, to: Date, agencyId: string | null): Promise<CountRow[]> {
    return this.counts(
      m,
      `WITH done AS (
         SELECT f.locality_id, a.due_on,
                coalesce((SELECT max(u.created_at) FROM action_updates u
                           WHERE u.action_id = a.id AND u.kind = 'status' AND u.status_to = 'done'), a.updated_at) AS done_at
           FROM actions a LEFT JOIN families f ON f.channel_id = a.channel_id
          WHERE a.status = 'done' AND ($3::uuid IS NULL OR a.owner_agency_id = $3))
       SELECT ${quarterOf('done_at')} AS quarter, locality_id,
              CASE WHEN (done_at AT TIME ZONE 'UTC')::date <= due_on THEN 'on_time' ELSE 'late' END AS category,
              count(*)::int AS count
         FROM done WHERE done_at >= $1 AND done_at < $2
        GROUP BY 1, 2, 3`,
      [from, to, agencyId],
    );
  }

  /**
   * Families whose plan was reviewed in [from, to) (by the day of the review, UTC), by what their latest review
   * in each quarter found (`met`, `partly_met`, `not_met`) and their locality: one count per family per quarter.
   * The outcome is plain metadata the reviewer records beside the sealed plan; narrowed to the owning agency.
   */
  async planReviews(m: EntityManager, from: Date, to: Date, agencyId: string | null): Promise<CountRow[]> {
    const quarter = `to_char(r.reviewed_on, 'YYYY-"Q"Q')`;
    return this.counts(
      m,
      `WITH latest AS (
         SELECT DISTINCT ON (r.family_id, ${quarter}) r.family_id, ${quarter} AS quarter, r.outcome
           FROM family_plan_reviews r JOIN families f ON f.id = r.family_id
          WHERE (r.reviewed_on::timestamp AT TIME ZONE 'UTC') >= $1 AND (r.reviewed_on::timestamp AT TIME ZONE 'UTC') < $2
            AND ($3::uuid IS NULL OR f.owning_agency_id = $3)
          ORDER BY r.family_id, ${quarter}, r.reviewed_on DESC, r.seq DESC)
       SELECT l.quarter, f.locality_id, l.outcome AS category, count(*)::int AS count
         FROM latest l JOIN families f ON f.id = l.family_id
        GROUP BY 1, 2, 3`,
      [from, to, agencyId],
    );
  }

  private async counts(m: EntityManager, sql: string, params: unknown[]): Promise<CountRow[]> {
    const rows = await m.query<{ quarter: string; locality_id: string | null; category: string; count: number }[]>(
      sql,
      params,
    );
    return rows.map((r) => ({ quarter: r.quarter, localityId: r.locality_id, category: r.category, count: r.count }));
  }
}
