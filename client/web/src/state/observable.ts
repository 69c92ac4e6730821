import { useEffect, useState } from 'preact/hooks';

/**
 * A value that screens watch: `set` tells every watcher. The app's state lives in a few of these (the
 * signed-in person, the channel list, the connection), each owned by the code that changes it.
 */
export class Observable<T> {
  private readonly watchers = new Set<(value: T) => void>();

  constructor(private current: T) {}

  get value(): T {
    return this.current;
  }

  set(value: T): void {
    this.current = value;
    for (const watch of [...this.watchers]) watch(value);
  }

  update(change: (value: T) => T): void {
    this.set(change(this.current));
  }

  watch(watcher: (value: T) => void): () => void {
    this.watchers.add(watcher);
    return () => this.watchers.delete(watcher);
  }
}

/** The observable's value in a component, re-rendered when it changes. */
export function useObservable<T>(o: Observable<T>): T {
  const [value, setValue] = useState(o.value);
  useEffect(() => {
    setValue(o.value);
    return o.watch(setValue);
  }, [o]);
  return value;
}
