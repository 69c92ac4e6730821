import { useState } from 'preact/hooks';
import {
  MAX_EXTENSION_MONTHS,
  REQUESTER_TYPES,
  type ConsultationView,
  type RequesterType,
  type SubjectAccessRequestView,
} from '../../../../contracts/subject-access.js';
import { app } from '../state/app.js';
import { Select } from '../ui/choice.js';
import { Button, ErrorSummary, Field, formatDate, PageTitle, TextArea, useAction } from '../ui/form.js';
import { Status, useLoad } from '../ui/status.js';
import { Td } from '../ui/table.js';
import { AdminPage } from './admin.js';
import { GatherExport } from './subject-access-gather.js';

const REQUESTER_LABELS: Record<RequesterType, string> = {
  subject: 'The person themselves',
  parent_guardian: 'A parent or guardian',
  representative: 'A representative (solicitor, advocate)',
  other: 'Someone else',
};

const STATUS_LABELS: Record<SubjectAccessRequestView['status'], string> = {
  open: 'Open',
  answered: 'Answered',
  closed: 'Closed',
};

/** The subject named by references only: families, then members. */
const subjectOf = (r: { families: { ref: string }[]; members: { ref: string }[] }) =>
  [...r.families.map((f) => f.ref), ...r.members.map((m) => m.ref)].join(', ');

/**
 * The subject-access register (ISA 10): an agency's requests from the public for their information, each
 * due one calendar month after it was received (extendable once, by up to two months, with a reason), and
 * the consultation tasks other agencies asked of this one. The subject is named by references only.
 */
export function AdminSubjectAccess() {
  const mine = app.user.role === 'agency_admin';
  const [overdueOnly, setOverdueOnly] = useState(false);
  const requests = useLoad(
    () => app.secure.client.subjectAccessRequests({ overdue: overdueOnly ? 'true' : 'false' }),
    [overdueOnly],
  );
  const consultations = useLoad(() => app.secure.client.subjectAccessConsultations());
  const [status, setStatus] = useState<string | null>(null);
  const changed = (said: string) => {
    setStatus(said);
    void requests.reload();
    void consultations.reload();
  };
  return (
    <AdminPage part="subjectAccess" title="Requests for information from the public">
      <PageTitle>Requests for information from the public</PageTitle>
      <p>
        Subject access and other requests from the public. Each is due one calendar month after it was received; a
        deadline can be extended once, by up to two months, saying why.
      </p>
      <Status>{status}</Status>
      <section aria-labelledby="register-heading">
        <h2 id="register-heading">Register</h2>
        <label class="check">
          <input type="checkbox" checked={overdueOnly} onChange={(e) => setOverdueOnly(e.currentTarget.checked)} />
          <span>Only requests past their deadline</span>
        </label>
        {mine && (
          <p>
            <strong>Gather and download</strong> collects, on this device, everything you can read about the families a
            request names (family members’ details, messages, meetings, plans and actions) into a file. The server
            cannot: it never holds anything readable, and is told only that a file was made and how many items it holds.
            The file holds everything you can read about these families, other people included: review it, and remove
            what the requester may not see, before disclosure.
          </p>
        )}
        <ErrorSummary error={requests.error} />
        {requests.data === null ? (
          !requests.error && <p role="status">Loading…</p>
        ) : requests.data.length === 0 ? (
          <p>{overdueOnly ? 'No request is past its deadline.' : 'No requests recorded.'}</p>
        ) : (
          <RegisterTable requests={requests.data} mayChange={mine} onChanged={changed} />
        )}
      </section>
      {mine && <NewRequest onCreated={changed} />}
      <Consultations loaded={consultations} mayMark={mine} onChanged={changed} />
    </AdminPage>
  );
}

