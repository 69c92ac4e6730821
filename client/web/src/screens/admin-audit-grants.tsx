import { useState } from 'preact/hooks';
import {
  GRANT_MAX_DAYS,
  type GrantCaseKind,
  type GrantView,
  type RequestGrantRequest,
} from '../../../../contracts/audit-grants.js';
import { app } from '../state/app.js';
import { Radios } from '../ui/choice.js';
import { ConfirmButton } from '../ui/confirm.js';
import { Button, ErrorSummary, Field, formatDateTime, PageTitle, TextArea, useAction } from '../ui/form.js';
import { Status, useLoad } from '../ui/status.js';
import { Td } from '../ui/table.js';
import { AdminPage } from './admin.js';

const STATUS_WORDS: Record<GrantView['status'], string> = {
  requested: 'Waiting for a decision',
  approved: 'Live',
  refused: 'Refused',
  ended: 'Ended early',
  expired: 'Ended at its time',
};

/** What a grant opens, in words. */
const caseWords = (g: GrantView) =>
  g.caseKind === 'channel'
    ? `Channel ${g.channelIds[0].slice(0, 8)}`
    : `${g.caseKind === 'family' ? 'Family' : 'Referral'} ${g.caseRef}`;

/**
 * Time-limited audit access (ISA 6.1). An auditor asks here for read-only access to one case and sees
 * their own requests; an ISA administrator sees every request and approves one with an end date,
 * refuses it, or ends live access early. Every member of the case sees the auditor and the end date.
 */
export function AdminAuditGrants() {
  const isAdmin = app.user.role === 'isa_admin';
  const list = useLoad(() => app.secure.client.grants());
  const [status, setStatus] = useState<string | null>(null);
  const grants = list.data ?? [];
  const pending = grants.filter((g) => g.status === 'requested');
  const others = grants.filter((g) => g.status !== 'requested');
  return (
    <AdminPage part="grants" title="Audit access">
      <PageTitle>Audit access</PageTitle>
      <p>
        An auditor reads one case, read-only, until the date an ISA administrator sets. Everyone in the case sees them
        and that date; when it passes they are removed and the conversation gets a new key.
      </p>
      <Status>{status}</Status>
      <ErrorSummary error={list.error} />
      {!isAdmin && <RequestForm onDone={(m) => void list.reload().then(() => setStatus(m))} />}
      {list.data && (
        <>
          <h2>{isAdmin ? 'Waiting for a decision' : 'Your requests waiting for a decision'}</h2>
          {pending.length === 0 ? (
            <p>No request is waiting.</p>
          ) : (
            <GrantsTable
              caption="Requests waiting for a decision"
              grants={pending}
              isAdmin={isAdmin}
              onChanged={(m) => void list.reload().then(() => setStatus(m))}
            />
          )}
          <h2>{isAdmin ? 'Decided' : 'Your access'}</h2>
          {others.length === 0 ? (
            <p>Nothing decided yet.</p>
          ) : (
            <GrantsTable
              caption="Decided requests, newest first"
              grants={others}
              isAdmin={isAdmin}
              onChanged={(m) => void list.reload().then(() => setStatus(m))}
            />
          )}
        </>
      )}
      {!list.data && !list.error && <p role="status">Loading…</p>}
    </AdminPage>
  );
}

function RequestForm({ onDone }: { onDone: (message: string) => void }) {
  const [kind, setKind] = useState<GrantCaseKind>('family');
  const [which, setWhich] = useState('');
  const [purpose, setPurpose] = useState('');
  const send = useAction(async () => {
    const what = which.trim();
    if (!what) throw new Error('Say which case: its reference, or the channel’s id.');
    const body: RequestGrantRequest =
      kind === 'channel'
        ? { kind, channelId: what, purpose }
        : kind === 'family'
          ? { kind, family: what, purpose }
          : { kind, referral: what, purpose };
    const grant = await app.secure.client.requestGrant(body);
    setWhich('');
    setPurpose('');
    onDone(`Asked for access to ${caseWords(grant)}. An ISA administrator decides.`);
  });
  return (
    <section aria-labelledby="ask-heading">
      <h2 id="ask-heading">Ask for access to a case</h2>
      <ErrorSummary error={send.error} />
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void send.run();
        }}
      >
        <Radios
          legend="What is the case?"
          name="kind"
          value={kind}
          inline
          options={[
            { value: 'family', label: 'A family' },
            { value: 'referral', label: 'A referral' },
            { value: 'channel', label: 'A channel' },
          ]}
          onChange={setKind}
        />
        <Field
          label={kind === 'channel' ? 'The channel’s id' : 'Its reference'}
          hint={
            kind === 'family'
              ? 'For example EH-2026-0001'
              : kind === 'referral'
                ? 'For example MASH-2026-000001'
                : undefined
          }
          value={which}
          onInput={setWhich}
          required
          maxLength={64}
        />
        <TextArea
          label="What is the audit for?"
          hint="Kept with your request for the ISA team; it is not written to the audit log."
          value={purpose}
          onInput={setPurpose}
          required
          maxLength={1000}
          rows={3}
        />
        <Button type="submit" busy={send.busy}>
          Ask for access
        </Button>
      </form>
    </section>
  );
}

