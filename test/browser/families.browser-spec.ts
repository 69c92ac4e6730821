import type { Locator, Page } from 'playwright-core';
import { StrongroomClient } from '../../client/sdk/node.js';
import { dumpDatabase, markerForms } from '../support/secure.js';
import { eventually } from '../support/eventually.js';
import { describeBrowser, useBrowser } from './support/browser.js';
import { startBrowserServer, type BrowserServer } from './support/server.js';
import { checkScreen as checkEveryScreen, setUpFirstBrowser, signIn, type Account } from './support/web-app.js';

/** Words that must never reach the server in clear: a family member's name, the plan, a rationale. */
const MARKER = `fam-marker-${Math.random().toString(36).slice(2)}`;

/**
 * Families and administration in the browser (issue 13): a lead worker opens a family, adds a member
 * (name encrypted in the page), records consent to share with the police (with the date and who gave
 * it), writes the whole-family plan and sees its signature checked, and a plan altered on the server
 * shown with a warning; an agency administrator invites someone (the one-time code works), disables
 * them after a confirmation, and reads the signatory register and their sessions. Every screen passes
 * axe and is photographed at 1280 and 320 px; the server never holds the family's words in clear.
 */
describeBrowser('families and administration in the browser', () => {
  const chromium = useBrowser();
  let server: BrowserServer;
  let lead: Account & { id: string };
  let admin: Account & { id: string };
  let isa: Account & { id: string };
  let owen: Account & { id: string };
  let leadPage: Page;
  let adminPage: Page;
  let familyUrl: string;
  const child = `Sam ${MARKER}`;

  beforeAll(async () => {
    // Administrators sign in with a password only here: the two-factor sign-in has its own tests.
    server = await startBrowserServer({ env: { MFA_REQUIRED_ROLES: 'auditor' } });
    const w = server.world;
    await w.agreement();
    const council = await w.agency('Northshire Council');
    await w.agency('Northshire Police', { sector: 'police' });
    const school = await w.agency('Riverside Academy', { sector: 'education' });
    lead = await w.account(council, 'practitioner', 'grace', { displayName: 'Grace Obi' });
    admin = await w.account(council, 'agency_admin', 'dpo', { displayName: 'Dana Price' });
    isa = await w.account(council, 'isa_admin', 'isa', { displayName: 'Ian Sands' });
    owen = await w.account(school, 'practitioner', 'owen', { displayName: 'Owen Price' });
    const team = await w.person(council, 'isa_admin', 'localities');
    await team.client.addLocality('North');
    await team.client.addLocality('South');
  });
  afterAll(() => server.close());

  it('a lead worker opens a family and adds a member, whose name is encrypted in the page', async () => {
    leadPage = (await chromium.person('lead')).page;
    await signIn(leadPage, server.url('/'), lead);
    await setUpFirstBrowser(leadPage);
    await expect(nav(leadPage, 'Administration').count()).resolves.toBe(0);

    await nav(leadPage, 'Families').click();
    await leadPage.getByRole('heading', { level: 1, name: 'Families' }).waitFor();
    await leadPage.getByText('You are not working with any families yet.').waitFor();
    await check(leadPage, 'families-empty');
    await leadPage.getByRole('combobox', { name: 'Locality (optional)' }).selectOption({ label: 'North' });
    await leadPage.getByRole('button', { name: 'Open a new family' }).click();
    await leadPage.getByRole('heading', { level: 1, name: /^Family EH-\d{4}-\d{4}$/ }).waitFor({ timeout: 30_000 });
    // Its locality, chosen on opening, and changed by its lead worker.
    await leadPage.locator('dl.summary dd', { hasText: /^North$/ }).waitFor();
    await leadPage.getByRole('combobox', { name: 'Change the locality' }).selectOption({ label: 'South' });
    await leadPage.getByRole('button', { name: 'Save the locality' }).click();
    await leadPage.getByRole('status').filter({ hasText: 'The family is now in the South locality.' }).waitFor();
    await leadPage.locator('dl.summary dd', { hasText: /^South$/ }).waitFor();
    familyUrl = leadPage.url();

    await leadPage.locator('summary', { hasText: 'Add a family member' }).click();
    const add = leadPage.getByRole('form', { name: 'Add a family member' });
    await add.getByLabel('Role in the family').selectOption('child');
    await add.getByLabel('Name', { exact: true }).fill(child);
    await add.getByLabel('Date of birth (optional)').fill('2013-05-06');
    await check(leadPage, 'family-add-member');
    await add.getByRole('button', { name: 'Add family member' }).click();
    await leadPage
      .getByRole('status')
      .filter({ hasText: `Added ${child} (child) as M1.` })
      .waitFor();
    const row = leadPage.getByRole('row').filter({ hasText: child });
    await expectText(row, /Child/);
    await expectText(row, /6 May 2013/);
    await expectText(row, /Not recorded/);
  });

  it('the lead worker records consent to share, with the date and who gave it', async () => {
    await leadPage.locator('summary', { hasText: 'Record a consent decision' }).click();
    const form = leadPage.getByRole('form', { name: 'Record a consent decision' });
    await form.getByLabel('Family member').selectOption({ label: `${child} (child, M1)` });
    await form.getByRole('radio', { name: /^Consent to share/ }).check();
    await form.getByRole('radio', { name: 'Given', exact: true }).check();
    await form.getByRole('radio', { name: 'A parent' }).check();
    await form.getByRole('radio', { name: 'In writing' }).check();
    await form.getByLabel('Date of the decision').fill('2026-01-15');
    await form.getByLabel('Consent form version').fill('v3');
    await form.getByRole('checkbox', { name: 'Northshire Police' }).check();
    await check(leadPage, 'family-record-consent');
    await form.getByRole('button', { name: 'Record decision' }).click();
    await leadPage
      .getByRole('status')
      .filter({ hasText: `Recorded: consent to share given for ${child}.` })
      .waitFor();

    const row = leadPage.getByRole('row').filter({ hasText: child });
    await expectText(row, /Given by a parent, 15 January 2026/);
    await expectText(row, /Covers: Northshire Police/);
    const mayShare = leadPage.getByRole('table', { name: /Agencies that may see/ });
    await expectText(mayShare.getByRole('row').filter({ hasText: 'Northshire Police' }), /Consent/);
    await expectText(mayShare.getByRole('row').filter({ hasText: 'Northshire Council' }), /Lead worker’s agency/);

    // A child deciding for themself needs the competence judgement: the form asks for it.
    await form.getByLabel('Family member').selectOption({ label: `${child} (child, M1)` });
    await form.getByRole('radio', { name: /^The child themself/ }).check();
    await form.getByRole('group', { name: 'The competence judgement' }).waitFor();
    await check(leadPage, 'family-consent-competence');
  });

  it('the whole-family plan is signed here and checked; one altered on the server is a warning', async () => {
    await leadPage.locator('summary', { hasText: 'Write the plan' }).click();
    const form = leadPage.getByRole('form', { name: 'Write the plan' });
    await form.getByLabel('What is the objective?').fill(`Sam attends school every day ${MARKER}`);
    await form.getByLabel('Outcome hoped for').fill('95% attendance');
    await form.getByLabel('The family’s voice').fill('Mornings are easier now');
    await form.getByRole('button', { name: 'Save the plan' }).click();
    await leadPage.getByText('Checked: this is the text you saved, signed by your device.').waitFor();
    await leadPage.getByRole('row').filter({ hasText: 'Sam attends school every day' }).waitFor();

    await leadPage.locator('summary', { hasText: 'Report progress' }).click();
    const progress = leadPage.getByRole('form', { name: 'Report progress' });
    await progress.getByLabel('Objective').selectOption({ index: 1 });
    await progress.getByLabel('Report').fill('No missed days this month');
    await progress.getByRole('button', { name: 'Record progress' }).click();
    await leadPage.getByRole('row').filter({ hasText: 'No missed days this month' }).waitFor();

    // The lead worker records a review: what it found in clear, the note (with the marker) sealed here.
    await leadPage.locator('summary', { hasText: 'Record a review' }).click();
    const review = leadPage.getByRole('form', { name: 'Record a review' });
    await review.getByRole('radio', { name: 'Partly met' }).check();
    await review.getByLabel('Note (optional)').fill(`School is better; housing still open ${MARKER}`);
    await review.getByRole('button', { name: 'Record the review' }).click();
    await leadPage
      .getByRole('row')
      .filter({ hasText: 'Outcomes partly met' })
      .filter({ hasText: 'housing still open' })
      .waitFor();
    await check(leadPage, 'family');

    // Someone with the database's keys moves the review date: the page says the signature does not hold.
    await server.sql(`UPDATE family_plan_versions SET review_on = '2029-01-01'`);
    await nav(leadPage, 'Families').click();
    await leadPage.getByRole('heading', { level: 1, name: 'Families' }).waitFor();
    await check(leadPage, 'families');
    await leadPage.getByRole('link', { name: /^EH-/ }).click();
    await leadPage
      .getByRole('alert')
      .filter({ hasText: 'Warning: this plan’s signature does not check out.' })
      .waitFor({ timeout: 30_000 });
    await expect(leadPage.getByText('Checked: this is the text you saved').count()).resolves.toBe(0);
    await check(leadPage, 'family-plan-warning');
    expect(leadPage.url()).toBe(familyUrl);
  });

  it('an agency administrator invites someone, who can use the code, and disables them after confirming', async () => {
    adminPage = (await chromium.person('admin')).page;
    await signIn(adminPage, server.url('/'), admin);
    await setUpFirstBrowser(adminPage);
    await nav(adminPage, 'Administration').click();
    await adminPage.getByRole('heading', { level: 1, name: 'Administration' }).waitFor();
    // An agency administrator reads their agency's part of the audit log, but has no sign-in delays.
    await adminPage.getByRole('link', { name: 'The audit log' }).waitFor();
    await expect(adminPage.getByRole('link', { name: 'Sign-in delays' }).count()).resolves.toBe(0);
    await check(adminPage, 'admin');

    await adminPage.getByRole('link', { name: 'People and invitations' }).click();
    await adminPage.getByRole('row').filter({ hasText: 'Grace Obi' }).waitFor();
    await check(adminPage, 'admin-users');
    await adminPage.locator('summary', { hasText: 'Invite someone to Northshire Council' }).click();
    const invite = adminPage.getByRole('form', { name: 'Invite someone to Northshire Council' });
    await invite.getByLabel('Full name').fill('Ned Newman');
    const email = `ned.${Math.random().toString(36).slice(2)}@northshire.example`;
    await invite.getByLabel('Work e-mail address').fill(email);
    await invite.getByLabel('Role').selectOption('practitioner');
    await invite.getByRole('button', { name: 'Create invitation' }).click();
    await adminPage.getByRole('heading', { level: 2, name: 'Invitation for Ned Newman' }).waitFor();
    const token = (await adminPage.locator('.invitation-code code').innerText()).trim();
    await check(adminPage, 'admin-invitation');
    const ned = new StrongroomClient(server.baseUrl);
    await expect(ned.acceptInvitation(token, 'a long new password for ned')).resolves.toMatchObject({
      user: { email, status: 'active' },
    });
    await adminPage.getByRole('button', { name: 'Done: I have passed it on' }).click();

    const row = adminPage.getByRole('row').filter({ hasText: 'Ned Newman' });
    await row.getByRole('button', { name: 'Disable Ned Newman’s account' }).click();
    const confirm = adminPage.getByRole('group', { name: /^Disable Ned Newman’s account\?/ });
    await expect(
      confirm.getByText(/^Disable Ned Newman’s account\?/).evaluate((e) => e === document.activeElement),
    ).resolves.toBe(true);
    await confirm.getByLabel('Reason (optional)').fill('Left the council');
    await check(adminPage, 'admin-disable-confirm');
    await confirm.getByRole('button', { name: 'Yes, disable the account' }).click();
    await adminPage.getByRole('status').filter({ hasText: 'Ned Newman’s account is disabled' }).waitFor();
    await expectText(row, /Disabled on/);
    await expect(ned.login({ email, password: 'a long new password for ned' })).rejects.toMatchObject({ status: 401 });
  });

  it('the register, an agency’s signatures, and sessions: one ended from here, then signing out everywhere', async () => {
    await nav(adminPage, 'Administration').click();
    await adminPage.getByRole('link', { name: 'Agencies and the agreement' }).click();
    const police = adminPage.getByRole('row').filter({ hasText: 'Northshire Police' });
    await expectText(police, /Active \(signed\)/);
    await check(adminPage, 'admin-agencies');
    await adminPage.getByRole('link', { name: 'Northshire Council' }).click();
    await adminPage.getByRole('heading', { level: 1, name: 'Northshire Council' }).waitFor();
    await adminPage.getByRole('row').filter({ hasText: 'A Signatory' }).waitFor();
    await check(adminPage, 'admin-agency');

    // Signed in elsewhere too (a script with the SDK): that session is listed and can be ended from here.
    const elsewhere = new StrongroomClient(server.baseUrl);
    await elsewhere.login({ email: admin.email, password: admin.password });
    await nav(adminPage, 'Sign-in sessions').click();
    await adminPage.getByRole('heading', { level: 1, name: 'Where you are signed in' }).waitFor();
    await adminPage.getByText('(this browser)').waitFor();
    const other = adminPage
      .getByRole('row')
      .filter({ hasNotText: '(this browser)' })
      .filter({ has: adminPage.getByRole('button') });
    await other.getByRole('button', { name: /^End the session/ }).click();
    await check(adminPage, 'sessions');
    await other.getByRole('button', { name: 'Yes, end it' }).click();
    await adminPage
      .getByRole('status')
      .filter({ hasText: /^Ended the session/ })
      .waitFor();
    await expect(elsewhere.me()).rejects.toMatchObject({ status: 401 });
    // The list is drawn again after the confirmation: wait for it rather than read it once.
    await eventually(async () =>
      expect(await adminPage.getByRole('button', { name: /^End the session/ }).count()).toBe(0),
    );

    // Sign out everywhere, this browser included, after a confirmation.
    await adminPage.getByRole('button', { name: 'Sign out everywhere' }).click();
    await adminPage.getByRole('button', { name: 'Yes, sign out everywhere' }).click();
    await adminPage.getByRole('heading', { level: 1, name: 'Sign in to Strongroom' }).waitFor();
    await adminPage
      .getByText('You have been signed out: you signed out everywhere, from this or another device.')
      .waitFor();
  });

  it('the ISA team checks the audit log, lets a held-back person in, and suspends and reinstates an agency', async () => {
    // Owen forgets his password: six failures hold his account back.
    for (let i = 0; i < 6; i++) {
      await expect(
        new StrongroomClient(server.baseUrl).login({ email: owen.email, password: 'not his password at all' }),
      ).rejects.toMatchObject({ status: expect.any(Number) as number });
    }
    const page = (await chromium.person('isa')).page;
    await signIn(page, server.url('/'), isa);
    await setUpFirstBrowser(page);
    await nav(page, 'Administration').click();
    for (const part of ['Agencies and the agreement', 'People and invitations', 'The audit log', 'Sign-in delays']) {
      await page.getByRole('link', { name: part }).waitFor();
    }

    await page.getByRole('link', { name: 'The audit log' }).click();
    await page.getByRole('button', { name: 'Check the audit log' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /^The audit log is intact: [\d,]+ events checked, on the server and on this computer\.$/ })
      .waitFor({ timeout: 30_000 });
    await expectText(page.getByRole('region', { name: 'Intact' }), /Intact: all [\d,]+ events check out\./);
    await check(page, 'admin-audit');

    await nav(page, 'Administration').click();
    await page.getByRole('link', { name: 'Sign-in delays' }).click();
    const held = page.getByRole('row').filter({ hasText: 'Owen Price' });
    await expectText(held, /\b6\b/);
    await check(page, 'admin-sign-in-delays');
    await held.getByRole('button', { name: 'Let them in now (Owen Price)' }).click();
    await page.getByRole('button', { name: 'Yes, let them in' }).click();
    await page.getByRole('status').filter({ hasText: 'Owen Price can sign in again now.' }).waitFor();
    await page.getByText('No account is held back.').waitFor();
    await expect(
      new StrongroomClient(server.baseUrl).login({ email: owen.email, password: owen.password }),
    ).resolves.toMatchObject({ user: { email: owen.email } });

    await nav(page, 'Administration').click();
    await page.getByRole('link', { name: 'Agencies and the agreement' }).click();
    await page.getByRole('link', { name: 'Riverside Academy' }).click();
    await page.getByRole('heading', { level: 1, name: 'Riverside Academy' }).waitFor();
    await page.getByRole('button', { name: 'Suspend the agency' }).click();
    const confirm = page.getByRole('group', { name: /^Suspend Riverside Academy\?/ });
    // "Yes" waits for the reason, which the server requires.
    await expect(confirm.getByRole('button', { name: 'Yes, suspend' }).isDisabled()).resolves.toBe(true);
    await confirm.getByLabel('Reason').fill('Data breach under investigation');
    await check(page, 'admin-agency-suspend');
    await confirm.getByRole('button', { name: 'Yes, suspend' }).click();
    await page.getByRole('status').filter({ hasText: 'Riverside Academy is suspended.' }).waitFor();
    await page.getByText('Suspended: Data breach under investigation').waitFor();
    await page.getByRole('button', { name: 'Reinstate the agency' }).click();
    await page.getByRole('button', { name: 'Yes, reinstate' }).click();
    await page.getByRole('status').filter({ hasText: 'Riverside Academy is reinstated.' }).waitFor();
    await page.getByText('Active (signed)').waitFor();
  });

  it('the server holds none of the family’s words in clear', async () => {
    const dump = await dumpDatabase(server.databaseUrl);
    for (const form of markerForms(MARKER)) expect(dump.includes(form)).toBe(false);
    expect(dump).toContain(lead.email); // the dump is of the right database
  });
});

/** Every screen's checks (test/browser/support/web-app.ts), WCAG's reflow rule among them. */
const check = checkEveryScreen;

/** A link of the main navigation (pages may link to the same place in their text). */
const nav = (page: Page, name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name });

async function expectText(locator: Locator, re: RegExp, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const last = await locator.innerText().catch(() => '');
    if (re.test(last)) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${re} in: ${last}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
