import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { Link } from '../router.js';
import { app } from '../state/app.js';
import type { ChannelItem } from '../state/inbox.js';
import { useObservable } from '../state/observable.js';
import {
  markWords,
  notOpened,
  openConversations,
  openedUpTo,
  searchOpened,
  searchWords,
  type OpenFailure,
  type SearchHit,
} from '../state/search.js';
import { Button, Field, formatDateTime, PageTitle, useAction } from '../ui/form.js';
import { Status } from '../ui/status.js';

/** How many results are listed at most: the newest. More words narrow it. */
const SHOWN = 100;

/** Who is who in each conversation, for naming senders: user id to name. */
type Names = Map<string, Map<string, string>>;

/**
 * Search within what this browser has opened. The server holds only what it cannot read, so the words
 * searched for never leave the page: not sent, not put in the address (which the browser's history
 * keeps on disk), not offered for the browser to remember (`autocomplete="off"`).
 */
export function Search() {
  const channels = useObservable(app.inbox.channels);
  const [query, setQuery] = useState('');
  const [words, setWords] = useState<string[] | null>(null);
  const [opening, setOpening] = useState<{ current: number; total: number } | null>(null);
  const [opened, setOpened] = useState<{ failures: OpenFailure[] } | null>(null);
  const [now, setNow] = useState(() => Date.now());
  const names = useSenderNames(channels);
  const stopped = useRef(false);
  const summary = useRef<HTMLDivElement>(null);

  useEffect(() => {
    app.inbox.refreshSoon();
    // A message leaves the results when it expires, by this browser's clock, as it leaves its conversation.
    const tick = setInterval(() => setNow(Date.now()), 5000);
    return () => {
      stopped.current = true;
      clearInterval(tick);
    };
  }, []);

  const openAll = useAction(async () => {
    setOpened(null);
    const todo = notOpened(app.secure, channels ?? []);
    const failures = await openConversations(
      app.secure,
      todo,
      (current, total) => !stopped.current && setOpening({ current, total }),
      (err) => app.failed(err),
      () => stopped.current,
    );
    if (stopped.current) return;
    setOpening(null);
    setOpened({ failures });
    setNow(Date.now());
    // The button goes once all are open: focus moves to the words that say how it went.
    requestAnimationFrame(() => summary.current?.focus());
  });

  const hits = useMemo(
    () => (words && channels ? searchOpened(app.secure, channels, words, new Date(now)) : null),
    // `opening` moves on as each conversation is opened: what it brought is searched at once.
    [words, channels, now, opening],
  );

  if (!channels) {
    return (
      <main id="main">
        <PageTitle>Search messages</PageTitle>
        <p role="status">Loading your conversations…</p>
      </main>
    );
  }

  const openCount = channels.filter((c) => openedUpTo(app.secure, c.id) !== null).length;
  const behind = notOpened(app.secure, channels);
  return (
    <main id="main">
      <PageTitle>Search messages</PageTitle>
      <p>Searches the messages this browser has opened since you unlocked it; nothing is sent to the server.</p>
      <section class="search-coverage" aria-labelledby="coverage-heading">
        <h2 id="coverage-heading" class="visually-hidden">
          What can be found
        </h2>
        <p>
          This browser has opened {openCount} of your {channels.length}{' '}
          {channels.length === 1 ? 'conversation' : 'conversations'}.
          {behind.length > 0 &&
            ` ${behind.length} ${behind.length === 1 ? 'has' : 'have'} messages it has not opened yet, which a search cannot find.`}
        </p>
        {(behind.length > 0 || openAll.busy) && (
          <>
            <p class="hint" id="open-all-hint">
              Opening them fetches their messages and unlocks them in this browser only. It can take a while.
            </p>
            <Button
              variant="secondary"
              busy={openAll.busy}
              aria-describedby="open-all-hint"
              onClick={() => void openAll.run()}
            >
              Open all your conversations
            </Button>
          </>
        )}
        <Status>
          {opening
            ? `Opening ${opening.current} of ${opening.total} ${opening.total === 1 ? 'conversation' : 'conversations'}…`
            : opened && (
                <div tabIndex={-1} ref={summary}>
                  <OpenedSummary failures={opened.failures} />
                </div>
              )}
        </Status>
        {openAll.error && <p class="error-text">{openAll.error}</p>}
      </section>

      <form
        role="search"
        aria-label="Messages"
        class="search-form"
        onSubmit={(e) => {
          e.preventDefault();
          const w = searchWords(query);
          setWords(w.length ? w : null);
          setNow(Date.now());
        }}
      >
        <Field
          label="Words to find"
          hint="Finds messages with all of these words, in any order. Capital letters do not matter."
          type="search"
          autoComplete="off"
          spellcheck={false}
          value={query}
          onInput={setQuery}
        />
        <Button type="submit">Search</Button>
      </form>

      <p role="status" class="search-count">
        {hits && countText(hits)}
      </p>
      {hits && words && hits.length > 0 && <Results hits={hits} words={words} channels={channels} names={names} />}
    </main>
  );
}

