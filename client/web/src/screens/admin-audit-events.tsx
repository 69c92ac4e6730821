import { useEffect, useState } from 'preact/hooks';
import { AUDIT_ACTION_FILTER, AUDIT_OUTCOMES, type AuditOutcome } from '../../../../contracts/audit.js';
import {
  AUDIT_EVENT_CSV_HEADER,
  auditEventCsvRow,
  auditEventsJson,
  auditExportNames,
  type AuditEventFilters,
  type AuditEventView,
  type AuditExportNames,
} from '../../../sdk/browser.js';
import { app } from '../state/app.js';
import { localTimeToIso, OUTCOME_LABELS, shortId } from '../state/governance-words.js';
import { Select } from '../ui/choice.js';
import { Button, ErrorSummary, Field, formatDateTime, useAction } from '../ui/form.js';
import { dayStamp, saveToFile } from '../ui/save-file.js';
import { Status, useLoad } from '../ui/status.js';
import { Td } from '../ui/table.js';

/** Events on one page of the list. */
const PAGE = 50;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const n = (x: number) => x.toLocaleString('en-GB');

interface Form {
  person: string;
  agencyId: string;
  action: string;
  record: string;
  from: string;
  to: string;
  outcome: AuditOutcome | 'any';
}
const EMPTY: Form = { person: '', agencyId: '', action: '', record: '', from: '', to: '', outcome: 'any' };

/**
 * A person named in the filter: by user id, or by the e-mail address or name of an account this reader
 * may list; an auditor, who may list none, by a colleague's e-mail address through the directory.
 */
async function personId(who: string, names: AuditExportNames): Promise<string> {
  const w = who.trim();
  if (UUID.test(w)) return w.toLowerCase();
  const lower = w.toLowerCase();
  for (const [id, p] of names.who) if (p.email.toLowerCase() === lower || p.name.toLowerCase() === lower) return id;
  if (w.includes('@')) {
    const found = await app.secure.client.lookupUser(w).catch(() => null);
    if (found) return found.id;
  }
  throw new Error(`No account found for “${w}”: give their work e-mail address, or their user id.`);
}

/** The filters the form names, checked here so a mistake is told in words before anything is asked. */
async function filtersOf(f: Form, names: AuditExportNames): Promise<AuditEventFilters> {
  const action = f.action.trim().toLowerCase();
  if (action && !AUDIT_ACTION_FILTER.test(action))
    throw new Error('“Action” is an action such as auth.login, or the start of one ending in a dot, such as channel.');
  const from = f.from ? localTimeToIso(f.from) : undefined;
  const to = f.to ? localTimeToIso(f.to) : undefined;
  if (f.from && !from) throw new Error('“From” is not a date and time.');
  if (f.to && !to) throw new Error('“Before” is not a date and time.');
  if (from && to && !(from < to)) throw new Error('“From” must be earlier than “Before”.');
  return {
    actorUserId: f.person.trim() ? await personId(f.person, names) : undefined,
    agencyId: f.agencyId || undefined,
    action: action || undefined,
    targetId: f.record.trim() || undefined,
    from,
    to,
    outcome: f.outcome === 'any' ? undefined : f.outcome,
  };
}

interface Shown {
  filters: AuditEventFilters;
  events: AuditEventView[];
  /** The events before which each page shown so far began (undefined: the newest); the last is this page's. */
  starts: (number | undefined)[];
}

/**
 * The audit trail as a list (issue 16; ISA 12): who did what, to which record, when, and with what
 * outcome, newest first, filtered, a page at a time, and exported whole as CSV or JSON. ISA administrators
 * and auditors read every event; an agency administrator their agency's (src/audit/audit.controller.ts).
 */
