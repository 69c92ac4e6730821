import type { Page } from 'playwright-core';
import { checkAccessibility } from './accessibility.js';
import { screenshot } from './screenshot.js';

/** Protocol words a person must never read on a screen (test/plain-words.spec.ts checks the sources). */
const JARGON = /\b(epochs?|envelopes?|path parameters?|ciphertext|undefined|null|NaN|\[object Object\])\b/i;

/**
 * Every screen a browser test reaches is checked the same way: axe finds nothing serious or critical,
 * the words on it are plain, nothing makes it scroll sideways at 320 px (WCAG's reflow rule), and it is
 * photographed at 1280 and 320 px for people to look at.
 */
export async function checkScreen(page: Page, screenName: string): Promise<void> {
  await checkAccessibility(page, screenName);
  const text = await page.locator('body').innerText();
  const jargon = JARGON.exec(text);
  if (jargon) throw new Error(`${screenName}: the screen says "${jargon[0]}":\n${text}`);
  await expectNoSidewaysScroll(page, screenName);
  await screenshot(page, screenName);
}

/** At 320 px wide the page is no wider than the window; if it is, the elements that stick out are named. */
async function expectNoSidewaysScroll(page: Page, screenName: string): Promise<void> {
  const before = page.viewportSize();
  await page.setViewportSize({ width: 320, height: 800 });
  try {
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    const wider = await page.evaluate(() =>
      document.documentElement.scrollWidth > 320
        ? [
            `the page is ${document.documentElement.scrollWidth} px wide`,
            // The innermost elements whose content sticks out (text overflows its box without a wider child).
            ...[...document.querySelectorAll('body *')]
              .filter((e) => e.scrollWidth > e.clientWidth + 1 || e.getBoundingClientRect().right > 321)
              .filter((e) => ![...e.children].some((c) => c.getBoundingClientRect().right > 321))
              .slice(0, 5)
              .map((e) => `${e.tagName.toLowerCase()}.${e.className}: ${(e.textContent ?? '').slice(0, 60)}`),
          ]
        : [],
    );
    if (wider.length) throw new Error(`${screenName} scrolls sideways at 320 px:\n  ${wider.join('\n  ')}`);
  } finally {
    if (before) await page.setViewportSize(before);
  }
}

/** Someone's sign-in details, as `World.account` makes them. */
export interface Account {
  email: string;
  password: string;
}

/** The passphrase every test person gives their browser. */
export const PASSPHRASE = 'correct horse battery staple';

/** Signs in on the page at `url`, as a person would: e-mail, password, then the agreement when asked. */
export async function signIn(page: Page, url: string, a: Account, opts: { check?: string } = {}): Promise<void> {
  await page.goto(url);
  await page.getByLabel('Work e-mail address').fill(a.email);
  await page.getByLabel('Password', { exact: true }).fill(a.password);
  if (opts.check) await checkScreen(page, `${opts.check}-sign-in`);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page
    .getByRole('heading', { level: 1, name: /Before you start|Set up this browser|Unlock your keys/ })
    .waitFor();
  if (await page.getByRole('heading', { level: 1, name: 'Before you start' }).isVisible()) {
    if (opts.check) await checkScreen(page, `${opts.check}-agreement`);
    for (const box of await page.getByRole('checkbox').all()) await box.check();
    await page.getByRole('button', { name: 'Confirm and continue' }).click();
    await page.getByRole('heading', { level: 1, name: /Set up this browser|Unlock your keys/ }).waitFor();
  }
}

/** A person's first device: chooses the passphrase, keeps the recovery key, lands on their messages. */
export async function setUpFirstBrowser(page: Page, opts: { check?: string } = {}): Promise<string> {
  await page.getByLabel('Choose a passphrase for this browser').fill(PASSPHRASE);
  await page.getByLabel('Type the passphrase again').fill(PASSPHRASE);
  if (opts.check) await checkScreen(page, `${opts.check}-set-up`);
  await page.getByRole('button', { name: 'Set up this browser' }).click();
  // Argon2id at MODERATE cost in the page takes a few seconds on a busy machine.
  await page.getByRole('heading', { level: 1, name: 'Keep your recovery key' }).waitFor({ timeout: 60_000 });
  const recoveryKey = (await page.getByLabel('Your recovery key').innerText()).trim();
  if (opts.check) await checkScreen(page, `${opts.check}-recovery-key`);
  await page.getByLabel('I have kept my recovery key somewhere safe').check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('heading', { level: 1, name: 'Messages' }).waitFor({ timeout: 30_000 });
  return recoveryKey;
}
