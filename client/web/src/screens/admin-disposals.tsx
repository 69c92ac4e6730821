import { useEffect, useState } from 'preact/hooks';
import { RECORD_CLASSES, type RecordClass } from '../../../../contracts/retention.js';
import { disposalsExport, type DisposalView } from '../../../sdk/browser.js';
import { app } from '../state/app.js';
import {
  dayStart,
  disposalClassText,
  disposalRuleText,
  RECORD_CLASS_LABELS,
  shortId,
} from '../state/governance-words.js';
import { Select } from '../ui/choice.js';
import { Button, ErrorSummary, Field, formatDate, formatDateTime, PageTitle, useAction } from '../ui/form.js';
import { dayStamp, saveToFile } from '../ui/save-file.js';
import { Status } from '../ui/status.js';
import { Td } from '../ui/table.js';
import { AdminPage } from './admin.js';

/** The server's largest answer: more records than this need narrower dates. */
const MOST = 5000;

const n = (x: number) => x.toLocaleString('en-GB');

interface Shown {
  records: DisposalView[];
  /** What was asked, in words, for the status line. */
  asked: string;
}

/**
 * Disposal records (ISA 7, 8.3): each expiry run leaves one per class, rule and conversation, saying how
 * many records went and from when; never content, of which the server has none. Data-protection leads
 * (agency administrators), auditors and the ISA team list them by period and class and export them.
 */
export function AdminDisposals() {
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [recordClass, setRecordClass] = useState<RecordClass | 'any'>('any');
  const [shown, setShown] = useState<Shown | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const list = useAction(async () => {
    const since = from ? dayStart(from) : undefined;
    const until = to ? dayStart(to, true) : undefined;
    if (from && !since) throw new Error('“Runs from” is not a date: use the date picker, or type it as 2026-12-01.');
    if (to && !until) throw new Error('“Runs up to” is not a date: use the date picker, or type it as 2026-12-01.');
    if (since && until && !(since < until)) throw new Error('“Runs from” must be on or before “Runs up to”.');
    setStatus('Loading disposal records…');
    const records = await app.secure.client.disposals({
      from: since,
      to: until,
      recordClass: recordClass === 'any' ? undefined : recordClass,
      limit: MOST,
    });
    const period = [from && `from ${formatDate(since!)}`, to && `up to ${formatDate(dayStart(to)!)}`]
      .filter(Boolean)
      .join(' ');
    const cls = recordClass === 'any' ? '' : ` of ${RECORD_CLASS_LABELS[recordClass].toLowerCase()}`;
    setShown({ records, asked: `${cls}${period ? ` ${period}` : ''}` });
    const removed = records.reduce((sum, r) => sum + r.count, 0);
    setStatus(
      records.length === 0
        ? `No disposal records${cls}${period ? ` ${period}` : ''}.`
        : `${n(records.length)} disposal record${records.length === 1 ? '' : 's'}${cls}${period ? ` ${period}` : ''}: ${n(removed)} item${removed === 1 ? '' : 's'} removed.` +
            (records.length === MOST ? ` Only the first ${n(MOST)} are shown: narrow the dates to see the rest.` : ''),
    );
  });
  // The whole list on opening: most servers have few runs a day.
  useEffect(() => void list.run(), []);
  const save = (format: 'csv' | 'json') => {
    if (!shown) return;
    const type = format === 'csv' ? 'text/csv;charset=utf-8' : 'application/json;charset=utf-8';
    saveToFile(
      new Blob([disposalsExport(shown.records, format)], { type }),
      `strongroom-disposals-${dayStamp()}.${format}`,
    );
    setStatus(`Saved ${n(shown.records.length)} disposal records as ${format.toUpperCase()}.`);
  };
  return (
    <AdminPage part="disposals" title="Disposal records">
      <PageTitle>Disposal records</PageTitle>
      <p>
        Each time records reach the end of their retention period and are removed, a disposal record says what kind,
        under which rule, how many, and when they had been written. It never holds what they said.
      </p>
      <form
        aria-labelledby="disposal-filters"
        onSubmit={(e) => {
          e.preventDefault();
          void list.run();
        }}
      >
        <h2 id="disposal-filters">Which records</h2>
        <ErrorSummary error={list.error} />
        <div class="filters">
          <Field
            label="Runs from"
            hint="Date included. Empty: from the start."
            type="date"
            value={from}
            onInput={setFrom}
          />
          <Field label="Runs up to" hint="Date included. Empty: up to now." type="date" value={to} onInput={setTo} />
          <Select
            label="Record class"
            value={recordClass}
            options={[
              { value: 'any', label: 'Any' },
              ...RECORD_CLASSES.map((c) => ({ value: c, label: RECORD_CLASS_LABELS[c] })),
            ]}
            onChange={setRecordClass}
          />
          <div class="button-row">
            <Button type="submit" busy={list.busy}>
              Show disposal records
            </Button>
          </div>
        </div>
      </form>
      <Status>{status}</Status>
      {shown && shown.records.length > 0 && (
        <section aria-labelledby="disposal-results">
          <h2 id="disposal-results">Disposal records{shown.asked}</h2>
          <div class="button-row">
            <Button variant="secondary" onClick={() => save('csv')}>
              Download as CSV
            </Button>
            <Button variant="secondary" onClick={() => save('json')}>
              Download as JSON
            </Button>
          </div>
          <DisposalsTable records={shown.records} />
        </section>
      )}
    </AdminPage>
  );
}

function DisposalsTable({ records }: { records: DisposalView[] }) {
  return (
    <table class="table">
      <caption class="visually-hidden">Disposal records, oldest run first</caption>
      <thead>
        <tr>
          <th scope="col">Run</th>
          <th scope="col">Class</th>
          <th scope="col">Why</th>
          <th scope="col">Conversation</th>
          <th scope="col">How many</th>
          <th scope="col">Written</th>
        </tr>
      </thead>
      <tbody>
        {records.map((d) => (
          <tr key={d.id}>
            <Td label="Run">{formatDateTime(d.runAt)}</Td>
            <Td label="Class">{disposalClassText(d)}</Td>
            <Td label="Why">{disposalRuleText(d.rule)}</Td>
            <Td label="Conversation">{d.channelId ? shortId(d.channelId) : 'None'}</Td>
            <Td label="How many">{n(d.count)}</Td>
            <Td label="Written">
              {formatDate(d.oldestCreatedAt) === formatDate(d.newestCreatedAt)
                ? formatDate(d.oldestCreatedAt)
                : `${formatDate(d.oldestCreatedAt)} to ${formatDate(d.newestCreatedAt)}`}
            </Td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
