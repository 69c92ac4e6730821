import type { AgencyStatus, ProgrammeReport, ReportCount, ReviewReport } from '../types.js';

/**
 * The words a person reads in the reports (the CLI, its HTML file and the web page say the same): measure
 * and category names, hold scopes, disposal rules, the audit log's verdict.
 */
export const MEASURE_WORDS: Record<ProgrammeReport['measures'][number]['measure'], string> = {
  families_supported: 'Families supported (family records opened)',
  plans_with_outcomes_met: 'Family plans with outcomes met (each family’s latest plan review in the quarter)',
  referrals_by_decision: 'Referrals to the MASH hub, by decision',
  actions_completed: 'Actions completed, on time or late',
};

export const CATEGORY_WORDS: Record<string, string> = {
  opened: 'Family records opened',
  met: 'Outcomes met',
  partly_met: 'Outcomes partly met',
  not_met: 'Outcomes not met',
  no_further_action: 'No further action',
  early_help: 'Early help',
  social_care_assessment: 'Social care assessment',
  strategy_discussion: 'Strategy discussion',
  signpost: 'Signposted',
  on_time: 'Done by the due date',
  late: 'Done after the due date',
};

/** Measures a report may list as not available (none at present), by name. */
export const NOT_AVAILABLE_WORDS: Record<string, string> = {};

export const STATUS_WORDS: Record<AgencyStatus, string> = {
  registered: 'registered, not signed',
  signed: 'signed',
  notice_given: 'notice to withdraw given',
  withdrawn: 'withdrawn',
  suspended: 'suspended',
};

export const DISPOSAL_RULE_WORDS: Record<string, string> = {
  channel_retention: 'retention period ended',
  upload_window: 'upload never finished',
};

/** A count as shown: a number, or why it is not. */
export const countWords = (c: ReportCount): string =>
  typeof c === 'number' ? c.toLocaleString('en-GB') : c === '<5' ? 'fewer than 5' : 'withheld';

/** A count as a table cell: short, with the long form for people who hear it. */
export const countCell = (c: ReportCount): string => (typeof c === 'number' ? c.toLocaleString('en-GB') : c);

/** What a hold covers, naming an agency from the report's register. */
export function holdWords(h: ReviewReport['retention']['holdsInForce'][number], report: ReviewReport): string {
  if (h.scope === 'class') return `all ${h.recordClass ?? 'records'}`;
  if (h.scope === 'agency') {
    const name = report.agencies.find((a) => a.id === h.scopeId)?.name;
    return `everything written by ${name ?? `agency ${h.scopeId?.slice(0, 8)}`}`;
  }
  return `${h.scope} ${h.scopeId?.slice(0, 8)}`;
}

/** The audit log's check in one sentence. */
export function auditWords(a: ReviewReport['audit']): string {
  const v = a.verification;
  const checked = `${v.eventsChecked.toLocaleString('en-GB')} events`;
  if (v.ok) return `Intact: all ${checked} check out.`;
  const at = v.firstBroken ? ` at event ${v.firstBroken.seq.toLocaleString('en-GB')}` : '';
  return `Broken${at}: the log was changed after it was written. Tell the ISA team’s security lead.`;
}

/** `2026-11-25 14:00 UTC`, or a dash. */
export const whenWords = (iso: string | null): string => {
  if (!iso) return '–';
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(iso);
  return m ? `${m[1]} ${m[2]} UTC` : iso;
};

/** What the programme report's columns are. */
export const LOCALITY_WORDS =
  'Counts are by locality: families (and their plan reviews) by the locality they are supported in, referrals ' +
  'by the locality of the family a decision opened, actions by the locality of the family whose record they are ' +
  'in. Those with none are under “No locality recorded”.';

/** The programme report's last column: every locality together. */
export const ALL_LOCALITIES = 'All localities';

export const SUPPRESSION_WORDS =
  'Every count under 5 is shown as “<5”. Where a small count could be worked out by subtracting the others ' +
  'from a total, another count (5 or more) is withheld too.';