function GrantsTable(props: {
  caption: string;
  grants: GrantView[];
  isAdmin: boolean;
  onChanged: (message: string) => void;
}) {
  return (
    <table class="table">
      <caption class="visually-hidden">{props.caption}</caption>
      <thead>
        <tr>
          {props.isAdmin && <th scope="col">Auditor</th>}
          <th scope="col">Case</th>
          <th scope="col">Purpose</th>
          <th scope="col">Status</th>
          <th scope="col">Until</th>
          {props.isAdmin && (
            <th scope="col">
              <span class="visually-hidden">Actions</span>
            </th>
          )}
        </tr>
      </thead>
      <tbody>
        {props.grants.map((g) => (
          <tr key={g.id}>
            {props.isAdmin && <Td label="Auditor">{g.auditorName}</Td>}
            <Td label="Case">{caseWords(g)}</Td>
            <Td label="Purpose">{g.purpose}</Td>
            <Td label="Status">{STATUS_WORDS[g.status]}</Td>
            <Td label="Until">{g.endedAt || g.endsAt ? formatDateTime((g.endedAt ?? g.endsAt)!) : ''}</Td>
            {props.isAdmin && (
              <td>
                {g.status === 'requested' && <Decide grant={g} onChanged={props.onChanged} />}
                {g.status === 'approved' && (
                  <ConfirmButton
                    label={
                      <>
                        End now
                        <span class="visually-hidden">
                          {' '}
                          ({g.auditorName}, {caseWords(g)})
                        </span>
                      </>
                    }
                    question={`End ${g.auditorName}’s access to ${caseWords(g)} now? They are removed at once and the conversation gets a new key.`}
                    confirmLabel="Yes, end it"
                    variant="warning"
                    onConfirm={async () => {
                      await app.secure.client.endGrant(g.id);
                      props.onChanged(`${g.auditorName}’s access to ${caseWords(g)} has ended.`);
                    }}
                  />
                )}
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The date a new grant ends by default: two weeks from today, as the date input writes it. */
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

/** Approve until a date (the end of that day, here), or refuse. */
function Decide({ grant, onChanged }: { grant: GrantView; onChanged: (message: string) => void }) {
  const [until, setUntil] = useState(inDays(14));
  const approve = useAction(async () => {
    const [y, m, d] = until.split('-').map(Number);
    if (!y || !m || !d) throw new Error('Choose the day the access ends.');
    const endsAt = new Date(y, m - 1, d + 1).toISOString();
    const approved = await app.secure.client.approveGrant(grant.id, { endsAt });
    onChanged(`${approved.auditorName} can read ${caseWords(approved)} until ${formatDateTime(approved.endsAt!)}.`);
  });
  const refuse = useAction(async () => {
    await app.secure.client.refuseGrant(grant.id);
    onChanged(`Refused ${grant.auditorName}’s request for ${caseWords(grant)}.`);
  });
  return (
    <div class="decide">
      <ErrorSummary error={approve.error ?? refuse.error} />
      <Field
        label={`Access for ${grant.auditorName} ends after`}
        hint={`At most ${GRANT_MAX_DAYS} days from today.`}
        type="date"
        value={until}
        onInput={setUntil}
        min={inDays(0)}
        max={inDays(GRANT_MAX_DAYS - 1)}
      />
      <Button busy={approve.busy} onClick={() => void approve.run()}>
        Approve
        <span class="visually-hidden">
          {' '}
          {grant.auditorName}’s request for {caseWords(grant)}
        </span>
      </Button>{' '}
      <Button variant="secondary" busy={refuse.busy} onClick={() => void refuse.run()}>
        Refuse
        <span class="visually-hidden">
          {' '}
          {grant.auditorName}’s request for {caseWords(grant)}
        </span>
      </Button>
    </div>
  );
}