export function AuditEvents() {
  const ownAgencyOnly = app.user.role === 'agency_admin';
  const names = useLoad(() => auditExportNames(app.secure.client));
  const [form, setForm] = useState<Form>(EMPTY);
  const [shown, setShown] = useState<Shown | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const set = (k: keyof Form) => (v: string) => setForm((f) => ({ ...f, [k]: v }));

  const load = async (filters: AuditEventFilters, starts: (number | undefined)[]) => {
    const beforeSeq = starts[starts.length - 1];
    const events = await app.secure.client.auditEvents({ ...filters, order: 'newest', limit: PAGE, beforeSeq });
    setShown({ filters, events, starts });
    const filtered = Object.values(filters).some((v) => v !== undefined);
    setStatus(
      events.length === 0
        ? starts.length > 1
          ? 'No older events match.'
          : `No events${filtered ? ' match these filters' : ''}.`
        : `Showing ${events.length === 1 ? '1 event' : `${n(events.length)} events`}${filtered ? ' that match' : ''}, ` +
            `newest first${starts.length > 1 ? ` (page ${starts.length})` : ''}: from event ${n(events[0].seq)} back to ${n(events[events.length - 1].seq)}.`,
    );
  };
  const search = useAction(async () => {
    if (!names.data) throw new Error('Still loading: try again in a moment.');
    await load(await filtersOf(form, names.data), [undefined]);
  });
  const page = useAction((starts: (number | undefined)[]) => load(shown!.filters, starts));
  const exportAll = useAction(async (format: 'csv' | 'json') => {
    if (!shown || !names.data) return;
    const parts: string[] = [
      format === 'csv' ? AUDIT_EVENT_CSV_HEADER : auditEventsJson.opening(shown.filters, new Date().toISOString()),
    ];
    let total = 0;
    setStatus(`Gathering the events to save…`);
    for await (const batch of app.secure.client.auditEventsAll(shown.filters)) {
      for (const e of batch) {
        parts.push(format === 'csv' ? auditEventCsvRow(e, names.data) : auditEventsJson.event(e, total));
        total++;
      }
      // Announced at most every 5,000 events: a screen reader would read each one.
      if (total % 5000 < batch.length) setStatus(`Gathered ${n(total)} events…`);
    }
    if (format === 'json') parts.push(auditEventsJson.closing(total));
    const type = format === 'csv' ? 'text/csv;charset=utf-8' : 'application/json;charset=utf-8';
    saveToFile(new Blob(parts, { type }), `strongroom-audit-events-${dayStamp()}.${format}`);
    setStatus(`Saved ${total === 1 ? '1 event' : `${n(total)} events`} as ${format.toUpperCase()}.`);
  });
  // The newest events, unfiltered, once the names have come.
  useEffect(() => {
    if (names.data && !shown) void search.run();
  }, [names.data]);

  const agencies = [...(names.data?.agency ?? new Map<string, string>())];
  const starts = shown?.starts ?? [];
  return (
    <section aria-labelledby="events-heading">
      <h2 id="events-heading">Events</h2>
      <p>
        Who did what, to which record, and when.{' '}
        {ownAgencyOnly
          ? 'You see your agency’s part of the log: what its people did, and what anyone did to the agency or its people. '
          : ''}
        Times are on this computer’s clock.
      </p>
      <form
        aria-labelledby="events-filters"
        onSubmit={(e) => {
          e.preventDefault();
          void search.run();
        }}
      >
        <h3 id="events-filters">Filters</h3>
        <ErrorSummary error={names.error ?? search.error} />
        <div class="filters">
          <Field
            label="Person"
            hint="Work e-mail address, name or user id."
            autoComplete="off"
            spellcheck={false}
            value={form.person}
            onInput={set('person')}
          />
          {!ownAgencyOnly && (
            <Select
              label="Agency"
              hint="Of the person who acted."
              value={form.agencyId}
              options={[{ value: '', label: 'Any' }, ...agencies.map(([value, label]) => ({ value, label }))]}
              onChange={set('agencyId')}
            />
          )}
          <Field
            label="Action"
            hint="Such as auth.login, or channel. for every channel action."
            autoComplete="off"
            spellcheck={false}
            value={form.action}
            onInput={set('action')}
          />
          <Field
            label="Record"
            hint="The id of the person, agency, conversation… the event is about."
            autoComplete="off"
            spellcheck={false}
            value={form.record}
            onInput={set('record')}
          />
          <Field label="From" hint="Included." type="datetime-local" value={form.from} onInput={set('from')} />
          <Field label="Before" hint="Not included." type="datetime-local" value={form.to} onInput={set('to')} />
          <Select
            label="Outcome"
            value={form.outcome}
            options={[
              { value: 'any', label: 'Any' },
              ...AUDIT_OUTCOMES.map((o) => ({ value: o, label: OUTCOME_LABELS[o] })),
            ]}
            onChange={set('outcome')}
          />
          <div class="button-row">
            <Button type="submit" busy={search.busy}>
              Show events
            </Button>
            <Button
              variant="secondary"
              onClick={() => {
                setForm(EMPTY);
              }}
            >
              Clear filters
            </Button>
          </div>
        </div>
      </form>
      <Status>{status}</Status>
      <ErrorSummary error={page.error ?? exportAll.error} />
      {shown && shown.events.length > 0 && (
        <>
          <div class="button-row">
            <Button variant="secondary" busy={exportAll.busy} onClick={() => void exportAll.run('csv')}>
              Download all matching as CSV
            </Button>
            <Button variant="secondary" busy={exportAll.busy} onClick={() => void exportAll.run('json')}>
              Download all matching as JSON
            </Button>
          </div>
          <EventsTable events={shown.events} names={names.data!} />
        </>
      )}
      {shown && (starts.length > 1 || shown.events.length === PAGE) && (
        <nav aria-label="Pages of events" class="button-row">
          {starts.length > 1 && (
            <Button variant="secondary" busy={page.busy} onClick={() => void page.run(starts.slice(0, -1))}>
              Newer events
            </Button>
          )}
          {shown.events.length === PAGE && (
            <Button
              variant="secondary"
              busy={page.busy}
              onClick={() => void page.run([...starts, shown.events[shown.events.length - 1].seq])}
            >
              Older events
            </Button>
          )}
        </nav>
      )}
    </section>
  );
}

function EventsTable({ events, names }: { events: AuditEventView[]; names: AuditExportNames }) {
  return (
    <table class="table">
      <caption class="visually-hidden">Audit events, newest first</caption>
      <thead>
        <tr>
          <th scope="col">Event</th>
          <th scope="col">When</th>
          <th scope="col">Who</th>
          <th scope="col">Action</th>
          <th scope="col">About</th>
          <th scope="col">Outcome</th>
        </tr>
      </thead>
      <tbody>
        {events.map((e) => {
          const who = e.actorUserId ? names.who.get(e.actorUserId) : undefined;
          const agency = e.actorAgencyId ? names.agency.get(e.actorAgencyId) : undefined;
          return (
            <tr key={e.seq}>
              <Td label="Event">{n(e.seq)}</Td>
              <Td label="When">{formatDateTime(e.occurredAt)}</Td>
              <Td label="Who">
                {e.actorUserId ? (who?.email ?? `user ${shortId(e.actorUserId)}`) : 'The server'}
                {e.actorAgencyId && <span class="covers">{agency ?? `agency ${shortId(e.actorAgencyId)}`}</span>}
              </Td>
              <Td label="Action">
                <code>{e.action}</code>
              </Td>
              <Td label="About">
                {e.targetType ?? 'Nothing in particular'}
                {e.targetId && <code class="key covers">{e.targetId}</code>}
              </Td>
              <Td label="Outcome">{OUTCOME_LABELS[e.outcome]}</Td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
