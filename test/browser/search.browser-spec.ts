import type { Page, Request } from 'playwright-core';
import { RetentionService } from '../../src/retention/retention.service.js';
import { StrongroomClient, type SecureSession } from '../../client/sdk/node.js';
import { secureSession } from '../support/secure.js';
import { describeBrowser, useBrowser } from './support/browser.js';
import { startBrowserServer, type BrowserServer } from './support/server.js';
import { checkScreen, setUpFirstBrowser, signIn, type Account } from './support/web-app.js';

/**
 * Search within what Grace's browser has opened (issue 13): found in her page, never asked of the
 * server; the words marked; edits folded in; a conversation not opened yet found once she opens them
 * all; an expired message gone from the results. And the offer of the browser's own notifications,
 * which asks the browser only when she presses its button.
 */
describeBrowser('search and browser notifications in the browser', () => {
  const chromium = useBrowser();
  let server: BrowserServer;
  let grace: Account & { id: string };
  let sam: Account & { id: string };
  let chair: Account & { id: string };
  let page: Page;
  let samSession: SecureSession;
  let chairSession: SecureSession;
  let direct: string;
  let room: string;

  beforeAll(async () => {
    server = await startBrowserServer();
    const w = server.world;
    await w.agreement();
    const council = await w.agency('Northshire Council');
    grace = await w.account(council, 'practitioner', 'grace');
    chair = await w.account(council, 'practitioner', 'chair');
    sam = await w.account(await w.agency('Northshire Police', { sector: 'police' }), 'practitioner', 'sam');
  });
  afterAll(async () => {
    samSession?.close();
    chairSession?.close();
    await server?.close();
  });

  /** Sam and the chair work from the SDK: a signed-in device each. */
  const sdkPerson = async (a: Account, label: string) => {
    const client = new StrongroomClient(server.baseUrl);
    await client.login({ email: a.email, password: a.password });
    const me = await client.me();
    if (me.attestation.agreementVersionId) await client.attest(me.attestation.agreementVersionId);
    return secureSession(client, label, server);
  };

  const found = () => page.getByRole('list', { name: 'Messages found' }).getByRole('listitem');
  const count = () => page.getByRole('status').filter({ hasText: /found/ });
  const search = async (words: string) => {
    await page.getByLabel('Words to find').fill(words);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
  };

  it('Grace opens one of her two conversations in her browser and edits what she wrote there', async () => {
    const person = await chromium.person('grace');
    page = person.page;
    // Counts the page's requests for the browser's permission: there must be none until she asks.
    await person.context.addInitScript(() => {
      if (!('Notification' in window)) return;
      const ask = Notification.requestPermission.bind(Notification);
      Object.assign(window, { permissionRequests: 0 });
      Notification.requestPermission = (...args: Parameters<typeof ask>) => {
        Object.assign(window, {
          permissionRequests: (window as unknown as { permissionRequests: number }).permissionRequests + 1,
        });
        return ask(...args);
      };
    });
    await signIn(page, server.url('/'), grace);
    await setUpFirstBrowser(page);

    samSession = await sdkPerson(sam, 'sam laptop');
    direct = await samSession.createChannel({ kind: 'direct', members: [{ userId: grace.id }] });
    await samSession.sendText(direct, 'The home visit is on Monday at ten');
    chairSession = await sdkPerson(chair, 'chair laptop');
    room = await chairSession.createChannel({
      kind: 'professionals_meeting',
      title: 'Smith family professionals',
      members: [{ userId: grace.id }, { userId: sam.id }],
    });
    await chairSession.sendText(room, 'Agenda: school attendance, and the home visit');

    const list = page.getByRole('list', { name: 'Your conversations' });
    await list.getByRole('link', { name: /Smith family professionals/ }).waitFor();
    await list.getByRole('link', { name: /sam person/ }).click();
    await page.getByRole('log').getByText('The home visit is on Monday at ten').waitFor();
    await page.getByLabel('Message', { exact: true }).fill('I can do Monday');
    await page.keyboard.press('Enter');
    const mine = page.getByRole('log').getByRole('listitem').filter({ hasText: 'I can do Monday' });
    await mine.getByRole('button', { name: 'Edit your message' }).click();
    await page.getByLabel('Edit your message').fill('I can do Tuesday instead');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('log').getByText('I can do Tuesday instead').waitFor();
  });

  it('finds what her browser opened, words in any order and any case, marked, and never asks the server', async () => {
    const asked: string[] = [];
    const watch = (r: Request) => asked.push(`${r.url()} ${r.postData() ?? ''}`.toLowerCase());
    page.on('request', watch);

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Search' }).click();
    await page.getByRole('heading', { level: 1, name: 'Search messages' }).waitFor();
    await page
      .getByText('Searches the messages this browser has opened since you unlocked it; nothing is sent to the server.')
      .waitFor();
    await page.getByText('This browser has opened 1 of your 2 conversations.').waitFor();
    await expect(page.getByRole('search').count()).resolves.toBe(1);

    await search('MONDAY visit');
    await count().filter({ hasText: '1 message found in 1 conversation.' }).waitFor();
    const hit = found().first();
    await expect(hit.getByRole('link', { name: 'sam person' }).getAttribute('href')).resolves.toBe(
      `/channels/${direct}`,
    );
    await expect(hit.locator('strong').innerText()).resolves.toBe('sam person');
    await expect(hit.locator('mark').allInnerTexts()).resolves.toEqual(['visit', 'Monday']);
    await checkScreen(page, 'search-results');

    // Edits are folded in: her message is found by what it says now, not by what it said.
    await search('tuesday');
    await count().filter({ hasText: '1 message found in 1 conversation.' }).waitFor();
    await expect(found().first().innerText()).resolves.toMatch(/You.*\(edited\)[\s\S]*I can do Tuesday instead/);
    await search('can do monday');
    await count().filter({ hasText: 'No messages found.' }).waitFor();

    // The other conversation is not opened yet: nothing of it is found.
    await search('agenda');
    await count().filter({ hasText: 'No messages found.' }).waitFor();
    await checkScreen(page, 'search-nothing-found');

    page.off('request', watch);
    for (const word of ['monday', 'visit', 'tuesday', 'agenda']) {
      expect(asked.filter((a) => a.includes(word))).toEqual([]);
    }
  });

  it('opens all her conversations with progress, and then finds what the one not opened held', async () => {
    // The unopened conversation's messages come slowly, so the progress can be seen.
    await page.route(`**/api/channels/${room}/messages*`, async (route) => {
      await new Promise((r) => setTimeout(r, 1500));
      await route.continue();
    });
    await page.getByRole('button', { name: 'Open all your conversations' }).click();
    await page.getByRole('status').filter({ hasText: 'Opening 1 of 1 conversation…' }).waitFor();
    await checkScreen(page, 'search-opening');
    await page.getByText('All your conversations are open in this browser.').waitFor({ timeout: 30_000 });
    await page.unroute(`**/api/channels/${room}/messages*`);
    await page.getByText('This browser has opened 2 of your 2 conversations.').waitFor();

    // The search already made is made again over what was opened.
    await count().filter({ hasText: '1 message found in 1 conversation.' }).waitFor();
    const hit = found().first();
    await hit.locator('strong').getByText('chair person', { exact: true }).waitFor();
    await expect(hit.locator('mark').allInnerTexts()).resolves.toEqual(['Agenda']);
    await hit.getByRole('link', { name: 'Smith family professionals' }).click();
    await page.getByRole('heading', { level: 1, name: /Smith family professionals/ }).waitFor();
  });

  it('a message that expires leaves the results', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Search' }).click();
    await search('home visit');
    await count().filter({ hasText: '2 messages found in 2 conversations.' }).waitFor();

    await server.sql('UPDATE messages SET expires_at = $2 WHERE channel_id = $1', [
      direct,
      new Date(server.clock.now().getTime() - 1000),
    ]);
    await server.app.get(RetentionService).expireMessages();
    await count().filter({ hasText: '1 message found in 1 conversation.' }).waitFor({ timeout: 20_000 });
    await expect(found().first().locator('strong').innerText()).resolves.toBe('chair person');
    // Its conversation still counts as opened: there is nothing more in it to open.
    await page.getByText('This browser has opened 2 of your 2 conversations.').waitFor();
  });

  it('browser notifications are offered on the Messages screen, and asked for only when she presses the button', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Messages' }).click();
    const offer = page.getByRole('region', { name: 'Browser notifications' });
    await offer
      .getByText('Get a browser notification when a message arrives while Strongroom is in the background')
      .waitFor();
    await offer.getByRole('status').filter({ hasText: 'Browser notifications are off.' }).waitFor();
    const requests = () =>
      page.evaluate(() => (window as unknown as { permissionRequests: number }).permissionRequests);
    await expect(requests()).resolves.toBe(0);
    await checkScreen(page, 'messages-notifications-offer');

    await offer.getByRole('button', { name: 'Turn on browser notifications' }).click();
    await expect(requests()).resolves.toBe(1);
    // She allows them in the browser's prompt (which a headless browser leaves unanswered).
    await page.context().grantPermissions(['notifications'], { origin: server.url('/') });
    await page.getByRole('status').filter({ hasText: 'Browser notifications are on.' }).waitFor();
    await expect(page.getByRole('button', { name: 'Turn on browser notifications' }).count()).resolves.toBe(0);
    await expect(page.getByText('Get a browser notification when a message arrives').count()).resolves.toBe(0);
    await checkScreen(page, 'messages-notifications-on');
  });
});
