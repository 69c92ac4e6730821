import { useEffect } from 'preact/hooks';
import type { QueueEntryView, ReferralReceipt } from '../../../sdk/browser.js';
import { Link } from '../router.js';
import { app } from '../state/app.js';
import { listenLive } from '../state/live.js';
import {
  capitalise,
  categoriesText,
  DECISION_LABELS,
  RAG_LABELS,
  REFERRAL_STATE_LABELS,
  URGENCY_LABELS,
} from '../state/referral-words.js';
import { namer, referralSettings, type KnownPerson } from '../state/referrals.js';
import { ErrorSummary, formatDateTime, PageTitle } from '../ui/form.js';
import { useLoad } from '../ui/status.js';
import { Td } from '../ui/table.js';
import { Deadline, RagTag, useNow } from './referral-parts.js';

/** What the queue screen loads together. */
interface QueuePage {
  entries: QueueEntryView[];
  counts: { label: string; n: number; rag?: keyof typeof RAG_LABELS | 'none' }[][];
  overdue: number;
  decided: ReferralReceipt[];
  people: Map<string, KnownPerson>;
  agencies: Map<string, string>;
}

/**
 * The MASH hub's queue (hub staff): open referrals, overdue first and then by deadline, with counts by
 * rating and by stage; and decided ones still to be closed. Kept current live.
 */
export function HubQueue() {
  const now = useNow();
  const page = useLoad(async (): Promise<QueuePage> => {
    const settings = await referralSettings();
    const s = app.secure;
    const [queue, decided, staff, agencies] = await Promise.all([
      s.client.referralQueue(),
      s.client.referrals({ box: 'hub', state: 'decided' }),
      settings.hubAgencyId ? s.client.searchUsers('', settings.hubAgencyId) : Promise.resolve([]),
      s.client.agencies(),
    ]);
    app.meet(staff.map((p) => ({ userId: p.id, displayName: p.displayName })));
    return {
      entries: queue.entries,
      overdue: queue.overdue,
      counts: [
        [
          { label: 'Red', n: queue.byRag.red, rag: 'red' },
          { label: 'Amber', n: queue.byRag.amber, rag: 'amber' },
          { label: 'Green', n: queue.byRag.green, rag: 'green' },
          { label: 'Not rated yet', n: queue.byRag.unrated, rag: 'none' },
        ],
        [
          { label: REFERRAL_STATE_LABELS.received, n: queue.byState.received },
          { label: REFERRAL_STATE_LABELS.screening, n: queue.byState.screening },
          { label: REFERRAL_STATE_LABELS.information_gathering, n: queue.byState.information_gathering },
        ],
      ],
      decided,
      people: new Map(staff.map((p) => [p.id, { name: p.displayName, agency: p.agencyName }])),
      agencies: new Map(agencies.map((a) => [a.id, a.name])),
    };
  });
  useEffect(() => listenLive((rt) => [rt.on('referral.updated', () => void page.reload())]), []);
  const p = page.data;
  const name = namer(app.user.id, p?.people ?? new Map(), 'someone at the hub');
  return (
    <main id="main">
      <PageTitle>The hub’s queue</PageTitle>
      <p>
        Open referrals, overdue first, then by when screening is due. Deadlines run from when the hub received each
        referral. The list updates by itself.
      </p>
      <ErrorSummary error={p ? null : page.error} />
      {!p ? (
        !page.error && <p role="status">Loading the queue…</p>
      ) : (
        <>
          {page.error && <p class="error-text">Could not refresh the queue: {page.error}</p>}
          <section aria-labelledby="counts">
            <h2 id="counts">
              {p.entries.length} open {p.entries.length === 1 ? 'referral' : 'referrals'}
            </h2>
            <p class={p.overdue ? 'overdue-count' : undefined}>
              {p.overdue === 0 ? (
                'None is overdue.'
              ) : (
                <strong>{p.overdue} overdue: screening should already have been done.</strong>
              )}
            </p>
            {(['By rating', 'By stage'] as const).map((title, i) => (
              <div key={title}>
                <h3>{title}</h3>
                <dl class="counts">
                  {p.counts[i].map((c) => (
                    <div key={c.label} class={c.rag ? `count count-${c.rag}` : 'count'}>
                      <dt>{c.label}</dt>
                      <dd>{c.n}</dd>
                    </div>
                  ))}
                </dl>
              </div>
            ))}
          </section>
          <section aria-labelledby="open">
            <h2 id="open">Waiting for screening or a decision</h2>
            {p.entries.length === 0 ? (
              <p>The queue is empty.</p>
            ) : (
              <table class="table queue">
                <caption class="visually-hidden">Open referrals, overdue first</caption>
                <thead>
                  <tr>
                    <th scope="col">Reference</th>
                    <th scope="col">Rating</th>
                    <th scope="col">Screening due</th>
                    <th scope="col">Where it is</th>
                    <th scope="col">Concern</th>
                    <th scope="col">From</th>
                    <th scope="col">Taken on by</th>
                  </tr>
                </thead>
                <tbody>
                  {p.entries.map((e) => (
                    <tr key={e.id} class={e.overdue ? 'row-overdue' : undefined}>
                      <th scope="row">
                        <Link href={`/referrals/${e.ref}`}>{e.ref}</Link>
                      </th>
                      <Td label="Rating">
                        <RagTag rag={e.rag} />
                        {!e.rag && <span class="covers">Asked: {URGENCY_LABELS[e.urgency].toLowerCase()}</span>}
                      </Td>
                      <Td label="Screening due">
                        <Deadline at={e.deadlineAt} overdue={e.overdue} now={now} />
                      </Td>
                      <Td label="Where it is">{REFERRAL_STATE_LABELS[e.state]}</Td>
                      <Td label="Concern">{categoriesText(e.categories)}</Td>
                      <Td label="From">{p.agencies.get(e.referrerAgencyId) ?? 'A partner agency'}</Td>
                      <Td label="Taken on by">{e.assignedTo ? capitalise(name(e.assignedTo)) : 'Nobody yet'}</Td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
          <section aria-labelledby="decided">
            <h2 id="decided">Decided, to be closed</h2>
            {p.decided.length === 0 ? (
              <p>No decided referral is waiting to be closed.</p>
            ) : (
              <table class="table">
                <caption class="visually-hidden">Decided referrals waiting to be closed</caption>
                <thead>
                  <tr>
                    <th scope="col">Reference</th>
                    <th scope="col">Rating</th>
                    <th scope="col">Decision</th>
                    <th scope="col">Decided on</th>
                  </tr>
                </thead>
                <tbody>
                  {p.decided.map((r) => (
                    <tr key={r.id}>
                      <th scope="row">
                        <Link href={`/referrals/${r.ref}`}>{r.ref}</Link>
                      </th>
                      <Td label="Rating">
                        <RagTag rag={r.rag} />
                      </Td>
                      <Td label="Decision">{r.decision ? DECISION_LABELS[r.decision] : 'Not recorded'}</Td>
                      <Td label="Decided on">{r.decidedAt ? formatDateTime(r.decidedAt) : 'Not recorded'}</Td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
        </>
      )}
    </main>
  );
}
