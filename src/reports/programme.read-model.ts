import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** One count: a quarter (`2026-Q3`), a group (an agency) and a category within the measure. */
export interface CountRow {
  quarter: string;
  agencyId: string;
  category: string;
  count: number;
}

/** The calendar quarter (UTC) of a timestamp column, as `YYYY-Qn`. */
const quarterOf = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-"Q"Q')`;

/**
 * The programme report's counts (ISA 2.2): a named cross-module read model (docs/ARCHITECTURE.md, data access),
 * because evaluation counts families, referrals and actions (with their status history) by quarter and agency
 * in one pass each, and wants sums, not rows. It counts only metadata the server enforces rules with (when a
 * family record was opened and by which agency, a referral's decision code, an action's due day and when it
 * was marked done); never content, which the server cannot read. `agencyId` narrows to one agency.
 */
@Injectable()
export class ProgrammeReadModel {
  /** Family records opened in [from, to), by the agency that owns them. */
  async familiesOpened(m: EntityManager, from: Date, to: Date, agencyId: string | null): Promise<CountRow[]> {
    return this.counts(
      m,
      `SELECT ${quarterOf('created_at')} AS quarter, owning_agency_id AS agency_id, 'opened' AS category,
              count(*)::int AS count
         FROM families WHERE created_at >= $1 AND created_at < $2 AND ($3::uuid IS NULL OR owning_agency_id = $3)
        GROUP BY 1, 2, 3`,
      [from, to, agencyId],
    );
  }

  /** Referrals decided in [from, to), by decision and the referrer's agency. */
  async referralsDecided(m: EntityManager, from: Date, to: Date, agencyId: string | null): Promise<CountRow[]> {
    return this.counts(
      m,
      `SELECT ${quarterOf('decided_at')} AS quarter, referrer_agency_id AS agency_id, decision AS category,
              count(*)::int AS count
         FROM referrals
        WHERE decision IS NOT NULL AND decided_at >= $1 AND decided_at < $2
          AND ($3::uuid IS NULL OR referrer_agency_id = $3)
        GROUP BY 1, 2, 3`,
      [from, to, agencyId],
    );
  }

  /**
   * Actions marked done in [from, to), by the owning agency: `on_time` when marked done (UTC day) on or before
   * the due day, else `late`. When it was done is the last change of status to done in its history.
   */
  async actionsCompleted(m: EntityManager, from: Date, to: Date, agencyId: string | null): Promise<CountRow[]> {
    return this.counts(
      m,
      `WITH done AS (
         SELECT a.owner_agency_id, a.due_on,
                coalesce((SELECT max(u.created_at) FROM action_updates u
                           WHERE u.action_id = a.id AND u.kind = 'status' AND u.status_to = 'done'), a.updated_at) AS done_at
           FROM actions a WHERE a.status = 'done' AND ($3::uuid IS NULL OR a.owner_agency_id = $3))
       SELECT ${quarterOf('done_at')} AS quarter, owner_agency_id AS agency_id,
              CASE WHEN (done_at AT TIME ZONE 'UTC')::date <= due_on THEN 'on_time' ELSE 'late' END AS category,
              count(*)::int AS count
         FROM done WHERE done_at >= $1 AND done_at < $2
        GROUP BY 1, 2, 3`,
      [from, to, agencyId],
    );
  }

  private async counts(m: EntityManager, sql: string, params: unknown[]): Promise<CountRow[]> {
    const rows = await m.query<{ quarter: string; agency_id: string; category: string; count: number }[]>(sql, params);
    return rows.map((r) => ({ quarter: r.quarter, agencyId: r.agency_id, category: r.category, count: r.count }));
  }
}
