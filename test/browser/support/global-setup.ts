import { accessSync, constants } from 'node:fs';
import path from 'node:path';

/** Debian's Chromium, where `apt-get install -y chromium` puts it; CHROMIUM_PATH names another. */
export const DEFAULT_CHROMIUM = '/usr/bin/chromium';

/** What installs the browser the tests need; a browser is never downloaded by the tests themselves. */
export const INSTALL_HINT = 'apt-get install -y chromium';

/** Set here for the test files: the Chromium they launch, or unset when there is none. */
export const CHROMIUM_ENV = 'STRONGROOM_TEST_CHROMIUM';

/** The Chromium to use (CHROMIUM_PATH, else Debian's), or null when it is not there or not executable. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | null {
  const candidate = env.CHROMIUM_PATH || DEFAULT_CHROMIUM;
  try {
    accessSync(candidate, constants.X_OK);
    return candidate;
  } catch {
    return null;
  }
}

/**
 * The browser project's global setup: finds Chromium, then makes sure the test database server is up
 * (test/support/global-setup.ts), as the integration project does. Self-contained, like that file: Jest
 * loads global setup without the tests' `.js` → `.ts` mapping, so it imports no file of ours by name.
 *
 * Without Chromium the browser tests are skipped with one notice saying how to install it, so `npm test`
 * still passes on a machine without a browser; with STRONGROOM_REQUIRE_BROWSER=1 (CI) the run fails
 * instead, so a missing browser can never pass unnoticed.
 */
export default async function browserGlobalSetup(): Promise<void> {
  const found = findChromium();
  if (!found) {
    const where = process.env.CHROMIUM_PATH ? `CHROMIUM_PATH (${process.env.CHROMIUM_PATH})` : DEFAULT_CHROMIUM;
    if (process.env.STRONGROOM_REQUIRE_BROWSER === '1') {
      throw new Error(
        `Browser tests need Chromium and STRONGROOM_REQUIRE_BROWSER=1 is set, but there is none at ${where}. ` +
          `Install Debian's: ${INSTALL_HINT}`,
      );
    }
    delete process.env[CHROMIUM_ENV];
    console.warn(
      `\nBrowser tests SKIPPED: no Chromium at ${where}. Install Debian's with \`${INSTALL_HINT}\` ` +
        '(or set CHROMIUM_PATH to one) to run them.\n',
    );
    return;
  }
  process.env[CHROMIUM_ENV] = found;
  // By its real file name, through Jest's transform (active while global setup runs). It runs once per
  // run, whether the integration project's setup called it first or not.
  const shared = (await import(path.join(__dirname, '..', '..', 'support', 'global-setup.ts'))) as {
    default: () => Promise<void>;
  };
  await shared.default();
}
