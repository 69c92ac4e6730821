import type { AnchorHTMLAttributes, ComponentChildren } from 'preact';
import { Observable, useObservable } from './state/observable.js';

/**
 * Addresses in the page: real paths (`/channels/…`) that the server answers with the same page, so a
 * person can bookmark, reload and use the browser's back button.
 */
export const currentPath = new Observable<string>(location.pathname);

addEventListener('popstate', () => currentPath.set(location.pathname));

export function navigate(path: string, opts: { replace?: boolean } = {}): void {
  if (path === location.pathname) return;
  if (opts.replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  currentPath.set(path);
  scrollTo(0, 0);
}

export const usePath = () => useObservable(currentPath);

/**
 * A one-time code an e-mailed link carries after `#` (`/invitation#code=…`), read once and then taken out of
 * the address bar, so it is neither bookmarked nor left in the browser's history. Browsers never send the part
 * after `#` to a server.
 */
export function takeFromFragment(name: string): string {
  const value = new URLSearchParams(location.hash.slice(1)).get(name) ?? '';
  if (value) history.replaceState(null, '', location.pathname + location.search);
  return value;
}

/** A route's parameters when `path` matches `pattern` (`/channels/:id`), else null. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const trim = (p: string) => p.replace(/\/+$/, '') || '/';
  const want = trim(pattern).split('/');
  const got = trim(path).split('/');
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    if (want[i].startsWith(':')) params[want[i].slice(1)] = decodeURIComponent(got[i]);
    else if (want[i] !== got[i]) return null;
  }
  return params;
}

/** A link that moves within the page (and still opens in a new tab with the usual keys). */
export function Link(props: { href: string; children: ComponentChildren } & AnchorHTMLAttributes) {
  const { href, children, ...rest } = props;
  const active = usePath() === href;
  return (
    <a
      {...rest}
      href={href}
      aria-current={active ? 'page' : undefined}
      onClick={(e) => {
        if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        navigate(href);
      }}
    >
      {children}
    </a>
  );
}
