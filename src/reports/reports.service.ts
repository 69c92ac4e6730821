import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import {
  NO_LOCALITY,
  PROGRAMME_CATEGORIES,
  PROGRAMME_MEASURES,
  SUPPRESSION_THRESHOLD,
  type ProgrammeMeasure,
  type ProgrammeReport,
  type ProgrammeTable,
  type ReportPeriodQuery,
  type ReviewReport,
} from '../../contracts/reports.js';
import { AgenciesService } from '../agencies/agencies.service.js';
import { AuditHeadsService } from '../audit/audit-heads.service.js';
import { AuditService } from '../audit/audit.service.js';
import { Clock } from '../common/clock.js';
import { LocalitiesService } from '../localities/localities.service.js';
import { actorOf, type AuthContext } from '../identity/auth-context.js';
import { ProgrammeReadModel, type CountRow } from './programme.read-model.js';
import { quartersOf, resolvePeriod } from './report-period.js';
import { ReviewReadModel } from './review.read-model.js';
import { suppressTable } from './suppression.js';

/**
 * The ISA review report (clause 11) and the programme report (clause 2.2). Each is built from metadata only,
 * and producing one is audited with its period (ids and dates, never the figures).
 */
@Injectable()
export class ReportsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly auditHeads: AuditHeadsService,
    private readonly agencies: AgenciesService,
    private readonly review: ReviewReadModel,
    private readonly programme: ProgrammeReadModel,
    private readonly localities: LocalitiesService,
  ) {}

  async reviewReport(auth: AuthContext, q: ReportPeriodQuery): Promise<ReviewReport> {
    const now = this.clock.now();
    const { from, to } = resolvePeriod(q, now);
    const m = this.db.manager;
    const [agreement, agencies, disposals, holds, overdue, verification, heads] = await Promise.all([
      this.agencies.currentAgreementView(),
      this.agencies.list(),
      this.review.disposals(m, from, to),
      this.review.holdsInForce(m),
      this.review.overdue(m, now, now.toISOString().slice(0, 10)),
      this.audit.verify(),
      this.auditHeads.list({ limit: 1 }),
    ]);
    const names = new Map(agencies.map((a) => [a.id, a.name]));
    const period = { from: from.toISOString(), to: to.toISOString() };
    const report: ReviewReport = {
      period,
      generatedAt: now.toISOString(),
      agreement,
      agencies: agencies.map((a) => ({
        id: a.id,
        name: a.name,
        status: a.status,
        signedVersion: a.signedVersion,
        signedOn: a.signedOn,
        resignatureDue: a.resignatureDue,
      })),
      withdrawals: agencies.flatMap((a) => {
        const done = a.withdrawnAt !== null && a.withdrawnAt >= period.from && a.withdrawnAt < period.to;
        if (a.status !== 'notice_given' && !done) return [];
        return [
          {
            agencyId: a.id,
            name: a.name,
            state: a.status === 'notice_given' ? ('pending' as const) : ('done' as const),
            noticeGivenAt: a.noticeGivenAt,
            effectiveAt: a.withdrawalEffectiveAt,
            withdrawnAt: a.withdrawnAt,
          },
        ];
      }),
      retention: {
        disposals: disposals.map((d) => ({
          ...d,
          firstRunAt: d.firstRunAt.toISOString(),
          lastRunAt: d.lastRunAt.toISOString(),
        })),
        holdsInForce: holds.map((h) => ({ ...h, placedAt: h.placedAt.toISOString() })),
      },
      overdue: overdue
        .map((o) => ({ ...o, name: names.get(o.agencyId) ?? 'an unknown agency' }))
        .sort(
          (a, b) =>
            b.actions + b.informationRequests - (a.actions + a.informationRequests) || a.name.localeCompare(b.name),
        ),
      audit: { verification, latestHead: heads[0] ?? null },
    };
    await this.audited(auth, 'report.review_produced', report.period);
    return report;
  }

  /**
   * Counts by quarter and locality, every count under 5 hidden and its complements withheld. An agency
   * administrator gets their own agency's records only (split by locality); an ISA administrator every agency's.
   */
  async programmeReport(auth: AuthContext, q: ReportPeriodQuery): Promise<ProgrammeReport> {
    const now = this.clock.now();
    const { from, to } = resolvePeriod(q, now);
    const only = auth.user.role === 'isa_admin' ? null : auth.user.agencyId;
    const m = this.db.manager;
    const [localities, families, reviews, referrals, actions] = await Promise.all([
      this.localities.list(m),
      this.programme.familiesOpened(m, from, to, only),
      this.programme.planReviews(m, from, to, only),
      this.programme.referralsDecided(m, from, to, only),
      this.programme.actionsCompleted(m, from, to, only),
    ]);
    const groups: { id: string | null; name: string }[] = [
      ...localities.map((l) => ({ id: l.id, name: l.name })),
      { id: null, name: NO_LOCALITY },
    ];
    const quarters = quartersOf(from, to);
    const rows: Record<ProgrammeMeasure, CountRow[]> = {
      families_supported: families,
      plans_with_outcomes_met: reviews,
      referrals_by_decision: referrals,
      actions_completed: actions,
    };
    const report: ProgrammeReport = {
      period: { from: from.toISOString(), to: to.toISOString() },
      generatedAt: now.toISOString(),
      threshold: SUPPRESSION_THRESHOLD,
      groupBy: 'locality',
      groups,
      measures: PROGRAMME_MEASURES.map((measure) => ({
        measure,
        quarters: quarters.map((quarter) =>
          table(
            quarter,
            PROGRAMME_CATEGORIES[measure],
            groups.map((g) => g.id),
            rows[measure],
          ),
        ),
      })),
      notAvailable: [],
    };
    await this.audited(auth, 'report.programme_produced', report.period);
    return report;
  }

  private audited(auth: AuthContext, action: string, period: { from: string; to: string }): Promise<unknown> {
    return this.audit.recordAlone({ actor: actorOf(auth), action, details: { ...period }, meta: auth.meta });
  }
}

/** One quarter of one measure, suppressed. */
function table(
  quarter: string,
  categories: readonly string[],
  groups: (string | null)[],
  rows: CountRow[],
): ProgrammeTable {
  const counts = categories.map((c) =>
    groups.map((g) =>
      rows
        .filter((r) => r.quarter === quarter && r.category === c && r.localityId === g)
        .reduce((a, r) => a + r.count, 0),
    ),
  );
  const shown = suppressTable(counts);
  return {
    quarter,
    rows: categories.map((category, i) => ({ category, cells: shown.cells[i], total: shown.rowTotals[i] })),
    totals: { cells: shown.columnTotals, total: shown.total },
  };
}
