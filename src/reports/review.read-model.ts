import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { HoldScope, RecordClass } from '../../contracts/retention.js';

export interface DisposalSummaryRow {
  recordClass: RecordClass;
  rule: string;
  runs: number;
  records: number;
  firstRunAt: Date;
  lastRunAt: Date;
}

export interface HoldInForceRow {
  id: string;
  scope: HoldScope;
  scopeId: string | null;
  recordClass: RecordClass | null;
  placedAt: Date;
}

export interface OverdueRow {
  agencyId: string;
  actions: number;
  informationRequests: number;
}

/**
 * The ISA review report's aggregates (clause 11): a named cross-module read model (docs/ARCHITECTURE.md, data
 * access), because the review counts over the retention module's disposal records and holds, the actions
 * module's actions and the information-requests module's requests at once, and wants sums, not rows. It reads
 * only metadata the server enforces rules with: dates, states, agencies and counts.
 */
@Injectable()
export class ReviewReadModel {
  /** Disposal runs in [from, to), by record class and rule. */
  async disposals(m: EntityManager, from: Date, to: Date): Promise<DisposalSummaryRow[]> {
    const rows = await m.query<
      { record_class: RecordClass; rule: string; runs: number; records: number; first: Date; last: Date }[]
    >(
      `SELECT record_class, rule, count(DISTINCT run_at)::int AS runs, sum(count)::int AS records,
              min(run_at) AS first, max(run_at) AS last
         FROM disposal_records WHERE run_at >= $1 AND run_at < $2
        GROUP BY record_class, rule ORDER BY record_class, rule`,
      [from, to],
    );
    return rows.map((r) => ({
      recordClass: r.record_class,
      rule: r.rule,
      runs: r.runs,
      records: r.records,
      firstRunAt: r.first,
      lastRunAt: r.last,
    }));
  }

  /** Legal holds in force now, oldest first. */
  async holdsInForce(m: EntityManager): Promise<HoldInForceRow[]> {
    const rows = await m.query<
      { id: string; scope: HoldScope; scope_id: string | null; record_class: RecordClass | null; placed_at: Date }[]
    >(
      `SELECT id, scope, scope_id, record_class, placed_at FROM legal_holds
        WHERE released_at IS NULL ORDER BY placed_at, id`,
    );
    return rows.map((r) => ({
      id: r.id,
      scope: r.scope,
      scopeId: r.scope_id,
      recordClass: r.record_class,
      placedAt: r.placed_at,
    }));
  }

  /**
   * Per agency, what is overdue at `now`: live actions it owns past their due day (`today`, the same rule as
   * src/actions/action-rules.ts), and unanswered information requests asked of it past their due time.
   */
  async overdue(m: EntityManager, now: Date, today: string): Promise<OverdueRow[]> {
    const rows = await m.query<{ agency_id: string; actions: number; requests: number }[]>(
      `SELECT agency_id, sum(actions)::int AS actions, sum(requests)::int AS requests FROM (
         SELECT owner_agency_id AS agency_id, count(*) AS actions, 0 AS requests FROM actions
          WHERE status IN ('open','in_progress') AND due_on < $2::date GROUP BY owner_agency_id
         UNION ALL
         SELECT to_agency_id, 0, count(*) FROM information_requests
          WHERE state IN ('requested','accepted') AND due_at < $1 GROUP BY to_agency_id
       ) o GROUP BY agency_id`,
      [now, today],
    );
    return rows.map((r) => ({ agencyId: r.agency_id, actions: r.actions, informationRequests: r.requests }));
  }
}
