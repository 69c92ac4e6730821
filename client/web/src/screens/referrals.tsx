import { useEffect } from 'preact/hooks';
import type { ReferralReceipt } from '../../../sdk/browser.js';
import { Link } from '../router.js';
import { app } from '../state/app.js';
import { listenLive } from '../state/live.js';
import { categoriesText, DECISION_LABELS, REFERRAL_STATE_LABELS } from '../state/referral-words.js';
import { useHubWorker } from '../state/referrals.js';
import { ErrorSummary, formatDateTime, PageTitle } from '../ui/form.js';
import { useLoad } from '../ui/status.js';
import { Td } from '../ui/table.js';
import { RagTag } from './referral-parts.js';

/**
 * The referrals the person made (what happened to each: state, rating, decision) and those the hub shared
 * with them; a way to make a new one.
 */
export function MyReferrals() {
  const hub = useHubWorker();
  const lists = useLoad(async () => {
    const [mine, shared] = await Promise.all([
      app.secure.client.referrals({ box: 'mine' }),
      app.secure.client.referrals({ box: 'shared' }),
    ]);
    // A draft is a referral whose sending failed part way: it was never sent, and the form starts afresh.
    return { mine: mine.filter((r) => r.ref), shared: shared.filter((r) => r.ref) };
  });
  useEffect(() => listenLive((rt) => [rt.on('referral.updated', () => void lists.reload())]), []);
  const role = app.user.role;
  const canRefer = role !== 'auditor' && role !== 'isa_admin';
  return (
    <main id="main">
      <PageTitle>My referrals</PageTitle>
      <p>
        Referrals to the MASH hub, the front door for new safeguarding concerns. Each has a reference number (such as
        MASH-2026-000123) to quote when you contact the hub.
      </p>
      <ul class="link-list inline-links">
        {canRefer && (
          <li>
            <Link href="/referrals/new" class="button button-primary">
              Make a referral
            </Link>
          </li>
        )}
        {hub && (
          <li>
            <Link href="/referrals/queue">The hub’s queue</Link>
          </li>
        )}
      </ul>
      <ErrorSummary error={lists.data ? null : lists.error} />
      {!lists.data ? (
        !lists.error && <p role="status">Loading referrals…</p>
      ) : (
        <>
          {lists.error && <p class="error-text">Could not refresh the lists: {lists.error}</p>}
          <section aria-labelledby="mine">
            <h2 id="mine">Referrals you made</h2>
            {lists.data.mine.length === 0 ? (
              <p>You have not made any referrals.</p>
            ) : (
              <>
                <p class="hint">
                  Once the hub takes a referral on, you see its rating and decision, not what the hub or partners write.
                </p>
                <ReferralTable caption="Referrals you made, newest first" rows={lists.data.mine} />
              </>
            )}
          </section>
          {lists.data.shared.length > 0 && (
            <section aria-labelledby="shared">
              <h2 id="shared">Shared with you by the hub</h2>
              <ReferralTable caption="Referrals shared with you" rows={lists.data.shared} />
            </section>
          )}
        </>
      )}
    </main>
  );
}

function ReferralTable({ caption, rows }: { caption: string; rows: ReferralReceipt[] }) {
  const sorted = [...rows].sort((a, b) => (b.receivedAt ?? '').localeCompare(a.receivedAt ?? ''));
  return (
    <table class="table">
      <caption class="visually-hidden">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Reference</th>
          <th scope="col">Sent</th>
          <th scope="col">Concern</th>
          <th scope="col">Where it is</th>
          <th scope="col">Rating</th>
          <th scope="col">Decision</th>
        </tr>
      </thead>
      <tbody>
        {sorted.map((r) => (
          <tr key={r.id}>
            <th scope="row">
              <Link href={`/referrals/${r.ref}`}>{r.ref}</Link>
            </th>
            <Td label="Sent">{r.receivedAt ? formatDateTime(r.receivedAt) : 'Not sent'}</Td>
            <Td label="Concern">{categoriesText(r.categories)}</Td>
            <Td label="Where it is">{REFERRAL_STATE_LABELS[r.state]}</Td>
            <Td label="Rating">
              <RagTag rag={r.rag} />
            </Td>
            <Td label="Decision">{r.decision ? DECISION_LABELS[r.decision] : 'Not decided yet'}</Td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
