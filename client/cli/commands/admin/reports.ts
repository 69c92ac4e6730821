import path from 'node:path';
import type { Command } from 'commander';
import type { ProgrammeReport, ReviewReport } from '../../../../contracts/reports.js';
import {
  auditWords,
  CATEGORY_WORDS,
  countCell,
  DISPOSAL_RULE_WORDS,
  holdWords,
  MEASURE_WORDS,
  NOT_AVAILABLE_WORDS,
  renderProgrammeReportHtml,
  renderReviewReportHtml,
  STATUS_WORDS,
  SUPPRESSION_WORDS,
  LOCALITY_WORDS,
  whenWords,
} from '../../../sdk/node.js';
import type { Action } from '../../cli.js';
import { CliUsageError, type CliContext } from '../../context.js';
import { writeNewFile } from '../../new-file.js';
import { table } from '../../output.js';
import { parseWhen } from './audit-events.js';

interface ReportOptions {
  from?: string;
  to?: string;
  html?: string;
  force?: boolean;
}

const PERIOD_HELP =
  '\nThe period runs from --from (inclusive) to --to (to the end of that day, for a date); by default the\n' +
  'year up to now. Dates are a day (2026-04-01), a day and time here (2026-04-01 09:00) or an ISO time.';

/** `reports review` and `reports programme` (ISA 11 and 2.2). */
export function registerReportCommands(program: Command, action: Action): void {
  const reports = program
    .command('reports')
    .description('Reports for the agreement’s review and for evaluating the programme');
  const withPeriod = (c: Command) =>
    c
      .option('--from <date>', 'the period’s first day or time (default: a year before --to)')
      .option('--to <date>', 'the period’s last day, or the time it ends (default: now)')
      .option('--html <file>', 'also write the report as a readable web page to this file')
      .option('--force', 'with --html: replace the file if it exists')
      .addHelpText('after', PERIOD_HELP);
  withPeriod(
    reports
      .command('review')
      .description(
        'The ISA review report (ISA administrators and auditors): signatures, withdrawals, retention, overdue work, the audit log',
      ),
  ).action(action(reviewReport));
  withPeriod(
    reports
      .command('programme')
      .description(
        'Counts by quarter and locality for evaluation, every count under 5 hidden (ISA administrators; agency administrators: their agency’s records)',
      ),
  ).action(action(programmeReport));
}

function period(o: ReportOptions): { from?: string; to?: string } {
  const from = o.from === undefined ? undefined : parseWhen(o.from, '--from');
  const to = o.to === undefined ? undefined : parseWhen(o.to, '--to', true);
  if (from && to && !(from < to)) throw new CliUsageError('--from must be earlier than --to.');
  return { from, to };
}

async function writeHtml(o: ReportOptions, html: string): Promise<string | null> {
  if (o.html === undefined) return null;
  const file = path.resolve(o.html);
  await writeNewFile(file, { force: o.force === true, flag: '--html', unwritableIsUsage: true }, (h) =>
    h.write(html).then(() => undefined),
  );
  return file;
}

async function reviewReport(ctx: CliContext, o: ReportOptions): Promise<void> {
  const wanted = period(o);
  const { client } = await ctx.sessionClient();
  const report = await client.reviewReport(wanted);
  const file = await writeHtml(o, renderReviewReportHtml(report));
  ctx.print(file ? { ...report, htmlFile: file } : report, () => reviewText(report, file));
}

async function programmeReport(ctx: CliContext, o: ReportOptions): Promise<void> {
  const wanted = period(o);
  const { client } = await ctx.sessionClient();
  const report = await client.programmeReport(wanted);
  const file = await writeHtml(o, renderProgrammeReportHtml(report));
  ctx.print(file ? { ...report, htmlFile: file } : report, () => programmeText(report, file));
}

