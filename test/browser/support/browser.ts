import { chromium, type Browser, type BrowserContextOptions } from 'playwright-core';
import path from 'node:path';
import { root } from '../../support/server-process.js';
import { CHROMIUM_ENV } from './global-setup.js';
import { describeProblems, openPerson, type Person } from './person.js';

/**
 * Headless, and quiet: no sandbox (CI runs as root in a container, where Chromium's sandbox cannot
 * start), no GPU, and none of Chromium's own background requests (updates, safe browsing), so a test
 * run talks only to the servers the tests start.
 */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];

/** The flag the browser tests' environment (environment.ts) sets while the current test has failed. */
const TEST_FAILED = '__strongroomTestFailed';

/** Where a failed test's screenshots go (git ignores test-results/). */
const FAILURES_DIR = path.join(root, 'test-results', 'failures');

/** The Chromium the global setup found for this run, or null (the browser tests are then skipped). */
export const chromiumForRun = (): string | null => process.env[CHROMIUM_ENV] || null;

/**
 * `describe` for a browser test file: its tests run when the global setup found Chromium, and are
 * skipped when it did not (the setup has said why, once, and how to install it).
 */
export const describeBrowser: jest.Describe = chromiumForRun() ? describe : describe.skip;

/** One headless Chromium, as every browser test file launches it (one per file). */
export function launchBrowser(): Promise<Browser> {
  const executablePath = chromiumForRun();
  if (!executablePath) throw new Error("No Chromium for this run: the browser project's global setup found none.");
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true });
}

/** A test file's browser, and the people it has opened. */
export interface BrowserUnderTest {
  /** The file's Chromium (after `beforeAll`). */
  readonly browser: Browser;
  /** A fresh context for one more person (see `openPerson`); closed with the browser at the end. */
  person(name: string, options?: BrowserContextOptions): Promise<Person>;
}

/**
 * Call once at the top of a `describeBrowser` block: launches the file's Chromium before its tests and
 * closes it after them, and after every test fails it if any person's pages had a CSP violation or an
 * uncaught error during it (listed, with the console errors for context). A test that provokes one on
 * purpose takes it with `person.takeProblems()`. After a test that failed, it logs what each person's
 * pages showed then, with screenshots in test-results/failures/.
 */
export function useBrowser(): BrowserUnderTest {
  let browser: Browser | undefined;
  const people: Person[] = [];
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterEach(async () => {
    const open = people.filter((p) => browser?.contexts().includes(p.context));
    if ((globalThis as Record<string, unknown>)[TEST_FAILED]) {
      // The test has failed already: what each page showed says why, where a timeout alone does not.
      const test = (expect.getState().currentTestName ?? 'test').replace(/[^a-z0-9]+/gi, '-').slice(0, 80);
      const states = [];
      for (const p of open) states.push(await p.describeState(path.join(FAILURES_DIR, `${test}-${p.name}`)));
      if (states.length) console.error(`When the test failed:\n\n${states.join('\n\n')}`);
    }
    const reports = [];
    for (const p of open) reports.push(describeProblems(p.name, await p.takeProblems()));
    const failed = reports.filter(Boolean);
    if (failed.length) throw new Error(failed.join('\n\n'));
  });
  afterAll(async () => {
    await browser?.close();
  });
  const started = () => {
    if (!browser) throw new Error('The browser starts in beforeAll: use it inside a test or a later hook.');
    return browser;
  };
  return {
    get browser() {
      return started();
    },
    async person(name, options) {
      const p = await openPerson(started(), name, options);
      people.push(p);
      return p;
    },
  };
}