function OpenedSummary({ failures }: { failures: OpenFailure[] }) {
  if (!failures.length) return <>All your conversations are open in this browser.</>;
  return (
    <>
      {failures.length === 1 ? 'One conversation' : `${failures.length} conversations`} could not be opened:
      <ul>
        {failures.map((f, i) => (
          <li key={i}>
            {f.name}: {f.reason}
          </li>
        ))}
      </ul>
    </>
  );
}

function countText(hits: SearchHit[]): string {
  if (!hits.length) return 'No messages found. Try fewer words, or open all your conversations first.';
  const where = new Set(hits.map((h) => h.channelId)).size;
  const found = `${hits.length} ${hits.length === 1 ? 'message' : 'messages'} found in ${where} ${
    where === 1 ? 'conversation' : 'conversations'
  }.`;
  return hits.length > SHOWN ? `${found} The newest ${SHOWN} are shown: add words to narrow it.` : found;
}

function Results(props: { hits: SearchHit[]; words: string[]; channels: ChannelItem[]; names: Names }) {
  const byId = new Map(props.channels.map((c) => [c.id, c]));
  const who = (h: SearchHit) => {
    if (h.senderUserId === null) return 'Unknown sender';
    if (h.senderUserId === app.user.id) return 'You';
    const c = byId.get(h.channelId);
    if (c?.directWith?.userId === h.senderUserId) return c.directWith.displayName;
    const people = props.names.get(h.channelId);
    // Until the conversation's people are fetched; after that, one not among them has left it.
    if (!people) return 'A member of this conversation';
    return people.get(h.senderUserId) ?? 'A former member';
  };
  return (
    <ol class="search-results" aria-label="Messages found">
      {props.hits.slice(0, SHOWN).map((h) => {
        const name = byId.get(h.channelId)?.name ?? 'A conversation';
        return (
          <li key={`${h.channelId}-${h.seq}`} class="message">
            <p class="message-meta">
              <strong>{who(h)}</strong> in <Link href={`/channels/${h.channelId}`}>{name}</Link>,{' '}
              <time dateTime={h.at}>{formatDateTime(h.at)}</time>
              {h.edited && <span class="hint"> (edited)</span>}
            </p>
            <p class="message-text">
              {markWords(h.text, props.words).map((part, i) =>
                part.marked ? <mark key={i}>{part.text}</mark> : part.text,
              )}
            </p>
          </li>
        );
      })}
    </ol>
  );
}

/**
 * The names of the people in each opened conversation (direct ones name the other person already).
 * Fetched for every opened conversation, whatever is searched for, so the server cannot tell from these
 * requests which conversations a search found anything in.
 */
function useSenderNames(channels: ChannelItem[] | null): Names {
  const [names, setNames] = useState<Names>(new Map());
  const wanted = (channels ?? [])
    .filter((c) => c.kind !== 'direct' && openedUpTo(app.secure, c.id) !== null)
    .map((c) => c.id);
  const key = wanted.join(',');
  useEffect(() => {
    let current = true;
    void (async () => {
      for (const id of wanted) {
        if (!current) return;
        if (names.has(id)) continue;
        try {
          const view = await app.secure.client.channel(id);
          const map = new Map<string, string>();
          for (const m of view.formerMembers) map.set(m.userId, m.displayName);
          for (const m of view.members) map.set(m.userId, m.displayName);
          if (current) setNames((all) => new Map(all).set(id, map));
        } catch {
          // A conversation whose people cannot be fetched just now shows its senders as unknown.
        }
      }
    })();
    return () => {
      current = false;
    };
    // `wanted` is a new array each render; `key` is what it holds.
  }, [key]);
  return names;
}
