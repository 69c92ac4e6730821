import { useEffect, useState } from 'preact/hooks';
import type { UserDirectoryEntry } from '../../../sdk/browser.js';
import { UNREAD_COUNT_MAX } from '../../../../contracts/channels.js';
import { Link, navigate } from '../router.js';
import { app } from '../state/app.js';
import { KIND_LABELS } from '../state/inbox.js';
import { useObservable } from '../state/observable.js';
import { Button, ErrorSummary, Field, PageTitle, useAction } from '../ui/form.js';
import { BrowserNotifications } from './browser-notifications.js';

/** The person's conversations, most recent first, with how many messages they have not read. */
export function Channels() {
  const channels = useObservable(app.inbox.channels);
  const changes = useObservable(app.changes);
  // Fetched afresh on arrival and whenever memberships change, besides the live events the list follows.
  useEffect(() => {
    app.inbox.refreshSoon();
  }, [changes]);
  return (
    <main id="main">
      <PageTitle>Messages</PageTitle>
      <p>
        <Link href="/new-message" class="button button-primary">
          New direct message
        </Link>
      </p>
      {channels === null && <p role="status">Loading your conversations…</p>}
      {channels?.length === 0 && <p>You are not in any conversations yet. Start one with a colleague.</p>}
      {channels && channels.length > 0 && (
        <ul class="channel-list" aria-label="Your conversations">
          {channels.map((c) => (
            <li key={c.id} class={c.unreadCount ? 'unread' : undefined}>
              <Link href={`/channels/${c.id}`}>
                <span class="channel-name">{c.name}</span>
                <span class="channel-kind">
                  {c.kind === 'direct' && c.directWith ? c.directWith.agencyName : KIND_LABELS[c.kind]}
                </span>
                {c.unreadCount > 0 && (
                  <span class="badge">
                    {c.unreadCount >= UNREAD_COUNT_MAX ? `${UNREAD_COUNT_MAX}+` : c.unreadCount}{' '}
                    <span class="visually-hidden">unread</span>
                  </span>
                )}
              </Link>
            </li>
          ))}
        </ul>
      )}
      <BrowserNotifications />
    </main>
  );
}

/** Find a colleague by name or agency and open (or start) the direct conversation with them. */
export function NewMessage() {
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<UserDirectoryEntry[] | null>(null);
  const search = useAction(async () => {
    setResults(await app.secure.client.searchUsers(query.trim()));
  });
  const start = useAction(async (person: UserDirectoryEntry) => {
    const existing = app.inbox.channels.value?.find((c) => c.kind === 'direct' && c.directWith?.userId === person.id);
    if (existing) return navigate(`/channels/${existing.id}`);
    const id = await app.secure.createChannel({ kind: 'direct', members: [{ userId: person.id }] });
    app.inbox.refreshSoon();
    navigate(`/channels/${id}`);
  });
  return (
    <main id="main" class="narrow">
      <PageTitle>New direct message</PageTitle>
      <p>Colleagues in agencies that have signed the agreement. Search by name or by agency.</p>
      <ErrorSummary error={search.error ?? start.error} />
      <form
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          if (query.trim().length >= 2) void search.run();
        }}
      >
        <Field
          label="Name or agency"
          hint="At least two letters."
          type="search"
          autoComplete="off"
          minLength={2}
          required
          value={query}
          onInput={setQuery}
        />
        <Button type="submit" busy={search.busy}>
          Search
        </Button>
      </form>
      {results && (
        <section aria-labelledby="results-heading">
          <h2 id="results-heading">Results</h2>
          <p role="status">
            {results.length === 0
              ? 'Nobody found. Try part of their name, or their agency.'
              : `${results.length} ${results.length === 1 ? 'colleague' : 'colleagues'} found`}
          </p>
          <ul class="people">
            {results
              .filter((p) => p.id !== app.user.id)
              .map((p) => (
                <li key={p.id}>
                  <span>
                    <strong>{p.displayName}</strong>, {p.agencyName}
                  </span>
                  <Button variant="secondary" busy={start.busy} onClick={() => void start.run(p)}>
                    Message <span class="visually-hidden">{p.displayName}</span>
                  </Button>
                </li>
              ))}
          </ul>
        </section>
      )}
    </main>
  );
}
