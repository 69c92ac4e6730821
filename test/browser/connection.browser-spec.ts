import type { Page } from 'playwright-core';
import { API_VERSION, API_VERSION_HEADER } from '../../contracts/api-version.js';
import { describeBrowser, useBrowser } from './support/browser.js';
import { cuttableLink, type CuttableLink } from './support/cuttable-link.js';
import { startBrowserServer, type BrowserServer } from './support/server.js';
import { checkScreen, PASSPHRASE, setUpFirstBrowser, signIn, type Account } from './support/web-app.js';

/**
 * A lost connection (issue 13): Sam's browser reaches the server through a link the test cuts, as a
 * network drops. His page says the connection is lost while it is; what Grace sends meanwhile, and what
 * he wrote meanwhile, arrive once it is back, without a reload.
 */
describeBrowser('a lost connection in the browser', () => {
  const chromium = useBrowser();
  let server: BrowserServer;
  let link: CuttableLink;
  let grace: Account & { id: string };
  let sam: Account & { id: string };
  let gracePage: Page;
  let samPage: Page;

  beforeAll(async () => {
    server = await startBrowserServer();
    link = await cuttableLink(server.baseUrl);
    const w = server.world;
    await w.agreement();
    grace = await w.account(await w.agency('Northshire Council'), 'practitioner', 'grace');
    sam = await w.account(await w.agency('Northshire Police', { sector: 'police' }), 'practitioner', 'sam');
  });
  afterAll(async () => {
    await link?.close();
    await server?.close();
  });

  const banner = (page: Page) => page.getByRole('status').filter({ hasText: 'Connection lost' });
  const log = (page: Page) => page.getByRole('log', { name: 'Messages' });

  it('two people, Sam through a link that can be cut, talk in a direct conversation', async () => {
    gracePage = (await chromium.person('grace')).page;
    samPage = (await chromium.person('sam')).page;
    await Promise.all([
      signIn(gracePage, server.url('/'), grace).then(() => setUpFirstBrowser(gracePage)),
      signIn(samPage, link.url('/'), sam).then(() => setUpFirstBrowser(samPage)),
    ]);
    await gracePage.getByRole('link', { name: 'New direct message' }).click();
    await gracePage.getByLabel('Name or agency').fill('sam');
    await gracePage.getByRole('button', { name: 'Search' }).click();
    await gracePage.getByRole('button', { name: 'Message sam person' }).click();
    await gracePage.getByLabel('Message', { exact: true }).fill('Are you there?');
    await gracePage.keyboard.press('Enter');
    await log(gracePage).getByText('Are you there?').waitFor();

    await samPage
      .getByRole('list', { name: 'Your conversations' })
      .getByRole('link', { name: /grace person/ })
      .click();
    await log(samPage).getByText('Are you there?').waitFor();
    expect(await banner(samPage).count()).toBe(0);
  });

  it('the connection cut: the banner says so; what both sent meanwhile arrives when it is back, without a reload', async () => {
    // Gone after a reload: proof that the page caught up by itself.
    await samPage.evaluate(() => Object.assign(window, { sameVisit: true }));

    link.cut();
    await banner(samPage).waitFor();
    await checkScreen(samPage, 'connection-lost');

    // Meanwhile Grace writes (stored: her page shows it), and so does Sam, whose message waits.
    await gracePage.getByLabel('Message', { exact: true }).fill('Written while your connection was down');
    await gracePage.keyboard.press('Enter');
    await log(gracePage).getByText('Written while your connection was down').waitFor();
    await samPage.getByLabel('Message', { exact: true }).fill('Typed while my connection was down');
    await samPage.keyboard.press('Enter');
    await samPage.getByRole('list', { name: 'Messages being sent' }).getByText('Sending…').waitFor();
    expect(await log(samPage).getByText('Written while your connection was down').count()).toBe(0);
    expect(await banner(samPage).count()).toBe(1);

    link.restore();
    await log(samPage).getByText('Written while your connection was down').waitFor({ timeout: 30_000 });
    await banner(samPage).waitFor({ state: 'detached', timeout: 30_000 });
    await log(samPage).getByText('Typed while my connection was down').waitFor({ timeout: 30_000 });
    await log(gracePage).getByText('Typed while my connection was down').waitFor();
    expect(await samPage.evaluate(() => 'sameVisit' in window)).toBe(true);
    await checkScreen(samPage, 'connection-back');
  });

  it('the server upgraded while the page is open: a notice asks for a reload, once', async () => {
    // Every API answer as a newer server gives it: the same, with a higher API version.
    await gracePage.route('**/api/**', async (route) => {
      const response = await route.fetch();
      await route.fulfill({
        response,
        headers: { ...response.headers(), [API_VERSION_HEADER.toLowerCase()]: String(API_VERSION + 1) },
      });
    });
    try {
      const notice = gracePage
        .getByRole('region', { name: 'Status messages' })
        .getByText('Strongroom has been updated on the server. Reload this page to use the new version.');
      // Two screens that each ask the server for something: one notice, however many answers said so.
      const nav = gracePage.getByRole('navigation', { name: 'Main' });
      for (const [link, title] of [
        ['Sign-in sessions', 'Where you are signed in'],
        ['Your devices', 'Your devices'],
      ]) {
        await nav.getByRole('link', { name: link }).click();
        await gracePage.getByRole('heading', { level: 1, name: title }).waitFor();
        await notice.waitFor();
      }
      expect(await notice.count()).toBe(1);
    } finally {
      await gracePage.unroute('**/api/**');
    }
  });

  it('a conversation whose messages could not be opened says so, and opens on “Try again” without a reload', async () => {
    // The server turns the page of messages away (as a busy one would), then lets it through.
    const pageOfMessages = /\/api\/channels\/[^/]+\/messages\?/;
    await samPage.route(pageOfMessages, (route) =>
      route.fulfill({
        status: 429,
        contentType: 'application/json',
        body: JSON.stringify({
          error: { code: 'rate_limited', message: 'The server is busy. Wait a moment and try again.' },
        }),
      }),
    );
    try {
      await samPage.reload();
      await samPage.getByLabel('Passphrase for this browser').fill(PASSPHRASE);
      await samPage.getByRole('button', { name: 'Unlock' }).click();
      await samPage.getByText('The server is busy. Wait a moment and try again.').waitFor();
      await samPage.getByText('The messages could not be opened.').waitFor();
      expect(await samPage.getByRole('status').filter({ hasText: 'Opening messages' }).count()).toBe(0);
      expect(await samPage.getByLabel('Message', { exact: true }).count()).toBe(0);
      await checkScreen(samPage, 'conversation-not-opened');
    } finally {
      await samPage.unroute(pageOfMessages);
    }
    await samPage.evaluate(() => Object.assign(window, { sameVisit: true }));
    await samPage.getByRole('button', { name: 'Try again' }).click();
    await log(samPage).getByText('Are you there?').waitFor();
    await samPage.getByLabel('Message', { exact: true }).waitFor();
    expect(await samPage.getByText('The messages could not be opened.').count()).toBe(0);
    expect(await samPage.evaluate(() => 'sameVisit' in window)).toBe(true);
  });
});
