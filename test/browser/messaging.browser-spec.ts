import type { Page } from 'playwright-core';
import { RetentionService } from '../../src/retention/retention.service.js';
import { StrongroomClient, type SecureSession } from '../../client/sdk/node.js';
import { dumpDatabase, markerForms, secureSession } from '../support/secure.js';
import { describeBrowser, useBrowser } from './support/browser.js';
import { startBrowserServer, type BrowserServer } from './support/server.js';
import { checkScreen, PASSPHRASE, setUpFirstBrowser, signIn, type Account } from './support/web-app.js';

/** Words that must never reach the server in clear: checked in a dump of the whole database at the end. */
const MARKER = `web-marker-${Math.random().toString(36).slice(2)}`;

/**
 * Practitioners of two agencies in two browsers at once (issue 13): sign in, set up the browser's keys,
 * find each other by name, message live both ways with unread counts, reply, mention, edit and delete;
 * a second browser of one of them is approved from the first; a member removed sees the conversation
 * go; an expired message leaves every page; a session ended elsewhere signs its page out. Every screen
 * is checked with axe and photographed, and the server never holds a word of it in clear.
 */
describeBrowser('messaging in the browser, between agencies, live', () => {
  const chromium = useBrowser();
  let server: BrowserServer;
  let grace: Account & { id: string };
  let sam: Account & { id: string };
  let chair: Account & { id: string };
  let gracePage: Page;
  let samPage: Page;

  beforeAll(async () => {
    server = await startBrowserServer();
    const w = server.world;
    await w.agreement();
    const council = await w.agency('Northshire Council');
    const police = await w.agency('Northshire Police', { sector: 'police' });
    grace = await w.account(council, 'practitioner', 'grace');
    sam = await w.account(police, 'practitioner', 'sam');
    chair = await w.account(council, 'practitioner', 'chair');
  });
  afterAll(() => server.close());

  /** A conversation in the person's list (a notification may link to it too). */
  const conversation = (page: Page, name: RegExp) =>
    page.getByRole('list', { name: 'Your conversations' }).getByRole('link', { name });
  const unreadBadge = (page: Page, name: string) =>
    page
      .getByRole('listitem')
      .filter({ has: page.getByText(name, { exact: true }) })
      .locator('.badge');

  it('two people sign in, set up their browsers and meet by name in a direct conversation', async () => {
    gracePage = (await chromium.person('grace')).page;
    samPage = (await chromium.person('sam')).page;
    await Promise.all([
      signIn(gracePage, server.url('/'), grace, { check: 'first-visit' }).then(() =>
        setUpFirstBrowser(gracePage, { check: 'first-visit' }),
      ),
      signIn(samPage, server.url('/'), sam).then(() => setUpFirstBrowser(samPage)),
    ]);
    await checkScreen(gracePage, 'messages-empty');

    await gracePage.getByRole('link', { name: 'New direct message' }).click();
    await gracePage.getByLabel('Name or agency').fill('sam');
    await gracePage.getByRole('button', { name: 'Search' }).click();
    await gracePage.getByRole('button', { name: 'Message sam person' }).waitFor();
    await checkScreen(gracePage, 'new-direct-message');
    await gracePage.getByRole('button', { name: 'Message sam person' }).click();
    await gracePage.getByRole('heading', { level: 1, name: /sam person/ }).waitFor();

    await gracePage.getByLabel('Message', { exact: true }).fill(`Hello from the council ${MARKER}`);
    await gracePage.keyboard.press('Enter');
    await gracePage.getByRole('log').getByText(`Hello from the council ${MARKER}`).waitFor();
    await checkScreen(gracePage, 'conversation');

    // Sam's list shows it, unread, without a reload.
    await conversation(samPage, /grace person/).waitFor();
    await expectText(unreadBadge(samPage, 'grace person'), /^1\s*unread$/);
    await checkScreen(samPage, 'messages-unread');
  });

  it('replies and mentions arrive live both ways; reading clears the unread count', async () => {
    await conversation(samPage, /grace person/).click();
    await samPage.getByRole('log').getByText(`Hello from the council ${MARKER}`).waitFor();
    await samPage.getByRole('button', { name: 'Reply to grace person' }).click();
    const box = samPage.getByLabel('Message', { exact: true });
    await box.fill('Thanks @gr');
    await samPage.getByRole('button', { name: /^@grace person/ }).click();
    await box.pressSequentially(`we will visit on Monday ${MARKER}`);
    await samPage.keyboard.press('Enter');

    const reply = gracePage.getByRole('listitem').filter({ hasText: 'we will visit on Monday' });
    await reply.waitFor();
    await expectText(reply, /Replying to You: Hello from the council/);
    await expectText(reply, /Mentions you/);
    await checkScreen(gracePage, 'conversation-reply-mention');

    // Read on Sam's screen: his list has no unread badge for Grace now.
    await samPage.getByRole('link', { name: 'Messages', exact: true }).click();
    await conversation(samPage, /grace person/).waitFor();
    await waitUntil(async () => (await unreadBadge(samPage, 'grace person').count()) === 0);
  });

  it('a message edited and one deleted change on the other page too', async () => {
    await conversation(samPage, /grace person/).click();
    const original = gracePage
      .getByRole('listitem')
      .filter({ hasText: `Hello from the council ${MARKER}` })
      .first();
    await original.getByRole('button', { name: 'Edit your message' }).click();
    await gracePage.getByLabel('Edit your message').fill(`Hello from Northshire Council ${MARKER}`);
    await gracePage.getByRole('button', { name: 'Save' }).click();
    const edited = samPage.getByRole('log').getByRole('listitem').filter({ hasText: 'Hello from Northshire Council' });
    await edited.first().waitFor();
    await expectText(edited.first(), /\(edited\)/);

    const samsReply = samPage.getByRole('listitem').filter({ hasText: 'we will visit on Monday' });
    await samsReply.getByRole('button', { name: 'Delete your message' }).click();
    await samsReply.getByRole('button', { name: 'Yes, delete' }).click();
    await gracePage.getByText('This message was deleted.').waitFor();
    await expect(gracePage.getByText('we will visit on Monday').count()).resolves.toBe(0);
  });

  it('a second browser of Grace waits with a code, and her first browser approves it', async () => {
    const second = (await chromium.person('grace-laptop')).page;
    await signIn(second, server.url('/'), grace);
    await second.getByLabel('Choose a passphrase for this browser').fill(PASSPHRASE);
    await second.getByLabel('Type the passphrase again').fill(PASSPHRASE);
    await second.getByRole('button', { name: 'Set up this browser' }).click();
    await second.getByRole('heading', { level: 1, name: 'Approve this browser' }).waitFor({ timeout: 60_000 });
    const code = (await second.getByLabel("This browser's code").innerText()).trim();
    await checkScreen(second, 'approve-this-browser');

    await gracePage.getByRole('link', { name: 'Your devices' }).click();
    await gracePage.getByLabel('Code shown on the new device').fill(code);
    await gracePage.getByRole('button', { name: 'Approve device' }).click();
    await gracePage.getByText(/Approved “.*”/).waitFor();
    await checkScreen(gracePage, 'devices');

    await second.getByRole('heading', { level: 1, name: 'Messages' }).waitFor({ timeout: 30_000 });
    // New messages reach the new browser: Sam writes, it shows there.
    await conversation(second, /sam person/).click();
    await samPage.getByLabel('Message', { exact: true }).fill('Can both your devices read this?');
    await samPage.keyboard.press('Enter');
    await second.getByRole('log').getByText('Can both your devices read this?').waitFor();
    await second.context().close();
  });

  it('a member removed sees the conversation go; an expired message leaves every page', async () => {
    // The chair works from the SDK: a professionals' meeting channel with Grace and Sam in it.
    const chairClient = new StrongroomClient(server.baseUrl);
    await chairClient.login({ email: chair.email, password: chair.password });
    const me = await chairClient.me();
    if (me.attestation.agreementVersionId) await chairClient.attest(me.attestation.agreementVersionId);
    const s: SecureSession = await secureSession(chairClient, 'chair laptop', server);
    const room = await s.createChannel({
      kind: 'professionals_meeting',
      title: 'Smith family professionals',
      members: [{ userId: grace.id }, { userId: sam.id }],
    });
    await s.send(room, `Agenda to follow ${MARKER}`);

    await samPage.getByRole('link', { name: 'Messages', exact: true }).click();
    await conversation(samPage, /Smith family professionals/).click();
    await samPage.getByRole('log').getByText(`Agenda to follow ${MARKER}`).waitFor();
    await gracePage.getByRole('link', { name: 'Messages', exact: true }).click();
    await conversation(gracePage, /Smith family professionals/).click();
    await gracePage.getByRole('log').getByText(`Agenda to follow ${MARKER}`).waitFor();

    // Expiry: the message's time comes (set in the database, as the clock would), the job runs.
    await server.sql('UPDATE messages SET expires_at = $2 WHERE channel_id = $1', [
      room,
      new Date(server.clock.now().getTime() - 1000),
    ]);
    await server.app.get(RetentionService).expireMessages();
    await waitUntil(async () => (await gracePage.getByText('Agenda to follow').count()) === 0);
    await waitUntil(async () => (await samPage.getByText('Agenda to follow').count()) === 0);

    await chairClient.removeMember(room, sam.id);
    await samPage.getByText('You are no longer a member of this conversation.').waitFor();
    await checkScreen(samPage, 'conversation-removed');
    await samPage.getByRole('link', { name: 'Back to your messages' }).click();
    await conversation(samPage, /grace person/).waitFor();
    await waitUntil(async () => (await conversation(samPage, /Smith family professionals/).count()) === 0);
    s.close();
  });

  it('a session ended elsewhere signs the page out at once', async () => {
    const elsewhere = new StrongroomClient(server.baseUrl);
    await elsewhere.login({ email: sam.email, password: sam.password });
    await elsewhere.logoutEverywhere();
    await samPage.getByRole('heading', { level: 1, name: 'Sign in to Strongroom' }).waitFor();
    await samPage
      .getByText('You have been signed out: you signed out everywhere, from this or another device.')
      .waitFor();
    await checkScreen(samPage, 'signed-out');
  });

  it('the page keeps nothing readable: no token for scripts, nothing in web storage', async () => {
    // The session is an HttpOnly cookie (scripts cannot see it); keys are only in IndexedDB, encrypted.
    const seen = await gracePage.evaluate(() => ({
      cookie: document.cookie,
      local: localStorage.length,
      session: sessionStorage.length,
    }));
    expect(seen).toEqual({ cookie: '', local: 0, session: 0 });
    const cookies = await gracePage.context().cookies();
    expect(cookies.map((c) => ({ name: c.name, httpOnly: c.httpOnly, sameSite: c.sameSite }))).toEqual([
      { name: 'strongroom_session', httpOnly: true, sameSite: 'Strict' },
    ]);
  });

  it('the server holds none of it in clear', async () => {
    const dump = await dumpDatabase(server.databaseUrl);
    for (const form of markerForms(MARKER)) expect(dump.includes(form)).toBe(false);
    expect(dump).toContain(grace.email); // the dump is of the right database
  });
});

async function waitUntil(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out waiting for the page');
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function expectText(locator: { innerText(): Promise<string> }, re: RegExp): Promise<void> {
  await waitUntil(async () => re.test(await locator.innerText()));
}
