import { readFile } from 'node:fs/promises';
import type { Locator, Page } from 'playwright-core';
import { submitReferral } from '../../client/sdk/node.js';
import { dumpDatabase, markerForms, secureSession } from '../support/secure.js';
import type { Person } from '../support/world.js';
import { describeBrowser, useBrowser } from './support/browser.js';
import { startBrowserServer, type BrowserServer } from './support/server.js';
import { checkScreen, PASSPHRASE, setUpFirstBrowser, signIn, type Account } from './support/web-app.js';

/** Words that must never reach the server in clear: the questions, the answer, the file, the reason. */
const MARKER = `req-marker-${Math.random().toString(36).slice(2)}`;
const QUESTION = `Any incidents at the family home this year? ${MARKER}`;
const WHY = `Planning the family’s support ${MARKER}`;
const HEALTH_QUESTION = `Health visits since January? ${MARKER}`;
const ANSWER = `Two call-outs, both in March ${MARKER}`;
const FILE_BYTES = Buffer.from(`Incident log ${MARKER}\n2026-03-02 call-out\n2026-03-19 call-out\n`);
const REFERRAL_QUESTION = `Any call-outs to this address? ${MARKER}`;
const REASON = `We hold records but cannot share them without the mother’s consent ${MARKER}`;

/**
 * Information requests between agencies in the browser (issue 14): a family's lead worker asks the police
 * and health what they hold; the police's agency administrator sees it waiting, accepts it and assigns an
 * officer, who answers with a small file; health's administrator tries to decline with a reason too short
 * (refused on the page, nothing sent), then declines properly. The lead worker reads the answer,
 * downloads the file (the same bytes), reads the reason (and a warning when it does not hold up), and
 * closes the request. Every screen passes axe, reads plainly and reflows at 320 px; the server never holds
 * a word of it in clear.
 */
