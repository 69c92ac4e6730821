import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import {
  auditWords,
  CATEGORY_WORDS,
  countCell,
  countWords,
  DISPOSAL_RULE_WORDS,
  holdWords,
  MEASURE_WORDS,
  NOT_AVAILABLE_WORDS,
  renderProgrammeReportHtml,
  renderReviewReportHtml,
  STATUS_WORDS,
  SUPPRESSION_WORDS,
  LOCALITY_WORDS,
  ALL_LOCALITIES,
  type ProgrammeReport,
  type ReportCount,
  type ReviewReport,
} from '../../../sdk/browser.js';
import { app } from '../state/app.js';
import { Button, ErrorSummary, formatDateTime, PageTitle, useAction } from '../ui/form.js';
import { Td } from '../ui/table.js';
import { AdminPage } from './admin.js';

const DAY = 86_400_000;

/** The period the form names: whole days in UTC, `to` inclusive; either left empty takes the server's default. */
function periodOf(from: string, to: string): { from?: string; to?: string } {
  return {
    from: from ? `${from}T00:00:00.000Z` : undefined,
    to: to ? new Date(Date.parse(`${to}T00:00:00.000Z`) + DAY).toISOString() : undefined,
  };
}

/** The period's fields and the button that produces the report. */
function PeriodForm(props: { what: string; busy: boolean; onSubmit: (p: { from?: string; to?: string }) => void }) {
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  return (
    <form
      aria-label={`Period of the ${props.what}`}
      onSubmit={(e) => {
        e.preventDefault();
        props.onSubmit(periodOf(from, to));
      }}
    >
      <p class="hint" id="period-hint">
        Leave both empty for the year up to now. Days are whole days; the last day is included.
      </p>
      <label for="report-from">From</label>
      <input
        id="report-from"
        type="date"
        value={from}
        aria-describedby="period-hint"
        onInput={(e) => setFrom(e.currentTarget.value)}
      />
      <label for="report-to">To</label>
      <input
        id="report-to"
        type="date"
        value={to}
        aria-describedby="period-hint"
        onInput={(e) => setTo(e.currentTarget.value)}
      />
      <p>
        <Button type="submit" busy={props.busy}>
          Produce the {props.what}
        </Button>
      </p>
    </form>
  );
}

/** A link that saves the report as the same readable page the CLI writes with --html. */
function SavePage({ html, name }: { html: string; name: string }) {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    const made = URL.createObjectURL(new Blob([html], { type: 'text/html;charset=utf-8' }));
    setUrl(made);
    return () => URL.revokeObjectURL(made);
  }, [html]);
  return url ? (
    <p>
      <a href={url} download={name}>
        Save this report as a web page
      </a>
    </p>
  ) : null;
}

function Section(props: { id: string; title: string; children: ComponentChildren }) {
  return (
    <section aria-labelledby={props.id}>
      <h2 id={props.id}>{props.title}</h2>
      {props.children}
    </section>
  );
}