function reviewText(r: ReviewReport, file: string | null): string {
  const out: string[] = [`ISA review report, ${whenWords(r.period.from)} to ${whenWords(r.period.to)}\n`];
  out.push(
    r.agreement
      ? `\nCurrent agreement: version ${r.agreement.label}, published ${r.agreement.publishedOn}, review due ${r.agreement.reviewDue}.\n`
      : '\nNo agreement version has been published.\n',
  );
  out.push(
    '\nAgencies\n',
    table(
      r.agencies.map((a) => ({
        name: a.name,
        status: STATUS_WORDS[a.status],
        version: a.signedVersion ?? '–',
        on: a.signedOn ?? '–',
        again: a.resignatureDue ? 'yes' : '',
      })),
      [
        ['name', 'AGENCY'],
        ['status', 'STATUS'],
        ['version', 'SIGNED VERSION'],
        ['on', 'SIGNED ON'],
        ['again', 'MUST SIGN AGAIN'],
      ],
    ),
    '\nWithdrawals (pending, and done in the period)\n',
    table(
      r.withdrawals.map((w) => ({
        name: w.name,
        state: w.state,
        effective: whenWords(w.effectiveAt),
        withdrawn: whenWords(w.withdrawnAt),
      })),
      [
        ['name', 'AGENCY'],
        ['state', 'STATE'],
        ['effective', 'TAKES EFFECT'],
        ['withdrawn', 'WITHDRAWN'],
      ],
    ),
    '\nRecords removed at the end of their retention\n',
    table(
      r.retention.disposals.map((d) => ({
        cls: d.recordClass,
        rule: DISPOSAL_RULE_WORDS[d.rule] ?? d.rule,
        runs: d.runs,
        records: d.records,
      })),
      [
        ['cls', 'CLASS'],
        ['rule', 'RULE'],
        ['runs', 'RUNS'],
        ['records', 'REMOVED'],
      ],
    ),
    '\nLegal holds in force\n',
    table(
      r.retention.holdsInForce.map((h) => ({ what: holdWords(h, r), since: whenWords(h.placedAt) })),
      [
        ['what', 'HOLDS'],
        ['since', 'SINCE'],
      ],
    ),
    '\nOverdue now, by agency\n',
    table(r.overdue, [
      ['name', 'AGENCY'],
      ['actions', 'ACTIONS'],
      ['informationRequests', 'INFORMATION REQUESTS'],
    ]),
    `\nAudit log: ${auditWords(r.audit)}\n`,
    r.audit.latestHead
      ? `Newest signed point: event ${r.audit.latestHead.seq}, signed ${whenWords(r.audit.latestHead.signedAt)}.\n`
      : 'No point in the log has been signed yet.\n',
  );
  if (file) out.push(`\nWrote the report as a web page to ${file}.\n`);
  return out.join('');
}

function programmeText(r: ProgrammeReport, file: string | null): string {
  const out: string[] = [
    `Programme report, ${whenWords(r.period.from)} to ${whenWords(r.period.to)}, by locality\n`,
    `${SUPPRESSION_WORDS}\n${LOCALITY_WORDS}\n`,
  ];
  const columns: [string, string][] = [
    ['what', 'QUARTER'],
    ...r.groups.map((g, i): [string, string] => [`g${i}`, g.name.toUpperCase()]),
    ['all', 'ALL'],
  ];
  for (const m of r.measures) {
    out.push(`\n${MEASURE_WORDS[m.measure]}\n`);
    const rows = m.quarters.flatMap((q) =>
      q.rows.map((row) => ({
        what: `${q.quarter} ${CATEGORY_WORDS[row.category] ?? row.category}`,
        ...Object.fromEntries(row.cells.map((c, i) => [`g${i}`, countCell(c)])),
        all: countCell(row.total),
      })),
    );
    out.push(table(rows, columns));
  }
  for (const n of r.notAvailable)
    out.push(`\n${NOT_AVAILABLE_WORDS[n.measure] ?? n.measure}: not available. ${n.reason}\n`);
  if (file) out.push(`\nWrote the report as a web page to ${file}.\n`);
  return out.join('');
}
