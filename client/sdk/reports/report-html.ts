import { esc } from '../export/html.js';
import type { ProgrammeReport, ReviewReport } from '../types.js';
import {
  auditWords,
  CATEGORY_WORDS,
  countCell,
  DISPOSAL_RULE_WORDS,
  holdWords,
  MEASURE_WORDS,
  NOT_AVAILABLE_WORDS,
  STATUS_WORDS,
  SUPPRESSION_WORDS,
  LOCALITY_WORDS,
  ALL_LOCALITIES,
  whenWords,
} from './report-words.js';

/**
 * The reports as one self-contained, printable HTML page (no scripts, no fetches): headings in order, tables
 * with captions and header cells, so a screen reader can move through them (`strongroom reports … --html`).
 */

/** A table; `header` cells of each row (its first) are row headers. Cells are given as text and escaped here. */
function table(caption: string, headings: string[], rows: string[][]): string {
  if (!rows.length) return `<p>${esc(caption)}: none.</p>`;
  return (
    `<table><caption>${esc(caption)}</caption><thead><tr>` +
    headings.map((h) => `<th scope="col">${esc(h)}</th>`).join('') +
    '</tr></thead><tbody>' +
    rows
      .map(
        (r) =>
          `<tr><th scope="row">${esc(r[0])}</th>${r
            .slice(1)
            .map((c) => `<td>${esc(c)}</td>`)
            .join('')}</tr>`,
      )
      .join('') +
    '</tbody></table>'
  );
}

const STYLE =
  'body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#111}' +
  'table{border-collapse:collapse;margin:1rem 0;width:100%}caption{text-align:left;font-weight:600;padding:.25rem 0}' +
  'th,td{border:1px solid #666;padding:.25rem .5rem;text-align:left}td{font-variant-numeric:tabular-nums}' +
  '.broken{color:#a00;font-weight:700}';

function page(title: string, period: { from: string; to: string }, generatedAt: string, body: string): string {
  return (
    `<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">` +
    `<title>${esc(title)}</title><style>${STYLE}</style></head><body><main>` +
    `<h1>${esc(title)}</h1><p>From ${esc(whenWords(period.from))} to ${esc(whenWords(period.to))}. ` +
    `Produced ${esc(whenWords(generatedAt))}.</p>${body}</main></body></html>\n`
  );
}

export function renderReviewReportHtml(r: ReviewReport): string {
  const body = [
    '<h2>The agreement and its signatories</h2>',
    r.agreement
      ? `<p>Current version ${esc(r.agreement.label)}, published ${esc(r.agreement.publishedOn)}; its review is due ${esc(r.agreement.reviewDue)}.</p>`
      : '<p>No agreement version has been published.</p>',
    table(
      'Agencies and the version each signed',
      ['Agency', 'Status', 'Version signed', 'Signed on', 'Must sign again'],
      r.agencies.map((a) => [
        a.name,
        STATUS_WORDS[a.status],
        a.signedVersion ?? '–',
        a.signedOn ?? '–',
        a.resignatureDue ? 'yes' : 'no',
      ]),
    ),
    '<h2>Withdrawals</h2>',
    table(
      'Withdrawals pending, and done in the period',
      ['Agency', 'State', 'Notice given', 'Takes effect', 'Withdrawn'],
      r.withdrawals.map((w) => [
        w.name,
        w.state === 'pending' ? 'pending' : 'done',
        whenWords(w.noticeGivenAt),
        whenWords(w.effectiveAt),
        whenWords(w.withdrawnAt),
      ]),
    ),
    '<h2>Retention</h2>',
    table(
      'Records removed at the end of their retention, in the period',
      ['Record class', 'Rule', 'Runs', 'Records removed', 'First run', 'Last run'],
      r.retention.disposals.map((d) => [
        d.recordClass,
        DISPOSAL_RULE_WORDS[d.rule] ?? d.rule,
        String(d.runs),
        String(d.records),
        whenWords(d.firstRunAt),
        whenWords(d.lastRunAt),
      ]),
    ),
    table(
      'Legal holds in force',
      ['Holds', 'Since'],
      r.retention.holdsInForce.map((h) => [holdWords(h, r), whenWords(h.placedAt)]),
    ),
    '<h2>Overdue work</h2>',
    table(
      'Overdue now, by the agency responsible',
      ['Agency', 'Actions', 'Information requests'],
      r.overdue.map((o) => [o.name, String(o.actions), String(o.informationRequests)]),
    ),
    '<h2>The audit log</h2>',
    `<p${r.audit.verification.ok ? '' : ' class="broken"'}>${esc(auditWords(r.audit))}</p>`,
    r.audit.latestHead
      ? `<p>Newest signed point: event ${esc(r.audit.latestHead.seq)}, signed ${esc(whenWords(r.audit.latestHead.signedAt))}, fingerprint <code>${esc(r.audit.latestHead.hash.slice(0, 16))}</code>.</p>`
      : '<p>No point in the log has been signed yet.</p>',
  ];
  return page('ISA review report', r.period, r.generatedAt, body.join(''));
}

export function renderProgrammeReportHtml(r: ProgrammeReport): string {
  const groups = r.groups.map((g) => g.name);
  const body: string[] = [`<p>${esc(SUPPRESSION_WORDS)} ${esc(LOCALITY_WORDS)}</p>`];
  for (const m of r.measures) {
    body.push(`<h2>${esc(MEASURE_WORDS[m.measure])}</h2>`);
    for (const q of m.quarters) {
      const rows = q.rows.map((row) => [
        CATEGORY_WORDS[row.category] ?? row.category,
        ...row.cells.map(countCell),
        countCell(row.total),
      ]);
      if (q.rows.length > 1) rows.push(['All', ...q.totals.cells.map(countCell), countCell(q.totals.total)]);
      body.push(table(`${MEASURE_WORDS[m.measure]}: ${q.quarter}`, ['', ...groups, ALL_LOCALITIES], rows));
    }
  }
  for (const n of r.notAvailable) {
    body.push(`<h2>${esc(NOT_AVAILABLE_WORDS[n.measure] ?? n.measure)}</h2><p>Not available: ${esc(n.reason)}</p>`);
  }
  return page('Programme report', r.period, r.generatedAt, body.join(''));
}
