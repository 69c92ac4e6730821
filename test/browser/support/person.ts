import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, BrowserContext, BrowserContextOptions, Page, Request } from 'playwright-core';

/** What went wrong in a person's pages since it was last looked at. */
export interface BrowserProblems {
  /**
   * Content-Security-Policy violations: the pages' `securitypolicyviolation` events, and Chromium's
   * console reports of refusals that raise no event (in a worker, say). Any one fails the test: the
   * server's policy and the pages it serves must agree, and a refusal is a feature silently lost.
   */
  csp: string[];
  /** Uncaught exceptions and unhandled rejections in the pages: fail the test too. */
  pageErrors: string[];
  /**
   * Everything a page logged as an error, failed loads included (a 401 before sign-in is normal): shown
   * with a failure for context, never a failure by itself.
   */
  consoleErrors: string[];
}

/** The binding a page's CSP listener reports through. */
const REPORT_CSP = '__strongroomTestReportCsp';

/** Chromium's console wording for a refusal by the policy. */
const CSP_CONSOLE = /Content Security Policy/i;

/** One person at one browser: their own context (cookies, storage, IndexedDB), and a page. */
export interface Person {
  readonly name: string;
  readonly context: BrowserContext;
  readonly page: Page;
  /** The problems seen since the last call, which are then forgotten (a test that provokes one takes it). */
  takeProblems(): Promise<BrowserProblems>;
  /** Throws, listing them, if a CSP violation or an uncaught error happened since the last look. */
  expectNoProblems(): Promise<void>;
  /**
   * What this person's pages show now, for a failed test's report: each page's address and visible
   * text, the requests still waiting for an answer, the last ones that failed, and the console's
   * errors; with a screenshot of each page saved as `<shot>-<n>.png` when `shot` is given.
   */
  describeState(shot?: string): Promise<string>;
  close(): Promise<void>;
}

/** A titled list in a person's report, or nothing when it is empty. */
const section = (title: string, items: string[]): string[] =>
  items.length ? [`  ${title}:`, ...items.map((i) => `    - ${i}`)] : [];

/** The problems as a readable list, or '' when none of them fails a test. */
export function describeProblems(who: string, p: BrowserProblems): string {
  if (!p.csp.length && !p.pageErrors.length) return '';
  return [
    `${who}'s browser:`,
    ...section('Content-Security-Policy violations', p.csp),
    ...section('uncaught errors', p.pageErrors),
    ...section('console errors (for context)', p.consoleErrors),
  ].join('\n');
}

/**
 * Opens a fresh browser context for one person (nothing shared with anyone else's), en-GB in London
 * time at 1280×800, and watches its pages for CSP violations, uncaught errors and console errors.
 * `options` go to Playwright's `newContext` (`baseURL`, say); a test never needs `bypassCSP`.
 */
export async function openPerson(browser: Browser, name: string, options: BrowserContextOptions = {}): Promise<Person> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    locale: 'en-GB',
    timezoneId: 'Europe/London',
    ...options,
  });
  let problems: BrowserProblems = { csp: [], pageErrors: [], consoleErrors: [] };

  // The listener runs before any script of the page (an init script is not subject to the page's
  // policy), on every document of the context, and reports through a binding, so a violation during a
  // navigation away is not lost with the page's own state.
  await context.exposeBinding(REPORT_CSP, ({ page }, v: Record<string, string | number>) => {
    problems.csp.push(
      `${v.disposition === 'report' ? '(report only) ' : ''}${v.directive} refused ${v.blocked || '(inline)'} ` +
        `at ${v.source || page.url()}${v.line ? `:${v.line}` : ''}${v.sample ? ` — "${v.sample}"` : ''}`,
    );
  });
  await context.addInitScript(
    ([binding]) => {
      document.addEventListener(
        'securitypolicyviolation',
        (e) => {
          const report = (window as unknown as Record<string, (v: unknown) => Promise<void>>)[binding];
          void report({
            directive: e.effectiveDirective,
            blocked: e.blockedURI,
            source: e.sourceFile,
            line: e.lineNumber,
            sample: e.sample,
            disposition: e.disposition,
          });
        },
        true,
      );
    },
    [REPORT_CSP],
  );

  // Requests in flight (to say which one a stuck page waits for) and the last that failed or were refused.
  const pending = new Map<Request, number>();
  const failures: string[] = [];
  const failure = (line: string) => {
    failures.push(`${new Date().toISOString().slice(11, 23)} ${line}`);
    if (failures.length > 15) failures.shift();
  };
  context.on('request', (r) => pending.set(r, Date.now()));
  context.on('requestfinished', (r) => pending.delete(r));
  context.on('requestfailed', (r) => {
    pending.delete(r);
    failure(`${r.method()} ${r.url()}: ${r.failure()?.errorText ?? 'failed'}`);
  });
  context.on('response', (r) => {
    if (r.status() >= 400) failure(`${r.request().method()} ${r.url()}: ${r.status()}`);
  });

  const watch = (page: Page) => {
    page.on('pageerror', (err) => problems.pageErrors.push(`${page.url()}: ${err.stack ?? err.message}`));
    page.on('console', (msg) => {
      if (msg.type() !== 'error') return;
      const text = `${msg.location().url || page.url()}: ${msg.text()}`;
      (CSP_CONSOLE.test(msg.text()) ? problems.csp : problems.consoleErrors).push(`console: ${text}`);
    });
  };
  context.on('page', watch);
  const page = await context.newPage();

  const settle = async () => {
    // A round trip through every open page, so reports already sent by the page have arrived.
    for (const p of context.pages()) await p.evaluate(() => 0).catch(() => undefined);
  };
  const takeProblems = async () => {
    await settle();
    const taken = problems;
    problems = { csp: [], pageErrors: [], consoleErrors: [] };
    return taken;
  };
  return {
    name,
    context,
    page,
    takeProblems,
    expectNoProblems: async () => {
      const report = describeProblems(name, await takeProblems());
      if (report) throw new Error(report);
    },
    describeState: async (shot) => {
      const lines = [`${name}'s browser:`];
      for (const [i, p] of context.pages().entries()) {
        const text = await p
          .evaluate(() => document.body?.innerText ?? '')
          .catch((err: unknown) => `(unreadable: ${String(err)})`);
        lines.push(`  page ${i + 1} at ${p.url()}:`, `    ${text.replace(/\s+/g, ' ').trim().slice(0, 1500)}`);
        if (shot) {
          const file = `${shot}-${i + 1}.png`;
          await mkdir(path.dirname(file), { recursive: true });
          const saved = await p.screenshot({ path: file, fullPage: true }).then(
            () => true,
            () => false,
          );
          if (saved) lines.push(`    (screenshot: ${file})`);
        }
      }
      const now = Date.now();
      const waiting = [...pending].map(([r, at]) => `${r.method()} ${r.url()} (${Math.round((now - at) / 1000)} s)`);
      lines.push(
        ...section('requests waiting for an answer', waiting),
        ...section('last requests that failed or were refused', failures),
        ...section('uncaught errors', problems.pageErrors),
        ...section('console errors', problems.consoleErrors.slice(-15)),
      );
      return lines.join('\n');
    },
    close: () => context.close(),
  };
}
