import { useEffect, useRef, useState } from 'preact/hooks';
import type { UserDirectoryEntry } from '../../../sdk/browser.js';
import { app } from '../state/app.js';
import { Button, Field, useAction, useId } from './form.js';
import { ROLE_LABELS } from './words.js';

/**
 * Finds a colleague in a partner agency by name or agency (the directory search the new-message screen
 * uses) and picks one. It lives inside another form, so it is no form itself: Enter in its box searches
 * rather than sending the form around it.
 */
export function FindPerson(props: {
  /** The question, e.g. "Partner practitioner to share with". */
  label: string;
  hint?: string;
  chosen: UserDirectoryEntry | null;
  onChoose: (person: UserDirectoryEntry | null) => void;
  /** Who may be picked (say, practitioners only); the others are not listed. */
  allow?: (person: UserDirectoryEntry) => boolean;
  /** Why someone listed by the directory is not offered, shown when the search found only such people. */
  allowHint?: string;
  /** Search one agency only (say, the person's own when they assign someone of it). */
  agencyId?: string;
}) {
  const id = useId('find');
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<UserDirectoryEntry[] | null>(null);
  const search = useAction(async () => {
    if (query.trim().length < 2) throw new Error('Type at least two letters of their name or agency.');
    const found = await app.secure.client.searchUsers(query.trim(), props.agencyId);
    app.meet(found.map((p) => ({ userId: p.id, displayName: p.displayName })));
    setResults(found.filter((p) => p.id !== app.user.id));
  });
  if (props.chosen) {
    return <Chosen id={id} label={props.label} person={props.chosen} onChange={() => props.onChoose(null)} />;
  }
  const offered = results?.filter((p) => !props.allow || props.allow(p)) ?? null;
  return (
    <div
      class="find-person"
      onKeyDown={(e) => {
        if (e.key === 'Enter' && (e.target as HTMLElement).tagName === 'INPUT') {
          e.preventDefault();
          void search.run();
        }
      }}
    >
      <Field
        label={props.label}
        hint={props.hint ?? 'Search by name or agency: at least two letters.'}
        type="search"
        autoComplete="off"
        value={query}
        onInput={setQuery}
      />
      <Button variant="secondary" busy={search.busy} onClick={() => void search.run()}>
        Search <span class="visually-hidden">for {props.label.toLowerCase()}</span>
      </Button>
      {search.error && (
        <p class="error-text" role="alert">
          {search.error}
        </p>
      )}
      {offered && (
        <>
          <p role="status">
            {offered.length === 0
              ? results?.length && props.allowHint
                ? props.allowHint
                : 'Nobody found. Try part of their name, or their agency.'
              : `${offered.length} ${offered.length === 1 ? 'person' : 'people'} found`}
          </p>
          <ul class="people">
            {offered.map((p) => (
              <li key={p.id}>
                <span>
                  <strong>{p.displayName}</strong>, {p.agencyName} ({ROLE_LABELS[p.role]})
                </span>
                <Button variant="secondary" onClick={() => props.onChoose(p)}>
                  Choose <span class="visually-hidden">{p.displayName}</span>
                </Button>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

/** The person picked, focused when it appears (the search it replaces had the focus). */
function Chosen(props: { id: string; label: string; person: UserDirectoryEntry; onChange: () => void }) {
  const ref = useRef<HTMLParagraphElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <div class="field chosen-person" role="group" aria-labelledby={`${props.id}-label`}>
      <p id={`${props.id}-label`} class="label-text">
        {props.label}
      </p>
      <p tabIndex={-1} ref={ref}>
        <strong>{props.person.displayName}</strong>, {props.person.agencyName}
      </p>
      <Button variant="secondary" onClick={props.onChange}>
        Choose someone else
      </Button>
    </div>
  );
}