describeBrowser('information requests in the browser', () => {
  const chromium = useBrowser();
  let server: BrowserServer;
  let lead: Account & { id: string };
  let policeAdmin: Account & { id: string };
  let officer: Account & { id: string };
  let healthAdmin: Account & { id: string };
  let hubWorker: Account & { id: string };
  let teacher: Person;
  let hubPage: Page;
  let leadPage: Page;
  let policePage: Page;
  let officerPage: Page;
  let healthPage: Page;
  let familyRef: string;
  let policeRequestUrl: string;
  let healthRequestUrl: string;
  let health: string;

  beforeAll(async () => {
    // Agency administrators sign in with a password only here: two-factor sign-in has its own tests.
    server = await startBrowserServer({ env: { MFA_REQUIRED_ROLES: 'auditor' } });
    const w = server.world;
    await w.agreement();
    const council = await w.agency('Northshire Council');
    const police = await w.agency('Northshire Police', { sector: 'police' });
    health = await w.agency('Northshire Health', { sector: 'health' });
    lead = await w.account(council, 'practitioner', 'grace', { displayName: 'Grace Obi' });
    policeAdmin = await w.account(police, 'agency_admin', 'pat', { displayName: 'Pat Morgan' });
    officer = await w.account(police, 'practitioner', 'olu', { displayName: 'Olu Adeyemi' });
    healthAdmin = await w.account(health, 'agency_admin', 'hana', { displayName: 'Hana Reid' });
    const hub = await w.agency('Compass MASH', { mashHub: true });
    const school = await w.agency('Riverside Academy', { sector: 'education' });
    hubWorker = await w.account(hub, 'mash_worker', 'sol', { displayName: 'Sol Hart' });
    teacher = await w.person(school, 'practitioner', 'teacher', { displayName: 'Tom Reed' });
  });
  afterAll(() => server.close());

  it('everyone sets up their browser; the requests screen starts empty', async () => {
    // Everyone has a device before anything is asked, so each is given the keys as they are brought in.
    leadPage = (await chromium.person('lead', { acceptDownloads: true })).page;
    policePage = (await chromium.person('police admin')).page;
    officerPage = (await chromium.person('officer')).page;
    healthPage = (await chromium.person('health admin')).page;
    for (const [page, account] of [
      [leadPage, lead],
      [policePage, policeAdmin],
      [officerPage, officer],
      [healthPage, healthAdmin],
    ] as const) {
      await signIn(page, server.url('/'), account);
      await setUpFirstBrowser(page);
    }
    await nav(policePage, 'Information requests').click();
    await policePage.getByRole('heading', { level: 1, name: 'Information requests' }).waitFor();
    await policePage.getByText('Nobody has asked Northshire Police for information.').waitFor();
    await policePage.getByText('You have not asked another agency for information.').waitFor();
    await checkScreen(policePage, 'requests-empty');
  });

  it('the lead worker opens a family, records consent to share with the police and health, and asks both', async () => {
    await nav(leadPage, 'Families').click();
    await leadPage.getByRole('button', { name: 'Open a new family' }).click();
    await leadPage.getByRole('heading', { level: 1, name: /^Family EH-\d{4}-\d{4}$/ }).waitFor({ timeout: 30_000 });
    familyRef = (await leadPage.getByRole('heading', { level: 1 }).innerText()).replace('Family ', '').trim();

    await leadPage.locator('summary', { hasText: 'Add a family member' }).click();
    const add = leadPage.getByRole('form', { name: 'Add a family member' });
    await add.getByLabel('Role in the family').selectOption('child');
    await add.getByLabel('Name', { exact: true }).fill('Sam');
    await add.getByRole('button', { name: 'Add family member' }).click();
    await leadPage.getByRole('status').filter({ hasText: 'Added Sam (child) as M1.' }).waitFor();

    await leadPage.locator('summary', { hasText: 'Record a consent decision' }).click();
    const consent = leadPage.getByRole('form', { name: 'Record a consent decision' });
    await consent.getByLabel('Family member').selectOption({ label: 'Sam (child, M1)' });
    await consent.getByRole('radio', { name: /^Consent to share/ }).check();
    await consent.getByRole('radio', { name: 'Given', exact: true }).check();
    await consent.getByRole('radio', { name: 'A parent' }).check();
    await consent.getByRole('radio', { name: 'In writing' }).check();
    await consent.getByLabel('Consent form version').fill('v3');
    await consent.getByRole('checkbox', { name: 'Northshire Police' }).check();
    await consent.getByRole('checkbox', { name: 'Northshire Health' }).check();
    await consent.getByRole('button', { name: 'Record decision' }).click();
    await leadPage.getByRole('status').filter({ hasText: 'Recorded: consent to share given for Sam.' }).waitFor();

    // Asked with nothing filled in: the problem is announced at the top of the form and takes the focus.
    const requests = leadPage.getByRole('region', { name: 'Information requests' });
    await requests.getByText('You have not asked another agency about this family.').waitFor();
    await leadPage.locator('summary', { hasText: 'Ask another agency for information' }).click();
    const ask = leadPage.getByRole('form', { name: 'Ask another agency for information' });
    await ask.getByRole('button', { name: 'Send the request' }).click();
    const problem = leadPage.getByRole('alert').filter({ hasText: 'Choose the agency to ask.' });
    await problem.waitFor();
    await expect(problem.evaluate((e) => e === document.activeElement)).resolves.toBe(true);
    // Only the agencies the family's register lets the lead worker share with are offered, by name.
    await expect(ask.getByLabel('Agency to ask').locator('option:not([disabled])').allInnerTexts()).resolves.toEqual([
      'Northshire Health',
      'Northshire Police',
    ]);

    await ask.getByLabel('Agency to ask').selectOption({ label: 'Northshire Police' });
    await ask.getByLabel('What do you want to know?').fill(QUESTION);
    await ask.getByLabel('Why do you need it?').fill(WHY);
    await ask.getByLabel('Answer needed by').fill(dayFromNow(7));
    await checkScreen(leadPage, 'request-ask');
    await ask.getByRole('button', { name: 'Send the request' }).click();

    const heading = `Information request about ${familyRef}`;
    await leadPage.getByRole('heading', { level: 1, name: heading }).waitFor({ timeout: 30_000 });
    policeRequestUrl = leadPage.url();
    const summary = leadPage.locator('.summary').first();
    await expectText(summary, /Waiting to be accepted/);
    await expectText(summary, /Due in [678] days/);
    await expectText(summary, /Nobody yet: Northshire Police’s administrators/);
    await leadPage.getByText(QUESTION).waitFor({ timeout: 30_000 });
    await leadPage.getByText(WHY).waitFor();
    await checkScreen(leadPage, 'request-sent');

    // And health, from the family's page again.
    await leadPage.getByRole('link', { name: `Family ${familyRef}` }).click();
    await leadPage.getByRole('heading', { level: 1, name: `Family ${familyRef}` }).waitFor();
    await leadPage.locator('summary', { hasText: 'Ask another agency for information' }).click();
    await ask.getByLabel('Agency to ask').selectOption({ label: 'Northshire Health' });
    await ask.getByLabel('What do you want to know?').fill(HEALTH_QUESTION);
    await ask.getByLabel('Why do you need it?').fill(WHY);
    await ask.getByLabel('Answer needed by').fill(dayFromNow(3));
    await ask.getByRole('button', { name: 'Send the request' }).click();
    await leadPage.getByRole('heading', { level: 1, name: heading }).waitFor({ timeout: 30_000 });
    await leadPage.getByText(HEALTH_QUESTION).waitFor({ timeout: 30_000 });
    healthRequestUrl = leadPage.url();
    expect(healthRequestUrl).not.toBe(policeRequestUrl);

    // Health's answer is late: the lists say so in words.
    await server.sql(`UPDATE information_requests SET due_at = now() - interval '2 days' WHERE to_agency_id = $1`, [
      health,
    ]);
    await nav(leadPage, 'Information requests').click();
    await leadPage.getByRole('heading', { level: 1, name: 'Information requests' }).waitFor();
    const outbox = leadPage.getByRole('region', { name: 'Asked by you' });
    await expectText(outbox.getByRole('row').filter({ hasText: 'Northshire Health' }), /Overdue by 2 days/);
    await expectText(outbox.getByRole('row').filter({ hasText: 'Northshire Police' }), /Due in [678] days/);
    await expectText(outbox.getByRole('row').filter({ hasText: 'Northshire Police' }), /Waiting to be accepted/);
    await checkScreen(leadPage, 'requests-outbox');
  });

  it('the police administrator sees it waiting, accepts it and assigns an officer', async () => {
    // Live: the open screen lists the new request, and the navigation counts it.
    const inbox = policePage.getByRole('region', { name: 'Asked of your agency' });
    const row = inbox.getByRole('row').filter({ hasText: familyRef });
    await expectText(row, /Grace Obi\s*Northshire Council/);
    await expectText(row, /Waiting to be accepted/);
    await expectText(row, /Nobody yet/);
    await expectText(
      nav(policePage, 'Information requests'),
      /^Information requests\s+1\s+waiting for your agency’s answer$/,
    );
    await checkScreen(policePage, 'requests-inbox');

    await row.getByRole('link', { name: new RegExp(familyRef) }).click();
    await policePage.getByRole('heading', { level: 1, name: `Information request about ${familyRef}` }).waitFor();
    await policePage.getByText(QUESTION).waitFor({ timeout: 30_000 });
    // The agency asked cannot open the family: its reference is not a link for them.
    await expect(policePage.getByRole('link', { name: `Family ${familyRef}` }).count()).resolves.toBe(0);
    await checkScreen(policePage, 'request-received');

    await policePage.getByRole('button', { name: 'Accept the request' }).click();
    await policePage
      .getByRole('status')
      .filter({ hasText: /^Accepted\./ })
      .waitFor();
    await expectText(policePage.locator('.summary').first(), /Accepted, waiting for the answer/);

    await policePage.locator('summary', { hasText: 'Assign someone to answer' }).click();
    const assign = policePage.getByRole('form', { name: 'Assign someone to answer' });
    await assign.getByLabel('Person to answer').fill('Olu');
    await assign.getByLabel('Person to answer').press('Enter');
    await assign.getByRole('button', { name: 'Choose Olu Adeyemi' }).click();
    await checkScreen(policePage, 'request-assign');
    await assign.getByRole('button', { name: 'Assign Olu Adeyemi' }).click();
    await policePage
      .getByRole('status')
      .filter({ hasText: 'Assigned to Olu Adeyemi, who can now read the question and answer it.' })
      .waitFor({ timeout: 30_000 });
    await expectText(policePage.locator('.summary').first(), /Assigned to\s*Olu Adeyemi/);
    await expectText(policePage.getByRole('region', { name: 'Timeline' }), /Accepted by Northshire Police\./);
  });

  it('the officer answers with a small file', async () => {
    await nav(officerPage, 'Information requests').click();
    const row = officerPage.getByRole('region', { name: 'Asked of your agency' }).getByRole('row').filter({
      hasText: familyRef,
    });
    await expectText(row, /\bYou\b/);
    await row.getByRole('link', { name: new RegExp(familyRef) }).click();
    await officerPage.getByText(QUESTION).waitFor({ timeout: 30_000 });

    await officerPage.locator('summary', { hasText: 'Answer the request' }).click();
    const answer = officerPage.getByRole('form', { name: 'Answer the request' });
    await answer.getByLabel('What your agency holds').fill(ANSWER);
    await answer.getByLabel('Add files').setInputFiles({
      name: 'incident-log.txt',
      mimeType: 'text/plain',
      buffer: FILE_BYTES,
    });
    await answer
      .getByRole('list', { name: 'Files to send' })
      .getByText(/incident-log\.txt \(\d+ bytes\)/)
      .waitFor();
    await checkScreen(officerPage, 'request-answer');
    await answer.getByRole('button', { name: 'Send the answer' }).click();
    await officerPage
      .getByRole('status')
      .filter({ hasText: 'Answer sent with 1 file. Grace Obi (Northshire Council) can read it now.' })
      .waitFor({ timeout: 30_000 });
    await expectText(officerPage.locator('.summary').first(), /Answered/);
    await officerPage.getByRole('region', { name: 'The answer' }).getByText(ANSWER).waitFor();
    await expect(officerPage.getByRole('button', { name: 'Accept the request' }).count()).resolves.toBe(0);
    await checkScreen(officerPage, 'request-answered-by-you');
  });

  it('the health administrator cannot decline with a reason too short, then declines with a proper one', async () => {
    await nav(healthPage, 'Information requests').click();
    const row = healthPage.getByRole('region', { name: 'Asked of your agency' }).getByRole('row').filter({
      hasText: familyRef,
    });
    await expectText(row, /Overdue by 2 days/);
    await row.getByRole('link', { name: new RegExp(familyRef) }).click();
    await healthPage.getByText(HEALTH_QUESTION).waitFor({ timeout: 30_000 });
    await expectText(healthPage.locator('.summary').first(), /Overdue by 2 days/);

    await healthPage.locator('summary', { hasText: 'Decline the request' }).click();
    const decline = healthPage.getByRole('form', { name: 'Decline the request' });
    await decline.getByText(/Grace Obi \(Northshire Council\) reads your reason exactly as you write it/).waitFor();
    await decline.getByLabel('Why will your agency not share this?').fill('No consent.');
    await decline.getByRole('button', { name: 'Decline the request' }).click();
    const refusal = healthPage.getByRole('alert').filter({
      hasText: 'Explain in at least a sentence why your agency will not share this — 20 characters or more.',
    });
    await refusal.waitFor();
    await expect(refusal.evaluate((e) => e === document.activeElement)).resolves.toBe(true);
    await expect(decline.getByLabel('Why will your agency not share this?').getAttribute('aria-invalid')).resolves.toBe(
      'true',
    );
    await checkScreen(healthPage, 'request-decline-too-short');
    // Nothing was sent.
    const state = await server.sql(`SELECT state FROM information_requests WHERE to_agency_id = $1`, [health]);
    expect(state.rows).toEqual([{ state: 'requested' }]);

    await decline.getByLabel('Why will your agency not share this?').fill(REASON);
    await decline.getByRole('button', { name: 'Decline the request' }).click();
    await healthPage
      .getByRole('status')
      .filter({ hasText: 'Declined. Grace Obi (Northshire Council) can read your reason now.' })
      .waitFor({ timeout: 30_000 });
    await healthPage.getByRole('region', { name: 'Why it was declined' }).getByText(REASON).waitFor();
    await checkScreen(healthPage, 'request-declined-by-you');
  });

  it('the lead worker reads the answer, downloads the file, reads the reason, and closes the request', async () => {
    // Live: the list the lead worker had open shows both answered.
    const outbox = leadPage.getByRole('region', { name: 'Asked by you' });
    await expectText(outbox.getByRole('row').filter({ hasText: 'Northshire Police' }), /Answered/);
    await expectText(outbox.getByRole('row').filter({ hasText: 'Northshire Health' }), /Declined/);

    await outbox.getByRole('link', { name: new RegExp(`^${familyRef}\\s*, to Northshire Police$`) }).click();
    const answer = leadPage.getByRole('region', { name: 'The answer' });
    await answer.getByText(ANSWER).waitFor({ timeout: 30_000 });
    await expectText(answer, /Answered by\s*Olu Adeyemi/);
    const [download] = await Promise.all([
      leadPage.waitForEvent('download'),
      answer.getByRole('button', { name: 'Download incident-log.txt' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('incident-log.txt');
    expect((await readFile(await download.path())).equals(FILE_BYTES)).toBe(true);
    const timeline = leadPage.getByRole('region', { name: 'Timeline' });
    await expectText(timeline, /Asked of Northshire Police by you \(Northshire Council\)\./);
    await expectText(timeline, /Accepted by Northshire Police\./);
    await expectText(timeline, /Answered by Olu Adeyemi\./);
    await checkScreen(leadPage, 'request-answer-received');

    await leadPage.getByRole('button', { name: 'Close the request' }).click();
    await leadPage.getByRole('button', { name: 'Yes, close it' }).click();
    await leadPage.getByRole('status').filter({ hasText: 'The request is closed.' }).waitFor();
    await expectText(leadPage.locator('.summary').first(), /Closed/);
    await expect(leadPage.getByRole('button', { name: 'Close the request' }).count()).resolves.toBe(0);

    await nav(leadPage, 'Information requests').click();
    await outbox.getByRole('link', { name: new RegExp(`^${familyRef}\\s*, to Northshire Health$`) }).click();
    const reason = leadPage.getByRole('region', { name: 'Why it was declined' });
    await reason.getByText(REASON).waitFor({ timeout: 30_000 });
    await expectText(reason, /Declined by\s*Hana Reid/);
    await expect(reason.getByRole('alert').count()).resolves.toBe(0);
    await checkScreen(leadPage, 'request-decline-received');
  });

  it('a reason that does not hold up is shown with the check’s warning, in plain words', async () => {
    // Someone with the database's keys changes the length declared with the reason: the page's check
    // (the SDK's) finds the text is not what was declared, and says so beside it.
    await server.sql(`UPDATE information_requests SET explanation_length = 400 WHERE to_agency_id = $1`, [health]);
    await leadPage.reload();
    await leadPage.getByLabel('Passphrase for this browser').fill(PASSPHRASE);
    await leadPage.getByRole('button', { name: 'Unlock' }).click();
    const reason = leadPage.getByRole('region', { name: 'Why it was declined' });
    await reason.getByText(REASON).waitFor({ timeout: 60_000 });
    await expectText(
      reason.getByRole('alert'),
      /Warning: This explanation is \d+ characters long, but 400 were declared when it was sent/,
    );
    await checkScreen(leadPage, 'request-decline-warning');
  });

  it('the hub worker asks the police about a referral from its page; the police administrator reads it', async () => {
    hubPage = (await chromium.person('hub worker')).page;
    await signIn(hubPage, server.url('/'), hubWorker);
    await setUpFirstBrowser(hubPage);
    // A school's referral, made from the SDK once the hub worker's browser has its keys.
    const s = await secureSession(teacher.client, 'teacher laptop', server);
    const { receipt } = await submitReferral(s, {
      categories: ['neglect'],
      urgency: 'urgent',
      familyConsent: 'refused',
      subjects: [{ role: 'child', name: 'Mia' }],
      content: { concern: 'Arrives hungry most mornings.' },
    });
    s.close();
    const ref = receipt.ref!;

    await nav(hubPage, 'Hub queue').click();
    await hubPage.getByRole('row').filter({ hasText: ref }).getByRole('link', { name: ref }).click();
    await hubPage.getByRole('heading', { level: 1, name: `Referral ${ref}` }).waitFor();
    // Before the hub takes it on, it cannot ask partners.
    await hubPage
      .getByRole('region', { name: 'Information requests' })
      .getByText(/has not asked a partner/)
      .waitFor();
    await expect(hubPage.locator('summary', { hasText: 'Ask another agency for information' }).count()).resolves.toBe(
      0,
    );
    await hubPage.getByRole('button', { name: 'Take it on' }).click();
    await hubPage
      .getByRole('status')
      .filter({ hasText: `You have taken on ${ref} for screening.` })
      .waitFor();

    await hubPage.locator('summary', { hasText: 'Ask another agency for information' }).click();
    const ask = hubPage.getByRole('form', { name: 'Ask another agency for information' });
    await ask.getByLabel('Agency to ask').selectOption({ label: 'Northshire Police' });
    await ask.getByLabel('What do you want to know?').fill(REFERRAL_QUESTION);
    await ask.getByLabel('Why do you need it?').fill('Screening a referral rated urgent');
    await ask.getByLabel('Answer needed by').fill(dayFromNow(2));
    await checkScreen(hubPage, 'request-ask-referral');
    await ask.getByRole('button', { name: 'Send the request' }).click();
    await hubPage
      .getByRole('heading', { level: 1, name: `Information request about ${ref}` })
      .waitFor({ timeout: 30_000 });
    await hubPage.getByText(REFERRAL_QUESTION).waitFor({ timeout: 30_000 });
    await hubPage.getByRole('link', { name: `Referral ${ref}` }).waitFor();
    await checkScreen(hubPage, 'request-sent-referral');

    // The referral lists it, and its timeline says the hub asked.
    await hubPage.getByRole('link', { name: `Referral ${ref}` }).click();
    const listed = hubPage.getByRole('region', { name: 'Information requests' }).getByRole('row').filter({
      hasText: 'Northshire Police',
    });
    await expectText(listed, /Waiting to be accepted/);
    await expectText(
      hubPage.getByRole('region', { name: 'Timeline' }),
      /You asked Northshire Police for information\./,
    );

    // The police administrator, on the requests screen, sees it arrive with the referral's reference.
    await nav(policePage, 'Information requests').click();
    const row = policePage.getByRole('region', { name: 'Asked of your agency' }).getByRole('row').filter({
      hasText: ref,
    });
    await expectText(row, /Sol Hart\s*Compass MASH/);
    await expectText(row, /A referral/);
    await row.getByRole('link', { name: new RegExp(ref) }).click();
    await policePage.getByText(REFERRAL_QUESTION).waitFor({ timeout: 30_000 });
    await expectText(policePage.locator('.summary').first(), new RegExp(`Referral ${ref}`));
  });

  it('the server holds none of the request’s words in clear', async () => {
    const dump = await dumpDatabase(server.databaseUrl);
    for (const form of markerForms(MARKER)) expect(dump.includes(form)).toBe(false);
    expect(dump).toContain(lead.email); // the dump is of the right database
  });
});

/** A day `n` days from today on this computer's calendar, as a date input takes it. */
function dayFromNow(n: number): string {
  const d = new Date(Date.now() + n * 86_400_000);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** A link of the main navigation. */
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
