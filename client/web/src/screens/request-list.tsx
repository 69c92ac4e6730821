import { useEffect } from 'preact/hooks';
import type { InformationRequestView, ReferralView } from '../../../sdk/browser.js';
import { Link } from '../router.js';
import { app } from '../state/app.js';
import type { FamilyRecord } from '../state/family.js';
import { listenLive } from '../state/live.js';
import { isOpen, REQUEST_STATE_LABELS } from '../state/request-words.js';
import { ErrorSummary, formatDateTime } from '../ui/form.js';
import { useLoad } from '../ui/status.js';
import { Td } from '../ui/table.js';
import { Deadline, useNow } from './referral-parts.js';
import { AskForInformation, type AskableAgency } from './request-new.js';

/**
 * Lists of information requests: the table the requests screen shows for each box, and the requests
 * about one family or one referral on its page, with the form that asks another agency.
 */

export function RequestTable({
  box,
  rows,
  now,
  onRecordPage = false,
}: {
  box: 'inbox' | 'outbox';
  rows: InformationRequestView[];
  now: number;
  /** On the family's or referral's own page: each request is named by the agency asked, not the record. */
  onRecordPage?: boolean;
}) {
  const inbox = box === 'inbox';
  return (
    <table class="table queue">
      <caption class="visually-hidden">
        {inbox ? 'Requests asked of your agency' : 'Requests you asked'}, overdue first, then by when they are due
      </caption>
      <thead>
        <tr>
          {!onRecordPage && <th scope="col">About</th>}
          <th scope="col">{inbox ? 'Asked by' : 'Asked of'}</th>
          {onRecordPage && <th scope="col">Asked by</th>}
          <th scope="col">Due</th>
          <th scope="col">Where it is</th>
          {inbox && <th scope="col">Assigned to</th>}
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.id} class={r.overdue ? 'row-overdue' : undefined}>
            {onRecordPage ? (
              <>
                <th scope="row">
                  <Link href={`/requests/${r.id}`}>{r.toAgency.name}</Link>
                </th>
                <Td label="Asked by">
                  {r.requestedBy.userId === app.user.id ? 'You' : r.requestedBy.displayName}
                  <span class="covers">on {formatDateTime(r.createdAt)}</span>
                </Td>
              </>
            ) : (
              <>
                <th scope="row">
                  <Link href={`/requests/${r.id}`}>
                    {r.subject.reference}
                    <span class="visually-hidden">
                      {inbox ? `, from ${r.requestedBy.agencyName}` : `, to ${r.toAgency.name}`}
                    </span>
                  </Link>
                  <span class="covers">{r.subject.kind === 'family' ? 'A family' : 'A referral'}</span>
                </th>
                <Td label={inbox ? 'Asked by' : 'Asked of'}>
                  {inbox ? (
                    <>
                      {r.requestedBy.displayName}
                      <span class="covers">{r.requestedBy.agencyName}</span>
                    </>
                  ) : (
                    r.toAgency.name
                  )}
                </Td>
              </>
            )}
            <Td label="Due">
              {isOpen(r.state) ? (
                <Deadline at={r.dueAt} overdue={r.overdue} now={now} />
              ) : (
                <time dateTime={r.dueAt}>{formatDateTime(r.dueAt)}</time>
              )}
            </Td>
            <Td label="Where it is">{REQUEST_STATE_LABELS[r.state]}</Td>
            {inbox && (
              <Td label="Assigned to">
                {r.assignee ? (r.assignee.userId === app.user.id ? 'You' : r.assignee.displayName) : 'Nobody yet'}
              </Td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The requests this person asked about a subject (none for anyone else), kept current live. */
function useRequestsAbout(about: (r: InformationRequestView) => boolean) {
  const list = useLoad(async () => (await app.secure.client.informationRequests({ box: 'outbox' })).filter(about));
  useEffect(() => listenLive((rt) => [rt.on('information_request.updated', () => void list.reload())]), []);
  return list;
}

/** On a family's page: the requests about it, and (for its lead worker) the form that asks another agency. */
export function FamilyRequests({ record }: { record: FamilyRecord }) {
  const now = useNow();
  const { family, register } = record;
  const lead = family.leadWorker.userId === app.user.id;
  const list = useRequestsAbout((r) => r.subject.kind === 'family' && r.subject.familyId === family.id);
  const own = app.me.value?.agency.id;
  const askable: AskableAgency[] = register.sharing.agencies
    .filter((a) => a.agencyId !== own)
    .map((a) => ({ id: a.agencyId, name: a.agencyName }))
    .sort((a, b) => a.name.localeCompare(b.name));
  return (
    <>
      <ErrorSummary error={list.error} />
      {list.data &&
        (list.data.length === 0 ? (
          <p>
            {lead
              ? 'You have not asked another agency about this family.'
              : 'Only the family’s lead worker asks other agencies what they hold about the family.'}
          </p>
        ) : (
          <RequestTable box="outbox" rows={list.data} now={now} onRecordPage />
        ))}
      {lead && (
        <AskForInformation
          subject={{ kind: 'family', familyId: family.id }}
          reference={family.ref}
          agencies={askable}
          intro={
            'Ask a partner agency what it holds about the family. You can ask only the agencies the family’s consent, ' +
            'or a lawful basis recorded above, lets you share with: record one to ask another.'
          }
        />
      )}
    </>
  );
}

/** On a referral's page, for the hub's staff: the requests about it, and the form that asks a partner. */
export function ReferralRequests({ view, canAsk }: { view: ReferralView; canAsk: boolean }) {
  const now = useNow();
  const list = useRequestsAbout((r) => r.subject.kind === 'referral' && r.subject.referralId === view.id);
  const agencies = useLoad(() => app.secure.client.agencies());
  const own = app.me.value?.agency.id;
  const askable: AskableAgency[] = (agencies.data ?? [])
    .filter((a) => a.id !== own && (a.status === 'signed' || a.status === 'notice_given'))
    .map((a) => ({ id: a.id, name: a.name }))
    .sort((a, b) => a.name.localeCompare(b.name));
  return (
    <>
      <ErrorSummary error={list.error ?? agencies.error} />
      {list.data &&
        (list.data.length === 0 ? (
          <p>The hub has not asked a partner agency about this referral.</p>
        ) : (
          <RequestTable box="outbox" rows={list.data} now={now} onRecordPage />
        ))}
      {canAsk && view.ref && agencies.data && (
        <AskForInformation
          subject={{ kind: 'referral', referralId: view.id }}
          reference={view.ref}
          agencies={askable}
          intro="Ask a partner agency what it holds about the people in this referral while the hub screens it. The question is encrypted: only the hub’s staff and the people answering for the agency can read it."
        />
      )}
    </>
  );
}