function Table(props: { caption: string; headings: string[]; rows: ComponentChildren[][]; none: string }) {
  if (props.rows.length === 0) return <p>{props.none}</p>;
  return (
    <table class="table">
      <caption>{props.caption}</caption>
      <thead>
        <tr>
          {props.headings.map((h) => (
            <th scope="col" key={h}>
              {h}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {props.rows.map((r, i) => (
          <tr key={i}>
            <th scope="row">{r[0]}</th>
            {r.slice(1).map((c, j) => (
              <Td key={j} label={props.headings[j + 1]}>
                {c}
              </Td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const when = (iso: string | null) => (iso ? formatDateTime(iso) : '–');

/**
 * A report's page: its introduction, the period, and the report once produced. `body` renders it; the status
 * line says the period, so a screen reader hears that it is there.
 */
function ReportPage<T>(props: {
  part: 'reviewReport' | 'programmeReport';
  title: string;
  /** The report as the button names it: "Produce the …". */
  what: string;
  intro: ComponentChildren;
  load: (p: { from?: string; to?: string }) => Promise<T>;
  body: (report: T) => ComponentChildren;
}) {
  const [report, setReport] = useState<T | null>(null);
  const produce = useAction(async (p: { from?: string; to?: string }) => {
    setReport(null);
    setReport(await props.load(p));
  });
  return (
    <AdminPage part={props.part} title={props.title}>
      <PageTitle>{props.title}</PageTitle>
      <p>{props.intro}</p>
      <ErrorSummary error={produce.error} />
      <PeriodForm what={props.what} busy={produce.busy} onSubmit={(p) => void produce.run(p)} />
      {report && props.body(report)}
    </AdminPage>
  );
}

/** The ISA review report (clause 11), for ISA administrators and auditors. */
export function AdminReviewReport() {
  return (
    <ReportPage
      part="reviewReport"
      title="ISA review report"
      what="review report"
      intro="For the agreement’s review: who has signed which version, withdrawals, what was removed at the end of its retention, legal holds, overdue work, and a check of the audit log."
      load={(p) => app.secure.client.reviewReport(p)}
      body={(r) => <ReviewBody r={r} />}
    />
  );
}

function ReviewBody({ r }: { r: ReviewReport }) {
  return (
    <div>
      <p role="status">
        Report from {when(r.period.from)} to {when(r.period.to)}.
      </p>
      <SavePage html={renderReviewReportHtml(r)} name={`isa-review-report-${r.generatedAt.slice(0, 10)}.html`} />
      <Section id="review-agreement" title="The agreement and its signatories">
        <p>
          {r.agreement
            ? `Current version ${r.agreement.label}, published ${r.agreement.publishedOn}; its review is due ${r.agreement.reviewDue}.`
            : 'No agreement version has been published.'}
        </p>
        <Table
          caption="Agencies and the version each signed"
          headings={['Agency', 'Status', 'Version signed', 'Signed on', 'Must sign again']}
          rows={r.agencies.map((a) => [
            a.name,
            STATUS_WORDS[a.status],
            a.signedVersion ?? '–',
            a.signedOn ?? '–',
            a.resignatureDue ? 'yes' : 'no',
          ])}
          none="No agency is registered."
        />
      </Section>
      <Section id="review-withdrawals" title="Withdrawals">
        <Table
          caption="Withdrawals pending, and done in the period"
          headings={['Agency', 'State', 'Notice given', 'Takes effect', 'Withdrawn']}
          rows={r.withdrawals.map((w) => [
            w.name,
            w.state,
            when(w.noticeGivenAt),
            when(w.effectiveAt),
            when(w.withdrawnAt),
          ])}
          none="No withdrawal is pending, and none was done in the period."
        />
      </Section>
      <Section id="review-retention" title="Retention">
        <Table
          caption="Records removed at the end of their retention, in the period"
          headings={['Record class', 'Rule', 'Runs', 'Records removed', 'Last run']}
          rows={r.retention.disposals.map((d) => [
            d.recordClass,
            DISPOSAL_RULE_WORDS[d.rule] ?? d.rule,
            d.runs,
            d.records,
            when(d.lastRunAt),
          ])}
          none="Nothing was removed in the period."
        />
        <Table
          caption="Legal holds in force"
          headings={['Holds', 'Since']}
          rows={r.retention.holdsInForce.map((h) => [holdWords(h, r), when(h.placedAt)])}
          none="No legal hold is in force."
        />
      </Section>
      <Section id="review-overdue" title="Overdue work">
        <Table
          caption="Overdue now, by the agency responsible"
          headings={['Agency', 'Actions', 'Information requests']}
          rows={r.overdue.map((o) => [o.name, o.actions, o.informationRequests])}
          none="Nothing is overdue."
        />
      </Section>
      <Section id="review-audit" title="The audit log">
        <p class={r.audit.verification.ok ? undefined : 'warning-block'}>
          {r.audit.verification.ok ? auditWords(r.audit) : <strong>{auditWords(r.audit)}</strong>}
        </p>
        <p>
          {r.audit.latestHead
            ? `Newest signed point: event ${r.audit.latestHead.seq.toLocaleString('en-GB')}, signed ${when(r.audit.latestHead.signedAt)}.`
            : 'No point in the log has been signed yet.'}
        </p>
      </Section>
    </div>
  );
}

/** A count in a cell: what a screen reader says is the long form ("fewer than 5"). */
function Count({ c }: { c: ReportCount }) {
  if (typeof c === 'number') return <>{countCell(c)}</>;
  return <abbr title={countWords(c)}>{countCell(c)}</abbr>;
}

/** The programme report (clause 2.2), for ISA administrators and each agency's data-protection lead. */
export function AdminProgrammeReport() {
  return (
    <ReportPage
      part="programmeReport"
      title="Programme report"
      what="programme report"
      intro={`Counts for evaluating the programme, by quarter and locality. ${
        app.user.role === 'isa_admin' ? 'Every agency’s records are counted.' : 'Your agency’s records only.'
      } ${SUPPRESSION_WORDS}`}
      load={(p) => app.secure.client.programmeReport(p)}
      body={(r) => <ProgrammeBody r={r} />}
    />
  );
}

function ProgrammeBody({ r }: { r: ProgrammeReport }) {
  const headings = ['', ...r.groups.map((g) => g.name), ALL_LOCALITIES];
  return (
    <div>
      <p role="status">
        Report from {when(r.period.from)} to {when(r.period.to)}. {LOCALITY_WORDS}
      </p>
      <SavePage html={renderProgrammeReportHtml(r)} name={`programme-report-${r.generatedAt.slice(0, 10)}.html`} />
      {r.measures.map((m) => (
        <Section key={m.measure} id={`measure-${m.measure}`} title={MEASURE_WORDS[m.measure]}>
          {m.quarters.map((q) => {
            const rows: ComponentChildren[][] = q.rows.map((row) => [
              CATEGORY_WORDS[row.category] ?? row.category,
              ...row.cells.map((c, i) => <Count key={i} c={c} />),
              <Count key="all" c={row.total} />,
            ]);
            if (q.rows.length > 1)
              rows.push([
                'All',
                ...q.totals.cells.map((c, i) => <Count key={i} c={c} />),
                <Count key="all" c={q.totals.total} />,
              ]);
            return (
              <Table
                key={q.quarter}
                caption={`${MEASURE_WORDS[m.measure]}: ${q.quarter}`}
                headings={headings}
                rows={rows}
                none=""
              />
            );
          })}
        </Section>
      ))}
      {r.notAvailable.map((n) => (
        <Section key={n.measure} id={`measure-${n.measure}`} title={NOT_AVAILABLE_WORDS[n.measure] ?? n.measure}>
          <p>Not available. {n.reason}</p>
        </Section>
      ))}
    </div>
  );
}
