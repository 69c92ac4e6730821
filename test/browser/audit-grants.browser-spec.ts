import type { Page } from 'playwright-core';
import { describeBrowser, useBrowser } from './support/browser.js';
import { startBrowserServer, type BrowserServer } from './support/server.js';
import { checkScreen, setUpFirstBrowser, signIn, type Account } from './support/web-app.js';

/**
 * Time-limited audit access in the browser (issue 16; ISA 6.1): an auditor asks for a family's case with
 * a purpose; an ISA administrator sees it waiting, approves it until a day, and ends it early; the
 * auditor sees their access on the same page. Screens pass axe.
 */
describeBrowser('audit access, in the browser', () => {
  const chromium = useBrowser();
  let server: BrowserServer;
  let isa: Account;
  let audrey: Account;
  let familyRef = '';
  let familyChannelId = '';
  let isaPage: Page;
  let audreyPage: Page;

  beforeAll(async () => {
    // No second factor for these roles here: the sign-in screens have their own tests.
    server = await startBrowserServer({ env: { MFA_REQUIRED_ROLES: 'agency_admin' } });
    const w = server.world;
    await w.agreement();
    const council = await w.agency('Northshire Council');
    isa = await w.account(council, 'isa_admin', 'isa', { displayName: 'Ian Sands' });
    audrey = await w.account(council, 'auditor', 'audrey', { displayName: 'Audrey Hale' });
    const alice = await w.person(council, 'practitioner', 'alice');
    const family = await alice.client.createFamily();
    familyRef = family.ref;
    familyChannelId = family.channelId;
  });
  afterAll(() => server.close());

  const openAuditAccess = async (page: Page) => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Administration' }).click();
    await page.getByRole('link', { name: 'Audit access' }).click();
    await page.getByRole('heading', { level: 1, name: 'Audit access' }).waitFor();
  };

  it('an auditor asks for a family’s case, with what the audit is for', async () => {
    audreyPage = (await chromium.person('audrey')).page;
    await signIn(audreyPage, server.url('/'), audrey);
    await setUpFirstBrowser(audreyPage);
    await openAuditAccess(audreyPage);
    await audreyPage.getByRole('radio', { name: 'A family' }).check();
    await audreyPage.getByLabel('Its reference').fill(familyRef);
    await audreyPage.getByLabel('What is the audit for?').fill('Quarterly quality review, sample 3');
    await checkScreen(audreyPage, 'audit-grants-ask');
    await audreyPage.getByRole('button', { name: 'Ask for access' }).click();
    await audreyPage.getByText(`Asked for access to Family ${familyRef}. An ISA administrator decides.`).waitFor();
    await audreyPage.getByRole('cell', { name: 'Waiting for a decision' }).waitFor();

    // A reference that names nothing is refused in plain words.
    await audreyPage.getByLabel('Its reference').fill('EH-1999-9999');
    await audreyPage.getByLabel('What is the audit for?').fill('Typo');
    await audreyPage.getByRole('button', { name: 'Ask for access' }).click();
    await audreyPage.getByText('The family EH-1999-9999 was not found.').waitFor();
    await checkScreen(audreyPage, 'audit-grants-ask-refused');
  });

  it('an ISA administrator approves it until a day, and ends it early', async () => {
    isaPage = (await chromium.person('isa')).page;
    await signIn(isaPage, server.url('/'), isa);
    await setUpFirstBrowser(isaPage);
    await openAuditAccess(isaPage);
    const row = isaPage.getByRole('row').filter({ hasText: 'Audrey Hale' });
    await row.getByText('Quarterly quality review, sample 3').waitFor();
    await checkScreen(isaPage, 'audit-grants-pending');
    await row.getByRole('button', { name: `Approve Audrey Hale’s request for Family ${familyRef}` }).click();
    await isaPage.getByText(new RegExp(`^Audrey Hale can read Family ${familyRef} until `)).waitFor();
    const { rows } = await server.sql('SELECT role, ends_at FROM channel_members WHERE channel_id = $1 AND role = $2', [
      familyChannelId,
      'observer',
    ]);
    expect(rows).toHaveLength(1);
    await checkScreen(isaPage, 'audit-grants-approved');

    await isaPage
      .getByRole('row')
      .filter({ hasText: 'Audrey Hale' })
      .getByRole('button', { name: /^End now/ })
      .click();
    await isaPage.getByRole('button', { name: 'Yes, end it' }).click();
    await isaPage.getByText(`Audrey Hale’s access to Family ${familyRef} has ended.`).waitFor();
    await isaPage.getByRole('cell', { name: 'Ended early' }).waitFor();
  });

  it('the auditor sees that their access ended', async () => {
    await audreyPage.reload();
    await audreyPage.getByRole('heading', { level: 1, name: /Unlock your keys|Audit access/ }).waitFor();
    if (await audreyPage.getByRole('heading', { level: 1, name: 'Unlock your keys' }).isVisible()) {
      await audreyPage.getByLabel('Passphrase').fill('correct horse battery staple');
      await audreyPage.getByRole('button', { name: /Unlock/ }).click();
    }
    await audreyPage.getByRole('cell', { name: 'Ended early' }).waitFor({ timeout: 30_000 });
    await checkScreen(audreyPage, 'audit-grants-mine');
  });
});
