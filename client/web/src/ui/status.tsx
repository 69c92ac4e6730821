import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { app } from '../state/app.js';

/**
 * A status message (WCAG 4.1.3): the live region is in the page from the start and only its words
 * change, so screen readers announce each new one; it takes no room while empty.
 */
export function Status({ children }: { children?: ComponentChildren }) {
  const empty = children === null || children === undefined || children === false || children === '';
  return (
    <div role="status" class={empty ? 'visually-hidden' : 'notice status'}>
      {!empty && children}
    </div>
  );
}

/** What a screen loads: the data once it came, or the failure in plain words; `reload` fetches again. */
export interface Loaded<T> {
  data: T | null;
  error: string | null;
  loading: boolean;
  reload: () => Promise<void>;
}

/**
 * Loads what a screen shows when it opens, again when `deps` change and when `reload` is called; a
 * failure goes through `app.failed` (a 401 signs out). A stale answer (deps moved on) is dropped.
 */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[] = []): Loaded<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [round, setRound] = useState(0);
  const [waiters] = useState(() => new Set<() => void>());
  useEffect(() => {
    let current = true;
    setLoading(true);
    load()
      .then((value) => {
        if (!current) return;
        setData(value);
        setError(null);
      })
      .catch((err: unknown) => {
        if (current) setError(app.failed(err));
      })
      .finally(() => {
        if (current) setLoading(false);
        for (const done of [...waiters]) done();
        waiters.clear();
      });
    return () => {
      current = false;
    };
    // `load` is a new function each render; what it depends on is in `deps`.
  }, [...deps, round]);
  const reload = () =>
    new Promise<void>((resolve) => {
      waiters.add(resolve);
      setRound((n) => n + 1);
    });
  return { data, error, loading, reload };
}
