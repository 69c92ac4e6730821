import { useEffect } from 'preact/hooks';
import { app } from '../state/app.js';
import { listenLive } from '../state/live.js';
import { useObservable } from '../state/observable.js';
import { isOpen } from '../state/request-words.js';
import { ErrorSummary, PageTitle } from '../ui/form.js';
import { useLoad } from '../ui/status.js';
import { count } from '../ui/words.js';
import { useNow } from './referral-parts.js';
import { RequestTable } from './request-list.js';

/**
 * Information requests between agencies: those asked of the person's agency (all of them for its
 * administrators, those given to them for anyone else) and those they asked, overdue first. Nothing here
 * is decrypted: the question and answer are on each request's page. Kept current live.
 */
export function Requests() {
  const now = useNow();
  const changes = useObservable(app.changes);
  const lists = useLoad(async () => {
    const [inbox, outbox] = await Promise.all([
      app.secure.client.informationRequests({ box: 'inbox' }),
      app.secure.client.informationRequests({ box: 'outbox' }),
    ]);
    return { inbox, outbox };
  }, [changes]);
  useEffect(() => listenLive((rt) => [rt.on('information_request.updated', () => void lists.reload())]), []);
  const admin = app.user.role === 'agency_admin';
  const agency = app.me.value?.agency.name ?? 'your agency';
  const data = lists.data;
  const waiting = data?.inbox.filter((r) => isOpen(r.state)).length ?? 0;
  const overdue = data?.inbox.filter((r) => r.overdue).length ?? 0;
  return (
    <main id="main">
      <PageTitle>Information requests</PageTitle>
      <p>
        Agencies ask each other what they hold about a family or a referral, why they need it and by when. The question,
        the answer and any reason for declining are encrypted: only the people on the two sides of a request can read
        them. Ask from a family’s page (as its lead worker) or a referral’s page (as the hub’s staff).
      </p>
      <ErrorSummary error={data ? null : lists.error} />
      {!data ? (
        !lists.error && <p role="status">Loading requests…</p>
      ) : (
        <>
          {lists.error && <p class="error-text">Could not refresh the lists: {lists.error}</p>}
          <section aria-labelledby="inbox">
            <h2 id="inbox">Asked of your agency</h2>
            {data.inbox.length === 0 ? (
              <p>
                {admin
                  ? `Nobody has asked ${agency} for information.`
                  : `No request to ${agency} has been given to you to answer.`}
              </p>
            ) : (
              <>
                <p class={overdue ? 'overdue-count' : undefined}>
                  {waiting === 0
                    ? 'None is waiting for an answer.'
                    : `${count(waiting, 'request')} waiting for an answer${overdue ? `, ${overdue} of them overdue` : ''}.`}
                  {admin && ' As an agency administrator you accept each, give it to someone to answer, or answer it.'}
                </p>
                <RequestTable box="inbox" rows={data.inbox} now={now} />
              </>
            )}
          </section>
          <section aria-labelledby="outbox">
            <h2 id="outbox">Asked by you</h2>
            {data.outbox.length === 0 ? (
              <p>You have not asked another agency for information.</p>
            ) : (
              <RequestTable box="outbox" rows={data.outbox} now={now} />
            )}
          </section>
        </>
      )}
    </main>
  );
}
