import { readFile } from 'node:fs/promises';
import type { Locator, Page } from 'playwright-core';
import { dumpDatabase, markerForms } from '../support/secure.js';
import type { Person as Account } from '../support/world.js';
import { describeBrowser, useBrowser } from './support/browser.js';
import { startBrowserServer, type BrowserServer } from './support/server.js';
import { checkScreen, setUpFirstBrowser, signIn } from './support/web-app.js';

/** Words that must never reach the server in clear: a child's name, the concern, the hub's reasons. */
const MARKER = `ref-marker-${Math.random().toString(36).slice(2)}`;
const CHILD = `Mia ${MARKER}`;
const CONCERN = `Arrives hungry most mornings ${MARKER}`;
const RATIONALE = `Police hold two recent incidents ${MARKER}`;
const JUSTIFICATION = `Risk of significant harm ${MARKER}`;
const DECISION_WHY = `Needs a family-wide plan ${MARKER}`;
const FORM_NAME = `referral-form-${MARKER}.txt`;
const FORM_BYTES = Buffer.from(`Referral form ${MARKER}\nAttendance: 71% this term\n`);
const POLICE_QUESTION = `Any call-outs to the home this year? ${MARKER}`;
const POLICE_ANSWER = `Two domestic call-outs, in March and June ${MARKER}`;
const LOG_NAME = 'call-out-log.txt';
const LOG_BYTES = Buffer.from(`Call-out log ${MARKER}\n2026-03-02\n2026-06-19\n`);
const HEALTH_QUESTION = `Health visiting contacts since January? ${MARKER}`;
const HEALTH_REASON = `We cannot share health records without the mother’s consent ${MARKER}`;

/**
 * The MASH hub's referrals in the browser (issue 14), the whole story: a school practitioner makes a
 * referral with a file and gets its reference at once; the hub worker sees it arrive in the queue, takes
 * it on, downloads the file, rates it red, and asks the police and health what they hold: the police
 * answer with a file, health decline with a written reason. The hub shares the referral with a police
 * practitioner on a lawful basis (the family did not agree) and decides early help, opening a family led
 * by a council practitioner. The referrer, moved to the receipt when the hub took
 * it on, sees the decision and not the reasons; the police practitioner reads it all; a health
 * practitioner it was not shared with is told, in plain words, that they cannot open it. Every screen
 * passes axe, reads plainly and reflows at 320 px; the server never holds a word of it in clear.
 */
