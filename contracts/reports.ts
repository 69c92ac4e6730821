import { z } from 'zod';
import { AGENCY_STATUSES, agreementVersion } from './agencies.js';
import { auditVerifyReport } from './audit.js';
import { auditHeadView } from './audit-heads.js';
import { dateString, timestamp } from './common.js';
import { HOLD_SCOPES, RECORD_CLASSES } from './retention.js';
import { PLAN_REVIEW_OUTCOMES } from './families.js';
import { REFERRAL_DECISIONS } from './referrals.js';

/**
 * Reports (issue 16): the ISA review report (clause 11), for the ISA team's periodic review of the agreement,
 * and the programme report (clause 2.2), anonymised aggregate counts for evaluating the programme. Both are
 * built only from what the server holds as metadata (DESIGN §2): never content, names or reasons typed by a person.
 */

/** Reports cover at most five years: a longer period is a mistake, and a costly query. */
export const REPORT_MAX_DAYS = 5 * 366;

/**
 * A report's period: `from` inclusive, `to` exclusive. Both optional: `to` defaults to now and `from` to one
 * year before `to`.
 */
export const reportPeriodQuery = z
  .strictObject({
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
  })
  .refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), {
    message: '`from` must be before `to`',
    path: ['from'],
  })
  .refine((q) => !q.from || !q.to || Date.parse(q.to) - Date.parse(q.from) <= REPORT_MAX_DAYS * 86_400_000, {
    message: 'a report covers at most five years',
    path: ['to'],
  });
export type ReportPeriodQuery = z.infer<typeof reportPeriodQuery>;

export const reportPeriod = z.object({ from: timestamp, to: timestamp });
export type ReportPeriod = z.infer<typeof reportPeriod>;

// ── the ISA review report (clause 11) ──

/** One agency in the signatory register, as the review reads it. */
export const reviewAgency = z.object({
  id: z.uuid(),
  name: z.string(),
  status: z.enum(AGENCY_STATUSES),
  /** The agreement version of its latest signature, and when. */
  signedVersion: z.string().nullable(),
  signedOn: dateString.nullable(),
  /** Signed, but not the current version: it must sign again. */
  resignatureDue: z.boolean(),
});

export const reviewWithdrawal = z.object({
  agencyId: z.uuid(),
  name: z.string(),
  /** `pending`: notice given, effective later; `done`: withdrawn within the period. */
  state: z.enum(['pending', 'done']),
  noticeGivenAt: timestamp.nullable(),
  effectiveAt: timestamp.nullable(),
  withdrawnAt: timestamp.nullable(),
});

/** Disposal runs in the period, by record class and rule: how many runs and how many records removed. */
export const reviewDisposals = z.object({
  recordClass: z.enum(RECORD_CLASSES),
  rule: z.string(),
  runs: z.number().int(),
  records: z.number().int(),
  firstRunAt: timestamp,
  lastRunAt: timestamp,
});

/** A legal hold in force: what it covers and since when. Not its reason, which may name proceedings. */
export const reviewHold = z.object({
  id: z.uuid(),
  scope: z.enum(HOLD_SCOPES),
  scopeId: z.uuid().nullable(),
  recordClass: z.enum(RECORD_CLASSES).nullable(),
  placedAt: timestamp,
});

/** Overdue work, per agency responsible: actions it owns, information requests asked of it. */
export const reviewOverdue = z.object({
  agencyId: z.uuid(),
  name: z.string(),
  actions: z.number().int(),
  informationRequests: z.number().int(),
});

export const reviewReport = z.object({
  period: reportPeriod,
  generatedAt: timestamp,
  /** The current agreement version, and when its review is due. */
  agreement: agreementVersion.nullable(),
  agencies: z.array(reviewAgency),
  withdrawals: z.array(reviewWithdrawal),
  retention: z.object({
    disposals: z.array(reviewDisposals),
    holdsInForce: z.array(reviewHold),
  }),
  /** Agencies with anything overdue now, most first. */
  overdue: z.array(reviewOverdue),
  audit: z.object({
    /** The server's recomputation of the whole chain, now. */
    verification: auditVerifyReport,
    /** The newest signed head; null when none has been signed. */
    latestHead: auditHeadView.nullable(),
  }),
});
export type ReviewReport = z.infer<typeof reviewReport>;

// ── the programme report (clause 2.2) ──

/** The last column of the programme report: families with no locality, and records tied to no family. */
export const NO_LOCALITY = 'No locality recorded';

/** Counts below this are never shown. */
export const SUPPRESSION_THRESHOLD = 5;
/** A count under the threshold. */
export const UNDER_THRESHOLD = '<5';
/** A count of 5 or more withheld so that a small count beside it cannot be worked out by subtraction. */
export const WITHHELD = 'withheld';

export const reportCount = z.union([
  z.number().int().min(SUPPRESSION_THRESHOLD),
  z.literal(UNDER_THRESHOLD),
  z.literal(WITHHELD),
]);
export type ReportCount = z.infer<typeof reportCount>;

export const PROGRAMME_MEASURES = [
  'families_supported',
  'plans_with_outcomes_met',
  'referrals_by_decision',
  'actions_completed',
] as const;
export type ProgrammeMeasure = (typeof PROGRAMME_MEASURES)[number];

/** The categories (rows) of each measure. */
export const PROGRAMME_CATEGORIES = {
  families_supported: ['opened'],
  /** Families by what their plan's latest review in the quarter found. */
  plans_with_outcomes_met: PLAN_REVIEW_OUTCOMES,
  referrals_by_decision: REFERRAL_DECISIONS,
  actions_completed: ['on_time', 'late'],
} as const satisfies Record<ProgrammeMeasure, readonly string[]>;

/** One quarter of one measure: a row per category and a column per locality, with the totals of both. */
export const programmeTable = z.object({
  quarter: z.string().regex(/^\d{4}-Q[1-4]$/),
  rows: z.array(z.object({ category: z.string(), cells: z.array(reportCount), total: reportCount })),
  totals: z.object({ cells: z.array(reportCount), total: reportCount }),
});
export type ProgrammeTable = z.infer<typeof programmeTable>;

export const programmeReport = z.object({
  period: reportPeriod,
  generatedAt: timestamp,
  threshold: z.literal(SUPPRESSION_THRESHOLD),
  /**
   * What the columns are: the localities a family is supported in (the ISA team's list), then families with
   * no locality recorded and the referrals and actions tied to no family (docs/operations.md, "Reports").
   */
  groupBy: z.literal('locality'),
  /**
   * The columns, in order: every locality on the list by name, then `id: null`, "No locality recorded". An
   * agency administrator gets the same columns, counting their own agency's records only.
   */
  groups: z.array(z.object({ id: z.uuid().nullable(), name: z.string() })),
  measures: z.array(z.object({ measure: z.enum(PROGRAMME_MEASURES), quarters: z.array(programmeTable) })),
  /** Measures the server cannot count, and why. */
  notAvailable: z.array(z.object({ measure: z.string(), reason: z.string() })),
});
export type ProgrammeReport = z.infer<typeof programmeReport>;
