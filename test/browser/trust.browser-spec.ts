import type { Locator, Page } from 'playwright-core';
import { StrongroomClient } from '../../client/sdk/node.js';
import { describeBrowser, useBrowser } from './support/browser.js';
import { startBrowserServer, type BrowserServer } from './support/server.js';
import { checkScreen, setUpFirstBrowser, signIn, type Account } from './support/web-app.js';

/**
 * Safety numbers and a changed identity in the browser (issue 13): two people in a conversation see
 * each other's safety numbers, computed in their own pages from the identity key each pinned, and equal
 * to what the other's "Your devices" page shows for themself; one marks the other checked. Then the
 * other resets their account for real (devices revoked, a new first device with a new identity key and
 * recovery key), and the first person's page says so plainly with the old and new numbers, keeps what
 * they send from the new devices until they accept it (visibly), and takes the new identity once they
 * have compared it.
 */
describeBrowser('safety numbers and a changed identity in the browser', () => {
  const chromium = useBrowser();
  let server: BrowserServer;
  let grace: Account & { id: string };
  let sam: Account & { id: string };
  let gracePage: Page;
  let samPage: Page;
  /** Each person's safety number as their own "Your devices" page shows it. */
  let graceOwn: string;
  let samOwn: string;

  beforeAll(async () => {
    server = await startBrowserServer();
    const w = server.world;
    await w.agreement();
    const council = await w.agency('Northshire Council');
    const police = await w.agency('Northshire Police', { sector: 'police' });
    grace = await w.account(council, 'practitioner', 'grace', { displayName: 'Grace Okafor' });
    sam = await w.account(police, 'practitioner', 'sam', { displayName: 'Sam Patel' });
  });
  afterAll(() => server.close());

  /** The People panel's entry for one member. */
  const member = (page: Page, name: string): Locator =>
    page
      .getByRole('complementary', { name: 'People in this conversation' })
      .getByRole('listitem')
      .filter({ hasText: name });
  const conversationWith = (page: Page, name: string) =>
    page.getByRole('list', { name: 'Your conversations' }).getByRole('link', { name: new RegExp(name) });
  /** The person's own safety number, from their "Your devices" page. */
  const ownNumber = async (page: Page): Promise<string> => {
    await page.getByRole('link', { name: 'Your devices' }).click();
    const code = page.locator('.safety-number code');
    await waitUntil(async () => /^\d{5}( \d{5}){11}$/.test((await code.innerText()).trim()));
    return (await code.innerText()).trim();
  };
  /** The number a member's entry shows, once its "Safety number" is opened. */
  const numberShownFor = async (page: Page, name: string): Promise<string> => {
    const entry = member(page, name);
    await entry.getByText(`Safety number of ${name}`).click();
    const code = entry.locator('.safety-number code');
    await code.waitFor();
    return (await code.innerText()).trim();
  };
  const today = () =>
    new Date().toLocaleDateString('en-GB', {
      day: 'numeric',
      month: 'long',
      year: 'numeric',
      timeZone: 'Europe/London',
    });

  it('two people see each other’s safety numbers, the same as each one’s own devices page shows', async () => {
    gracePage = (await chromium.person('grace')).page;
    samPage = (await chromium.person('sam')).page;
    await Promise.all([
      signIn(gracePage, server.url('/'), grace).then(() => setUpFirstBrowser(gracePage)),
      signIn(samPage, server.url('/'), sam).then(() => setUpFirstBrowser(samPage)),
    ]);
    graceOwn = await ownNumber(gracePage);
    samOwn = await ownNumber(samPage);
    expect(graceOwn).not.toBe(samOwn);

    await gracePage.getByRole('link', { name: 'Messages', exact: true }).click();
    await gracePage.getByRole('link', { name: 'New direct message' }).click();
    await gracePage.getByLabel('Name or agency').fill('Sam');
    await gracePage.getByRole('button', { name: 'Search' }).click();
    await gracePage.getByRole('button', { name: 'Message Sam Patel' }).click();
    await gracePage.getByRole('heading', { level: 1, name: /Sam Patel/ }).waitFor();
    await gracePage.getByLabel('Message', { exact: true }).fill('Hello Sam, shall we compare numbers?');
    await gracePage.keyboard.press('Enter');
    await gracePage.getByRole('log').getByText('Hello Sam, shall we compare numbers?').waitFor();

    await member(gracePage, 'Sam Patel').getByText('Not checked yet.').waitFor();
    expect(await numberShownFor(gracePage, 'Sam Patel')).toBe(samOwn);
    await checkScreen(gracePage, 'trust-safety-number');

    await samPage.getByRole('link', { name: 'Messages', exact: true }).click();
    await conversationWith(samPage, 'Grace Okafor').click();
    await samPage.getByRole('log').getByText('Hello Sam, shall we compare numbers?').waitFor();
    expect(await numberShownFor(samPage, 'Grace Okafor')).toBe(graceOwn);
    // Your own entry points to your own number; it offers no checking of yourself.
    await member(samPage, 'Sam Patel').getByRole('link', { name: 'Your own safety number' }).waitFor();
  });

  it('Grace marks Sam checked after comparing the numbers', async () => {
    const entry = member(gracePage, 'Sam Patel');
    await entry.getByRole('button', { name: 'The numbers match: mark Sam Patel as checked' }).click();
    await entry.getByText(`You checked this number on ${today()}.`).waitFor();
    await entry.getByRole('status').getByText('You marked Sam Patel as checked.').waitFor();
    await checkScreen(gracePage, 'trust-checked');
  });

  let samReset: Page;
  let samNew: string;

  it('Sam resets his account: Grace’s page says plainly that his identity changed, with both numbers', async () => {
    // Sam's browser is gone (lost, say): his devices are revoked, and his account's identity key is
    // cleared (the server has no way to do that yet: an operator's step, done here in the database).
    await samPage.context().close();
    const samClient = new StrongroomClient(server.baseUrl);
    await samClient.login({ email: sam.email, password: sam.password });
    for (const d of await samClient.myDevices()) {
      if (!d.revokedAt) await samClient.revokeDevice(d.id, 'lost');
    }
    await server.sql('UPDATE users SET identity_public_key = NULL, identity_published_at = NULL WHERE id = $1', [
      sam.id,
    ]);
    // He sets up Strongroom again in a new browser: a new identity key, a new recovery key.
    samReset = (await chromium.person('sam-reset')).page;
    await signIn(samReset, server.url('/'), sam);
    await setUpFirstBrowser(samReset);
    samNew = await ownNumber(samReset);
    expect(samNew).not.toBe(samOwn);

    // Grace's open conversation hears that Sam's devices changed, and looks at him again.
    const warning = gracePage.locator('.trust-alert').filter({ hasText: 'Sam Patel’s identity has changed' });
    await warning.waitFor({ timeout: 30_000 });
    await warning
      .getByRole('alert')
      .getByText(
        'Sam Patel’s identity has changed since you last talked. This happens when they reset their account ' +
          '(new recovery key), or it can mean someone is trying to listen in. Compare their new safety number ' +
          'with them before you trust it.',
        { exact: false },
      )
      .waitFor();
    const shown = await warning.locator('dd code').allInnerTexts();
    expect(shown.map((s) => s.trim())).toEqual([samOwn, samNew]);
    await warning.getByText(`Old safety number (you checked it on ${today()})`).waitFor();
    await member(gracePage, 'Sam Patel')
      .getByText(/Identity changed/)
      .waitFor();
    await checkScreen(gracePage, 'trust-identity-changed');
  });

  it('what Grace sends before accepting does not reach Sam’s new browser, and her page says so', async () => {
    await gracePage.getByLabel('Message', { exact: true }).fill('Sent before you were accepted');
    await gracePage.keyboard.press('Enter');
    const sent = gracePage.getByRole('log').getByRole('listitem').filter({ hasText: 'Sent before you were accepted' });
    await sent.getByText(/^Not sent to Sam Patel: Strongroom did not trust their device/).waitFor();
    // The SDK's own warning, in plain words with his name.
    await gracePage
      .getByRole('region', { name: 'Status messages' })
      .getByText(/^Sam Patel’s identity has changed since you last talked\./)
      .first()
      .waitFor();
    await checkScreen(gracePage, 'trust-withheld');

    await samReset.getByRole('link', { name: 'Messages', exact: true }).click();
    await conversationWith(samReset, 'Grace Okafor').click();
    const log = samReset.getByRole('log');
    await log.getByRole('listitem').nth(1).waitFor();
    await waitUntil(async () => (await log.getByText('This message cannot be read on this device.').count()) === 2);
    expect(await log.getByText('Sent before you were accepted').count()).toBe(0);
    await checkScreen(samReset, 'trust-after-reset');
  });

  it('Grace accepts Sam’s new identity after comparing it; what she sends then reaches him', async () => {
    const warning = gracePage.locator('.trust-alert');
    await warning.getByRole('button', { name: 'The new numbers match: accept Sam Patel’s new identity' }).click();
    await waitUntil(async () => (await warning.count()) === 0);
    // The notices that warned about him go too: they no longer hold.
    const notices = gracePage.getByRole('region', { name: 'Status messages' });
    await waitUntil(async () => (await notices.getByText(/Sam Patel’s identity has changed/).count()) === 0);
    const entry = member(gracePage, 'Sam Patel');
    await entry.getByText(`You checked this number on ${today()}.`).waitFor();
    expect(await numberShownFor(gracePage, 'Sam Patel')).toBe(samNew);
    // What was sent before stays out of his reach, and still says so.
    await gracePage
      .getByRole('log')
      .getByRole('listitem')
      .filter({ hasText: 'Sent before you were accepted' })
      .getByText(/^Not sent to Sam Patel/)
      .waitFor();
    await checkScreen(gracePage, 'trust-accepted');

    await gracePage.getByLabel('Message', { exact: true }).fill('Now you can read this');
    await gracePage.keyboard.press('Enter');
    await samReset.getByRole('log').getByText('Now you can read this').waitFor();
    const now = gracePage.getByRole('log').getByRole('listitem').filter({ hasText: 'Now you can read this' });
    await now.waitFor();
    expect(await now.getByText(/Not sent to/).count()).toBe(0);
    expect(await samReset.getByRole('log').getByText('Sent before you were accepted').count()).toBe(0);
  });
});

async function waitUntil(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out waiting for the page');
    await new Promise((r) => setTimeout(r, 100));
  }
}