describeBrowser('MASH referrals in the browser', () => {
  const chromium = useBrowser();
  let server: BrowserServer;
  let teacher: Omit<Account, 'client'>;
  let hubWorker: Omit<Account, 'client'>;
  let officer: Omit<Account, 'client'>;
  let nurse: Omit<Account, 'client'>;
  let policeAdmin: Omit<Account, 'client'>;
  let healthAdmin: Omit<Account, 'client'>;
  let teacherPage: Page;
  let hubPage: Page;
  let ref: string;

  beforeAll(async () => {
    // Agency administrators sign in with a password only here: two-factor sign-in has its own tests.
    server = await startBrowserServer({ env: { MFA_REQUIRED_ROLES: 'auditor' } });
    const w = server.world;
    await w.agreement();
    const hub = await w.agency('Compass MASH', { mashHub: true });
    const school = await w.agency('Riverside Academy', { sector: 'education' });
    const police = await w.agency('Northshire Police', { sector: 'police' });
    const health = await w.agency('Northshire Health', { sector: 'health' });
    const council = await w.agency('Northshire Council');
    hubWorker = await w.account(hub, 'mash_worker', 'hub', { displayName: 'Hana Shah' });
    teacher = await w.account(school, 'practitioner', 'teacher', { displayName: 'Tom Reed' });
    officer = await w.account(police, 'practitioner', 'officer', { displayName: 'Olu Adeyemi' });
    nurse = await w.account(health, 'practitioner', 'nurse', { displayName: 'Nia Evans' });
    policeAdmin = await w.account(police, 'agency_admin', 'police-admin', { displayName: 'Pat Morgan' });
    healthAdmin = await w.account(health, 'agency_admin', 'health-admin', { displayName: 'Hal Reid' });
    await w.account(council, 'practitioner', 'lead', { displayName: 'Lena Marsh' });
  });
  afterAll(() => server.close());

  it('the hub worker has the queue in their navigation, and it is empty', async () => {
    hubPage = (await chromium.person('hub worker')).page;
    await signIn(hubPage, server.url('/'), hubWorker);
    await setUpFirstBrowser(hubPage);
    await nav(hubPage, 'Hub queue').click();
    await hubPage.getByRole('heading', { level: 1, name: 'The hub’s queue' }).waitFor();
    await hubPage.getByText('The queue is empty.').waitFor();
    await checkScreen(hubPage, 'referral-queue-empty');
  });

  it('a school practitioner makes a referral and sees the acknowledgement with its reference', async () => {
    teacherPage = (await chromium.person('teacher')).page;
    await signIn(teacherPage, server.url('/'), teacher);
    await setUpFirstBrowser(teacherPage);
    await expect(nav(teacherPage, 'Hub queue').count()).resolves.toBe(0);
    await nav(teacherPage, 'My referrals').click();
    await teacherPage.getByRole('heading', { level: 1, name: 'My referrals' }).waitFor();
    await teacherPage.getByText('You have not made any referrals.').waitFor();
    await checkScreen(teacherPage, 'referrals-empty');
    await teacherPage.getByRole('link', { name: 'Make a referral' }).click();
    await teacherPage.getByRole('heading', { level: 1, name: 'Make a referral' }).waitFor();
    const form = teacherPage.getByRole('form', { name: 'Make a referral' });

    // Sent empty: the problem is announced at the top and takes the focus.
    await form.getByRole('button', { name: 'Send the referral' }).click();
    const problem = teacherPage.getByRole('alert').filter({ hasText: 'Choose at least one kind of concern.' });
    await problem.waitFor();
    await expect(problem.evaluate((e) => e === document.activeElement)).resolves.toBe(true);
    await checkScreen(teacherPage, 'referral-new-problem');

    await form.getByRole('checkbox', { name: 'Neglect' }).check();
    await form.getByRole('checkbox', { name: 'School attendance' }).check();
    await form.getByRole('radio', { name: /^Urgent/ }).check();
    await form.getByRole('radio', { name: 'They know, but do not agree' }).check();
    await form.getByLabel('Why do they not agree?').fill('The parents say the school is interfering.');
    const first = form.getByRole('group', { name: 'Person 1' });
    await first.getByLabel('Child or adult').selectOption('child');
    await first.getByLabel('Full name').fill(CHILD);
    await first.getByLabel('Date of birth (if known)').fill('2016-02-03');
    await form.getByRole('button', { name: 'Add another person' }).click();
    const second = form.getByRole('group', { name: 'Person 2' });
    await second.getByLabel('Child or adult').selectOption('adult');
    await second.getByLabel('Full name').fill('Dee Parent');
    await form.getByLabel('What happened, or what worries you?').fill(CONCERN);
    await form.getByLabel('When did it happen? (optional)').fill('Since September');
    await form.getByLabel('Evidence (optional)').fill('Seen by two members of staff');
    await form.getByLabel('Add files').setInputFiles({ name: FORM_NAME, mimeType: 'text/plain', buffer: FORM_BYTES });
    await form
      .getByRole('list', { name: 'Files to send' })
      .getByText(new RegExp(`${FORM_NAME} \\(\\d+ bytes\\)`))
      .waitFor();
    await checkScreen(teacherPage, 'referral-new');
    await form.getByRole('button', { name: 'Send the referral' }).click();

    await teacherPage.getByRole('heading', { level: 1, name: 'Referral sent' }).waitFor({ timeout: 30_000 });
    ref = (await teacherPage.locator('.reference').innerText()).trim();
    expect(ref).toMatch(new RegExp(`^MASH-${new Date().getUTCFullYear()}-\\d{6}$`));
    await teacherPage.getByText(/Compass MASH received it and acknowledged it on/).waitFor();
    await teacherPage.getByText(/red within 4 hours, amber within 24 hours and green within 72 hours/).waitFor();
    await checkScreen(teacherPage, 'referral-sent');

    // Until the hub takes it on, the referrer reads back what they sent.
    await teacherPage.getByRole('link', { name: 'See the referral' }).click();
    await teacherPage.getByRole('heading', { level: 1, name: `Referral ${ref}` }).waitFor();
    await teacherPage.getByText(CONCERN).waitFor({ timeout: 30_000 });
    await teacherPage.getByRole('button', { name: `Download ${FORM_NAME}` }).waitFor();
    await teacherPage.getByText(/The hub has not taken this referral on yet/).waitFor();
    await checkScreen(teacherPage, 'referral-referrer-before');
  });

  it('the hub worker sees it arrive in the queue, takes it on and rates it red', async () => {
    // Live: the queue the hub worker had open shows the new referral without a reload.
    const row = hubPage.getByRole('row').filter({ hasText: ref });
    await expectText(row, /Not rated yet/);
    await expectText(row, /Asked: urgent/);
    await expectText(row, /Due in 2[34] hours/);
    await expectText(row, /Riverside Academy/);
    await expectText(row, /Nobody yet/);
    await expectText(hubPage.locator('.count-none'), /Not rated yet\s*1/);
    await checkScreen(hubPage, 'referral-queue');

    await row.getByRole('link', { name: ref }).click();
    await hubPage.getByRole('heading', { level: 1, name: `Referral ${ref}` }).waitFor();
    await hubPage.getByRole('row').filter({ hasText: CHILD }).waitFor({ timeout: 30_000 });
    await expectText(hubPage.getByRole('row').filter({ hasText: CHILD }), /3 February 2016/);
    await hubPage.getByText(CONCERN).waitFor();
    await checkScreen(hubPage, 'referral-hub-received');
    // The file the school sent: the same bytes, decrypted in this page.
    const [download] = await Promise.all([
      hubPage.waitForEvent('download'),
      hubPage.getByRole('button', { name: `Download ${FORM_NAME}` }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(FORM_NAME);
    expect((await readFile(await download.path())).equals(FORM_BYTES)).toBe(true);

    await hubPage.getByRole('button', { name: 'Take it on' }).click();
    await hubPage
      .getByRole('status')
      .filter({ hasText: `You have taken on ${ref} for screening.` })
      .waitFor();
    // The referrer's open page turns into the receipt at once: what was written is no longer theirs to read.
    await teacherPage
      .getByText('The MASH hub has taken this referral on.', { exact: false })
      .waitFor({ timeout: 30_000 });
    await expect(teacherPage.getByText(CONCERN).count()).resolves.toBe(0);

    await hubPage.locator('summary', { hasText: 'Rate it' }).click();
    const rate = hubPage.getByRole('form', { name: 'Rate it' });
    await rate.getByRole('radio', { name: /^Red/ }).check();
    await rate.getByLabel('Why this rating?').fill(RATIONALE);
    await checkScreen(hubPage, 'referral-rate');
    await rate.getByRole('button', { name: 'Save the rating' }).click();
    await hubPage.getByRole('status').filter({ hasText: 'Rated red.' }).waitFor();
    await hubPage.getByRole('row').filter({ hasText: RATIONALE }).waitFor();
    await expectText(hubPage.locator('.summary').first(), /Due in [34] hours/);
  });

  it('the hub asks the police and health what they hold; the police answer with a file, health decline', async () => {
    // The agencies' administrators have their browsers set up first, so each is given the keys when asked.
    const police = (await chromium.person('police admin')).page;
    await signIn(police, server.url('/'), policeAdmin);
    await setUpFirstBrowser(police);
    const health = (await chromium.person('health admin')).page;
    await signIn(health, server.url('/'), healthAdmin);
    await setUpFirstBrowser(health);

    for (const [agency, question] of [
      ['Northshire Police', POLICE_QUESTION],
      ['Northshire Health', HEALTH_QUESTION],
    ]) {
      await hubPage.locator('summary', { hasText: 'Ask another agency for information' }).click();
      const ask = hubPage.getByRole('form', { name: 'Ask another agency for information' });
      await ask.getByLabel('Agency to ask').selectOption({ label: agency });
      await ask.getByLabel('What do you want to know?').fill(question);
      await ask.getByLabel('Why do you need it?').fill('Screening a referral rated red');
      await ask.getByLabel('Answer needed by').fill(dayFromNow(1));
      await ask.getByRole('button', { name: 'Send the request' }).click();
      await hubPage.getByText(question).waitFor({ timeout: 30_000 });
      await hubPage.getByRole('link', { name: `Referral ${ref}` }).click();
      await hubPage.getByRole('heading', { level: 1, name: `Referral ${ref}` }).waitFor();
    }
    const asked = hubPage.getByRole('region', { name: 'Information requests' });
    await expectText(asked.getByRole('row').filter({ hasText: 'Northshire Police' }), /Waiting to be accepted/);
    await expectText(asked.getByRole('row').filter({ hasText: 'Northshire Health' }), /Waiting to be accepted/);
    await expectText(asked.getByRole('row').filter({ hasText: 'Northshire Health' }), /\bYou\b/);

    // The police accept and answer with their log.
    await openInboxRequest(police, ref, POLICE_QUESTION);
    await police.getByRole('button', { name: 'Accept the request' }).click();
    await police.locator('summary', { hasText: 'Answer the request' }).click();
    const answer = police.getByRole('form', { name: 'Answer the request' });
    await answer.getByLabel('What your agency holds').fill(POLICE_ANSWER);
    await answer.getByLabel('Add files').setInputFiles({ name: LOG_NAME, mimeType: 'text/plain', buffer: LOG_BYTES });
    await answer.getByRole('button', { name: 'Send the answer' }).click();
    await police
      .getByRole('status')
      .filter({ hasText: 'Answer sent with 1 file. Hana Shah (Compass MASH) can read it now.' })
      .waitFor({ timeout: 30_000 });

    // Health decline, with a reason the hub reads.
    await openInboxRequest(health, ref, HEALTH_QUESTION);
    await health.locator('summary', { hasText: 'Decline the request' }).click();
    const decline = health.getByRole('form', { name: 'Decline the request' });
    await decline.getByLabel('Why will your agency not share this?').fill(HEALTH_REASON);
    await decline.getByRole('button', { name: 'Decline the request' }).click();
    await health
      .getByRole('status')
      .filter({ hasText: 'Declined. Hana Shah (Compass MASH) can read your reason now.' })
      .waitFor({ timeout: 30_000 });

    // The hub reads both from the referral, and downloads the police's file.
    await expectText(asked.getByRole('row').filter({ hasText: 'Northshire Health' }), /Declined/);
    await expectText(asked.getByRole('row').filter({ hasText: 'Northshire Police' }), /Answered/);
    await asked.getByRole('row').filter({ hasText: 'Northshire Police' }).getByRole('link').click();
    const answered = hubPage.getByRole('region', { name: 'The answer' });
    await answered.getByText(POLICE_ANSWER).waitFor({ timeout: 30_000 });
    const [download] = await Promise.all([
      hubPage.waitForEvent('download'),
      answered.getByRole('button', { name: `Download ${LOG_NAME}` }).click(),
    ]);
    expect((await readFile(await download.path())).equals(LOG_BYTES)).toBe(true);
    await hubPage.getByRole('link', { name: `Referral ${ref}` }).click();
    await asked.getByRole('row').filter({ hasText: 'Northshire Health' }).getByRole('link').click();
    await hubPage.getByRole('region', { name: 'Why it was declined' }).getByText(HEALTH_REASON).waitFor({
      timeout: 30_000,
    });
    await hubPage.getByRole('link', { name: `Referral ${ref}` }).click();
    await hubPage.getByRole('heading', { level: 1, name: `Referral ${ref}` }).waitFor();
    await checkScreen(hubPage, 'referral-requests-answered');
  });

  it('the hub shares it with a police practitioner on a lawful basis, since the family did not agree', async () => {
    await hubPage.locator('summary', { hasText: 'Share with a partner' }).click();
    const share = hubPage.getByRole('form', { name: 'Share with a partner' });
    await share.getByText(/does not agree to it being shared, so it can be shared only on a lawful basis/).waitFor();
    await expect(share.getByRole('radio', { name: 'The family’s consent' }).count()).resolves.toBe(0);
    await share.getByLabel('Partner practitioner').fill('Olu');
    await share.getByLabel('Partner practitioner').press('Enter');
    await share.getByRole('button', { name: 'Choose Olu Adeyemi' }).click();
    await share.getByText('Olu Adeyemi', { exact: true }).waitFor();
    await share.getByRole('radio', { name: /^Safeguarding/ }).check();
    await share.getByLabel('Why is sharing without consent necessary and proportionate?').fill(JUSTIFICATION);
    await checkScreen(hubPage, 'referral-share');
    await share.getByRole('button', { name: 'Share the referral' }).click();
    // Olu has no device yet: the page says so, and how to give them the keys later.
    await hubPage
      .getByRole('status')
      .filter({ hasText: 'Shared with Olu Adeyemi (Northshire Police)' })
      .waitFor({ timeout: 30_000 });
    const shared = hubPage.getByRole('row').filter({ hasText: 'Olu Adeyemi' });
    await expectText(shared, /A lawful basis without consent/);
    await expectText(shared, /Safeguarding/);
    await expectText(shared, new RegExp(JUSTIFICATION));
    await expectText(hubPage.locator('.summary').first(), /Gathering information from partners/);
  });

  it('the hub decides early help, opening a family led by a council practitioner', async () => {
    await hubPage.locator('summary', { hasText: 'Record the decision' }).click();
    const decide = hubPage.getByRole('form', { name: 'Record the decision' });
    await decide.getByRole('radio', { name: /^Early help/ }).check();
    await decide.getByLabel('Lead worker', { exact: true }).fill('Lena');
    await decide.getByRole('button', { name: 'Search for lead worker' }).click();
    await decide.getByRole('button', { name: 'Choose Lena Marsh' }).click();
    await decide.getByLabel('Why this decision?').fill(DECISION_WHY);
    await checkScreen(hubPage, 'referral-decide');
    await decide.getByRole('button', { name: 'Record the decision' }).click();
    await hubPage
      .getByRole('status')
      .filter({ hasText: /^Decided: early help\. Family EH-\d{4}-\d{4} opened, with Lena Marsh as lead worker\.$/ })
      .waitFor({ timeout: 30_000 });
    const decision = hubPage.getByRole('region', { name: 'Decision' });
    await expectText(decision, new RegExp(DECISION_WHY));
    await expectText(decision, /EH-\d{4}-\d{4}/);
    const timeline = hubPage.getByRole('region', { name: 'Timeline' });
    await expectText(timeline, /Made by Tom Reed, received and acknowledged as MASH-/);
    await expectText(timeline, /Taken on for screening by you\./);
    await expectText(timeline, /Rated red by you; screening due by/);
    await expectText(
      timeline,
      /You asked Northshire Police for information\.\s[\s\S]*You asked Northshire Health for information\./,
    );
    await expectText(timeline, /Shared with Olu Adeyemi by you, on a lawful basis without consent\./);
    await expectText(timeline, /Decided by you: early help \(family EH-\d{4}-\d{4}, led by Lena Marsh\)\./);
    await checkScreen(hubPage, 'referral-hub-decided');

    // Decided referrals leave the open queue and wait to be closed.
    await nav(hubPage, 'Hub queue').click();
    await expectText(
      hubPage.getByRole('region', { name: 'Decided, to be closed' }),
      new RegExp(`${ref}[\\s\\S]*Early help`),
    );
    await checkScreen(hubPage, 'referral-queue-decided');
  });

  it('the referrer sees the decision and not the reasons', async () => {
    await expectText(teacherPage.locator('.summary'), /Early help/);
    const text = await teacherPage.locator('main').innerText();
    for (const secret of [
      DECISION_WHY,
      RATIONALE,
      JUSTIFICATION,
      CONCERN,
      'Olu Adeyemi',
      POLICE_ANSWER,
      HEALTH_REASON,
      LOG_NAME,
      FORM_NAME,
    ]) {
      expect(text).not.toContain(secret);
    }
    await expectText(teacherPage.locator('.summary'), /Red/);
    await checkScreen(teacherPage, 'referral-receipt');
    await nav(teacherPage, 'My referrals').click();
    const row = teacherPage.getByRole('row').filter({ hasText: ref });
    await expectText(row, /Decided/);
    await expectText(row, /Early help/);
    await checkScreen(teacherPage, 'referrals');
  });

  it('the police practitioner reads it; a health practitioner it was not shared with cannot open it', async () => {
    const police = (await chromium.person('officer')).page;
    await signIn(police, server.url('/'), officer);
    await setUpFirstBrowser(police);
    // The hub gives the keys again now that Olu has a device.
    await hubPage.getByRole('region', { name: 'Decided, to be closed' }).getByRole('link', { name: ref }).click();
    await hubPage.getByRole('button', { name: 'Give the keys again to Olu Adeyemi' }).click();
    await hubPage.getByRole('status').filter({ hasText: 'Gave Olu Adeyemi the keys to read the referral.' }).waitFor();

    await nav(police, 'My referrals').click();
    await police.getByRole('region', { name: 'Shared with you by the hub' }).getByRole('link', { name: ref }).click();
    await police.getByText(CONCERN).waitFor({ timeout: 30_000 });
    await police.getByRole('row').filter({ hasText: JUSTIFICATION }).waitFor();
    const [download] = await Promise.all([
      police.waitForEvent('download'),
      police.getByRole('button', { name: `Download ${FORM_NAME}` }).click(),
    ]);
    expect((await readFile(await download.path())).equals(FORM_BYTES)).toBe(true);
    // What partners answered the hub stays with the hub.
    const partnerView = await police.locator('main').innerText();
    for (const secret of [POLICE_ANSWER, HEALTH_REASON]) expect(partnerView).not.toContain(secret);
    await expect(police.getByRole('button', { name: 'Take it on' }).count()).resolves.toBe(0);
    await expect(police.locator('summary', { hasText: 'Rate it' }).count()).resolves.toBe(0);
    await checkScreen(police, 'referral-partner');

    const health = (await chromium.person('nurse')).page;
    await signIn(health, server.url('/'), nurse);
    await setUpFirstBrowser(health);
    await goWithin(health, `/referrals/${ref}`);
    await health.getByRole('heading', { level: 1, name: 'Referral not available' }).waitFor();
    await health
      .getByRole('alert')
      .filter({
        hasText: `You cannot open referral ${ref}: there is no such referral, or it has not been shared with you.`,
      })
      .waitFor();
    await checkScreen(health, 'referral-not-yours');
  });

  it('a part a database writer moved onto the referral is shown as not verified, with a warning', async () => {
    await server.sql(
      'UPDATE referrals SET content = decision_rationale, content_epoch = decision_rationale_epoch WHERE ref = $1',
      [ref],
    );
    await nav(hubPage, 'Hub queue').click();
    await hubPage.getByRole('region', { name: 'Decided, to be closed' }).getByRole('link', { name: ref }).click();
    const warning = hubPage.getByRole('alert').filter({ hasText: 'Parts of this referral could not be verified' });
    await warning.waitFor({ timeout: 30_000 });
    await expectText(warning, /The concern could not be verified, so it is not shown/);
    await expectText(hubPage.getByRole('region', { name: 'The concern' }), /Not shown: it could not be verified\./);
    await expectText(hubPage.getByRole('region', { name: 'Decision' }), new RegExp(DECISION_WHY));
    await checkScreen(hubPage, 'referral-not-verified');
  });

  it('the server holds none of the referral’s words in clear', async () => {
    const dump = await dumpDatabase(server.databaseUrl);
    for (const form of markerForms(MARKER)) expect(dump.includes(form)).toBe(false);
    expect(dump).toContain(teacher.email); // the dump is of the right database
  });
});

/** Moves to an address within the page as a typed link would, without reloading it (which locks the keys). */
async function goWithin(page: Page, path: string): Promise<void> {
  await page.evaluate((p) => {
    history.pushState(null, '', p);
    dispatchEvent(new PopStateEvent('popstate'));
  }, path);
}

/** Opens, from the requests screen, the request asked of this person's agency with this question. */
async function openInboxRequest(page: Page, ref: string, question: string): Promise<void> {
  await nav(page, 'Information requests').click();
  const row = page.getByRole('region', { name: 'Asked of your agency' }).getByRole('row').filter({ hasText: ref });
  await row.getByRole('link', { name: new RegExp(ref) }).click();
  await page.getByText(question).waitFor({ timeout: 30_000 });
}

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
