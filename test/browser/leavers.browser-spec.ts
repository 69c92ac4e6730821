import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { StrongroomClient, type SecureSession } from '../../client/sdk/index.js';
import { secureSession } from '../support/secure.js';
import { describeBrowser, useBrowser } from './support/browser.js';
import { startBrowserServer, type BrowserServer } from './support/server.js';
import { checkScreen, setUpFirstBrowser, signIn, type Account } from './support/web-app.js';

/**
 * A leaver carried through in the browser (issue 16): an agency administrator disables someone who still
 * owns an open action, the hand-over panel lists it at once, and they hand it to a colleague found by name;
 * the colleague's page counts the new notification as it arrives, lists it, and marks it read. Screens pass axe.
 */
describeBrowser('leavers: the hand-over panel and notifications, in the browser', () => {
  const chromium = useBrowser();
  let server: BrowserServer;
  let admin: Account;
  let cole: Account & { id: string };
  let lee: Account & { id: string };
  let chairS: SecureSession;
  let actionId: string;
  let adminPage: Page;
  let colePage: Page;

  beforeAll(async () => {
    server = await startBrowserServer({ env: { MFA_REQUIRED_ROLES: 'auditor' } });
    const w = server.world;
    await w.agreement();
    const police = await w.agency('Northshire Police', { sector: 'police' });
    admin = await w.account(police, 'agency_admin', 'admin', { displayName: 'Ada Price' });
    cole = await w.account(police, 'practitioner', 'cole', { displayName: 'Cole Hart' });
    lee = await w.account(police, 'practitioner', 'lee', { displayName: 'Lee Moss' });
    const chair = await w.account(police, 'practitioner', 'chair', { displayName: 'Chris Chair' });
    const chairClient = new StrongroomClient(server.baseUrl);
    await chairClient.login({ email: chair.email, password: chair.password });
    const me = await chairClient.me();
    if (me.attestation.agreementVersionId) await chairClient.attest(me.attestation.agreementVersionId);
    chairS = await secureSession(chairClient, 'chair laptop', server);
    const channelId = await chairS.createChannel({
      kind: 'locality_meeting',
      members: [{ userId: cole.id }, { userId: lee.id }],
    });
    actionId = randomUUID();
    await chairClient.createAction({
      id: actionId,
      channelId,
      description: await chairS.sealField(channelId, 'action', { text: 'Visit' }, { recordId: actionId }),
      ownerId: lee.id,
      dueOn: '2099-03-01',
    });
  });
  afterAll(async () => {
    chairS.close();
    await server.close();
  });

  it('the admin disables a leaver and hands their open action to a colleague from the panel', async () => {
    colePage = (await chromium.person('cole')).page;
    await signIn(colePage, server.url('/'), cole);
    await setUpFirstBrowser(colePage);
    const nav = colePage.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Notifications', exact: true }).waitFor();

    adminPage = (await chromium.person('admin')).page;
    await signIn(adminPage, server.url('/'), admin);
    await setUpFirstBrowser(adminPage);
    await adminPage.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Administration' }).click();
    await adminPage
      .getByRole('link', { name: /People/ })
      .first()
      .click();
    const row = adminPage.getByRole('row').filter({ hasText: 'Lee Moss' });
    await row.getByRole('button', { name: 'Disable Lee Moss’s account' }).click();
    await adminPage.getByRole('button', { name: 'Yes, disable the account' }).click();
    const panel = adminPage.getByRole('region', { name: 'What Lee Moss leaves to hand over' });
    await panel.getByText('Open actions (1).', { exact: false }).waitFor();
    await checkScreen(adminPage, 'admin-hand-over');

    const finder = panel.getByLabel(/Who takes on the action due/);
    await finder.fill('Cole');
    await finder.press('Enter');
    await panel.getByRole('button', { name: 'Choose Cole Hart' }).click();
    await panel.getByRole('button', { name: /^Hand over the action due/ }).click();
    await panel
      .getByRole('status')
      .filter({ hasText: /is now Cole Hart’s; they have been told\.$/ })
      .waitFor();
    await panel.getByText('Nothing is left to hand over.').waitFor();
    expect((await server.sql('SELECT owner_id FROM actions WHERE id = $1', [actionId])).rows).toEqual([
      { owner_id: cole.id },
    ]);
  });

  it('the colleague’s page counts the notification live, lists it and marks it read', async () => {
    const link = colePage.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /^Notifications/ });
    await link.filter({ hasText: '1 not read yet' }).waitFor();
    await link.click();
    await colePage.getByRole('heading', { level: 1, name: 'Notifications' }).waitFor();
    const item = colePage.getByRole('listitem').filter({ hasText: 'New: An action was handed to you.' });
    await item.waitFor();
    await checkScreen(colePage, 'notifications');
    await item.getByRole('button', { name: /^Mark read/ }).click();
    await colePage.getByText('All read.').waitFor();
    await link.filter({ hasNotText: 'not read yet' }).waitFor();
  });
});