function RegisterTable(props: {
  requests: SubjectAccessRequestView[];
  mayChange: boolean;
  onChanged: (said: string) => void;
}) {
  return (
    <table class="table">
      <caption class="visually-hidden">Requests, nearest deadline first</caption>
      <thead>
        <tr>
          <th scope="col">Subject</th>
          <th scope="col">Received</th>
          <th scope="col">Asked by</th>
          <th scope="col">Due</th>
          <th scope="col">Status</th>
          {props.mayChange && (
            <th scope="col">
              <span class="visually-hidden">Actions</span>
            </th>
          )}
        </tr>
      </thead>
      <tbody>
        {props.requests.map((r) => (
          <tr key={r.id}>
            <th scope="row">{subjectOf(r)}</th>
            <Td label="Received">{formatDate(r.receivedOn)}</Td>
            <Td label="Asked by">{REQUESTER_LABELS[r.requesterType]}</Td>
            <Td label="Due">
              {formatDate(r.deadline)}
              {r.overdue && <strong class="warning-text"> Overdue</strong>}
              {r.extension && (
                <span class="covers">
                  Extended by {r.extension.months === 1 ? 'a month' : `${r.extension.months} months`}:{' '}
                  {r.extension.reason}
                </span>
              )}
              {r.consultations.length > 0 && (
                <span class="covers">
                  {r.consultations.filter((c) => !c.doneAt).length} of {r.consultations.length} consultations open
                </span>
              )}
            </Td>
            <Td label="Status">{STATUS_LABELS[r.status]}</Td>
            {props.mayChange && (
              <td>
                <RequestActions r={r} onChanged={props.onChanged} />
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function RequestActions({ r, onChanged }: { r: SubjectAccessRequestView; onChanged: (said: string) => void }) {
  const [months, setMonths] = useState<'1' | '2'>('2');
  const [reason, setReason] = useState('');
  const extend = useAction(async () => {
    const done = await app.secure.client.extendSubjectAccessRequest(r.id, { months: Number(months), reason });
    onChanged(`The request about ${subjectOf(done)} is now due on ${formatDate(done.deadline)}.`);
  });
  const mark = useAction(async (next: 'answered' | 'closed') => {
    const done = await app.secure.client.setSubjectAccessStatus(r.id, next);
    onChanged(`The request about ${subjectOf(done)} is ${STATUS_LABELS[done.status].toLowerCase()}.`);
  });
  return (
    <>
      <ErrorSummary error={mark.error} />
      {r.status === 'open' && <GatherExport r={r} subject={subjectOf(r)} onDone={onChanged} />}
      {r.status === 'open' && (
        <Button variant="secondary" busy={mark.busy} onClick={() => void mark.run('answered')}>
          Mark answered<span class="visually-hidden"> (request about {subjectOf(r)})</span>
        </Button>
      )}
      {r.status !== 'closed' && (
        <Button variant="secondary" busy={mark.busy} onClick={() => void mark.run('closed')}>
          Close<span class="visually-hidden"> the request about {subjectOf(r)}</span>
        </Button>
      )}
      {r.status === 'open' && !r.extension && (
        <details class="panel">
          <summary>
            Extend the deadline<span class="visually-hidden"> of the request about {subjectOf(r)}</span>
          </summary>
          <form
            aria-label={`Extend the deadline of the request about ${subjectOf(r)}`}
            onSubmit={(e) => {
              e.preventDefault();
              void extend.run();
            }}
          >
            <ErrorSummary error={extend.error} />
            <Select
              label="By"
              value={months}
              options={Array.from({ length: MAX_EXTENSION_MONTHS }, (_, i) => ({
                value: String(i + 1) as '1' | '2',
                label: i === 0 ? 'One month' : `${i + 1} months`,
              }))}
              onChange={setMonths}
            />
            <TextArea
              label="Why it needs longer"
              hint="For example: many records across several agencies. Kept with the request; it can be extended only once."
              rows={2}
              required
              value={reason}
              onInput={setReason}
            />
            <Button type="submit" busy={extend.busy}>
              Extend the deadline
            </Button>
          </form>
        </details>
      )}
    </>
  );
}

function NewRequest({ onCreated }: { onCreated: (said: string) => void }) {
  const [receivedOn, setReceivedOn] = useState(new Date().toISOString().slice(0, 10));
  const [requesterType, setRequesterType] = useState<RequesterType | ''>('');
  const [refs, setRefs] = useState('');
  const create = useAction(async () => {
    if (!requesterType) throw new Error('Choose who asked.');
    const r = await app.secure.client.createSubjectAccessRequest({
      receivedOn,
      requesterType,
      refs: refs.split(/[\s,]+/).filter(Boolean),
    });
    setRefs('');
    onCreated(`Recorded the request about ${subjectOf(r)}: due on ${formatDate(r.deadline)}.`);
  });
  return (
    <section aria-labelledby="new-request-heading">
      <h2 id="new-request-heading">Record a request</h2>
      <form
        aria-labelledby="new-request-heading"
        onSubmit={(e) => {
          e.preventDefault();
          void create.run();
        }}
      >
        <ErrorSummary error={create.error} />
        <Field label="Received on" type="date" required value={receivedOn} onInput={setReceivedOn} />
        <Select
          label="Asked by"
          value={requesterType}
          placeholder="Choose who asked"
          options={REQUESTER_TYPES.map((t) => ({ value: t, label: REQUESTER_LABELS[t] }))}
          onChange={setRequesterType}
          required
        />
        <Field
          label="Family or family member references"
          hint="For example EH-2026-0042 or EH-2026-0042-M1; several separated by spaces. Never a name."
          spellcheck={false}
          autoComplete="off"
          required
          value={refs}
          onInput={setRefs}
        />
        <Button type="submit" busy={create.busy}>
          Record the request
        </Button>
      </form>
    </section>
  );
}

function Consultations(props: {
  loaded: { data: ConsultationView[] | null; error: string | null };
  mayMark: boolean;
  onChanged: (said: string) => void;
}) {
  const done = useAction(async (c: ConsultationView) => {
    await app.secure.client.consultationDone(c.id);
    props.onChanged(`Consultation about ${[...c.familyRefs, ...c.memberRefs].join(', ')} marked done.`);
  });
  const list = props.loaded.data;
  return (
    <section aria-labelledby="consultations-heading">
      <h2 id="consultations-heading">Consultations asked of your agency</h2>
      <p class="hint">Another agency received a request about information that came from yours: reply within 5 days.</p>
      <ErrorSummary error={props.loaded.error ?? done.error} />
      {list && list.length === 0 && <p>None open.</p>}
      {list && list.length > 0 && (
        <ul class="link-list">
          {list.map((c) => (
            <li key={c.id}>
              {[...c.familyRefs, ...c.memberRefs].join(', ')}: due {formatDate(c.dueOn)}
              {c.overdue && <strong class="warning-text"> Overdue</strong>}{' '}
              {props.mayMark && (
                <Button variant="secondary" busy={done.busy} onClick={() => void done.run(c)}>
                  Mark done<span class="visually-hidden"> (consultation due {formatDate(c.dueOn)})</span>
                </Button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
