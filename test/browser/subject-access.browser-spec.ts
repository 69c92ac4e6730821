import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import type { SubjectAccessExport } from '../../client/sdk/index.js';
import { secureSession } from '../support/secure.js';
import { describeBrowser, useBrowser } from './support/browser.js';
import { startBrowserServer, type BrowserServer } from './support/server.js';
import type { Person } from '../support/world.js';
import { checkScreen, setUpFirstBrowser, signIn } from './support/web-app.js';

/**
 * The subject-access register in the browser (issue 16; ISA 10): an agency's data-protection lead records a
 * request by family reference, sees its deadline one calendar month on (overdue when past), extends it once
 * with a reason, and marks it answered; the agency asked for a consultation sees it and marks it done; the
 * lead gathers a request's families on the browser's device into a downloaded file (that family's messages,
 * not another's), and the server is told counts only. Screens pass axe.
 */
describeBrowser('requests for information from the public, in the browser', () => {
  const chromium = useBrowser();
  let server: BrowserServer;
  let dp: Omit<Person, 'client'>;
  let policeDp: Omit<Person, 'client'>;
  let familyRef = '';
  let page: Page;
  let lead: Person;

  beforeAll(async () => {
    server = await startBrowserServer({ env: { MFA_REQUIRED_ROLES: 'auditor' } });
    const w = server.world;
    await w.agreement();
    const council = await w.agency('Northshire Council');
    const police = await w.agency('Northshire Police', { sector: 'police' });
    dp = await w.account(council, 'agency_admin', 'dp', { displayName: 'Dana Price' });
    policeDp = await w.account(police, 'agency_admin', 'policedp', { displayName: 'Pat Olu' });
    lead = await w.person(council, 'practitioner', 'lead');
    familyRef = (await lead.client.createFamily()).ref;
    // Signing in and setting up the browser's key store (Argon2id in the page) take much of a minute on a
    // loaded machine, so they have their own budget rather than eating into the first test's.
    page = (await chromium.person('dp')).page;
    await signIn(page, server.url('/'), dp);
    await setUpFirstBrowser(page);
  }, 180_000);
  afterAll(() => server.close());

  const status = () => page.getByRole('status').filter({ hasText: /./ }).first();
  const requestRow = () => page.getByRole('row', { name: new RegExp(familyRef) });

  it('records a request by reference, shows its deadline, and refuses a reference the service does not hold', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Administration' }).click();
    await page.getByRole('link', { name: 'Requests for information from the public' }).click();
    await page.getByRole('heading', { level: 2, name: 'Register' }).waitFor();
    await page.getByText('No requests recorded.').waitFor();

    await page.getByLabel('Received on').fill('2026-01-31');
    await page.getByLabel('Asked by').selectOption('parent_guardian');
    await page.getByLabel('Family or family member references').fill(familyRef);
    await page.getByRole('button', { name: 'Record the request' }).click();
    await status()
      .filter({ hasText: `Recorded the request about ${familyRef}: due on 28 February 2026.` })
      .waitFor();
    const row = requestRow();
    await row.getByText('Overdue').waitFor();
    await checkScreen(page, 'admin-subject-access');

    // A reference the service does not hold is refused by name, and nothing is recorded.
    await page.getByLabel('Family or family member references').fill('EH-2026-9999');
    await page.getByRole('button', { name: 'Record the request' }).click();
    await page.getByText('The reference EH-2026-9999 was not found.').waitFor();
    expect(await page.getByRole('row', { name: /EH-2026-9999/ }).count()).toBe(0);
    expect(await page.getByRole('row', { name: /EH-/ }).count()).toBe(1);
  });

  it('extends the request’s deadline once, with a reason, and marks it answered', async () => {
    const row = requestRow();
    await row.locator('summary', { hasText: 'Extend the deadline' }).click();
    await row.getByLabel('By').selectOption('2');
    await row.getByLabel('Why it needs longer').fill('Records held across several agencies');
    await checkScreen(page, 'admin-subject-access-extend');
    await row.getByRole('button', { name: 'Extend the deadline' }).click();
    await status()
      .filter({ hasText: `The request about ${familyRef} is now due on 30 April 2026.` })
      .waitFor();
    await row.getByText('Extended by 2 months: Records held across several agencies').waitFor();
    expect(await row.locator('summary', { hasText: 'Extend the deadline' }).count()).toBe(0);

    await row.getByRole('button', { name: /^Mark answered/ }).click();
    await status()
      .filter({ hasText: `The request about ${familyRef} is answered.` })
      .waitFor();
    await page.getByLabel('Only requests past their deadline').check();
    await page.getByText('No request is past its deadline.').waitFor();
  });

  it('the agency asked for a consultation sees the task, due in 5 days, and marks it done', async () => {
    const w = server.world;
    const dpPerson = await w.signIn(dp);
    const r = await dpPerson.client.createSubjectAccessRequest({
      receivedOn: new Date().toISOString().slice(0, 10),
      requesterType: 'subject',
      refs: [familyRef],
    });
    const police = (await dpPerson.client.agencies()).find((a) => a.name === 'Northshire Police')!.id;
    const c = await dpPerson.client.consultOnSubjectAccess(r.id, police);

    const policePage = (await chromium.person('policedp')).page;
    await signIn(policePage, server.url('/'), policeDp);
    await setUpFirstBrowser(policePage);
    await policePage.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Administration' }).click();
    await policePage.getByRole('link', { name: 'Requests for information from the public' }).click();
    const section = policePage.getByRole('region', { name: 'Consultations asked of your agency' });
    const due = new Date(c.dueOn).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric' });
    await section.getByText(`${familyRef}: due ${due}`).waitFor();
    await checkScreen(policePage, 'admin-subject-access-consultation');
    await section.getByRole('button', { name: /^Mark done/ }).click();
    await section.getByText('None open.').waitFor();
    expect((await dpPerson.client.subjectAccessRequest(r.id)).consultations[0].doneBy).toBe(policeDp.id);
  });

  it('gathers an open request on this device into a downloaded file: its family’s messages, not another family’s', async () => {
    const w = server.world;
    const said = { mine: `Home visit notes ${randomUUID()}`, other: `Another family ${randomUUID()}` };
    // The lead adds the data-protection lead (whose browser device is set up) to two families' conversations.
    const leadS = await secureSession(lead.client, 'lead laptop', server);
    const named = await lead.client.createFamily();
    const other = await lead.client.createFamily();
    for (const f of [named, other]) await leadS.addMember(f.channelId, { userId: dp.id });
    await leadS.send(named.channelId, said.mine);
    await leadS.send(other.channelId, said.other);
    leadS.close();
    const dpPerson = await w.signIn(dp);
    const r = await dpPerson.client.createSubjectAccessRequest({
      receivedOn: new Date().toISOString().slice(0, 10),
      requesterType: 'subject',
      refs: [named.ref],
    });

    // Unticking the filter the first test left on loads the register again, with the new request.
    await page.getByLabel('Only requests past their deadline').uncheck();
    await page.getByText('The file holds everything you can read about these families', { exact: false }).waitFor();
    const row = page.getByRole('row', { name: new RegExp(named.ref) });
    // Every word the row's live region says, as it says it: the progress is read out, not only drawn.
    await row.getByRole('status').evaluate((region) => {
      const heard: string[] = [];
      (window as unknown as { heard: string[] }).heard = heard;
      new MutationObserver(() => heard.push(region.textContent ?? '')).observe(region, {
        childList: true,
        characterData: true,
        subtree: true,
      });
    });
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      row.getByRole('button', { name: `Gather and download everything about ${named.ref}` }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(
      new RegExp(`^strongroom-subject-access-${r.id.slice(0, 8)}-\\d{4}-\\d{2}-\\d{2}\\.json$`),
    );
    const text = await readFile(await download.path(), 'utf8');
    expect(text).toContain(said.mine);
    expect(text).not.toContain(said.other);
    expect(text).not.toContain(other.id);
    const doc = JSON.parse(text) as SubjectAccessExport;
    expect(doc.families.map((f) => [f.ref, f.readable])).toEqual([[named.ref, true]]);
    expect(doc.counts).toMatchObject({ families: 1, messages: 1 });
    await status()
      .filter({
        hasText: `Saved 1 message and ${doc.counts.records} record${doc.counts.records === 1 ? '' : 's'} from 1 family about ${named.ref}. Review the file before disclosure`,
      })
      .waitFor();
    const heard = await page.evaluate(() => (window as unknown as { heard: string[] }).heard);
    expect(heard).toContainEqual(
      expect.stringMatching(new RegExp(`^Gathering: family 1 of 1 \\(${named.ref}\\), messages; `)),
    );
    await checkScreen(page, 'admin-subject-access-gathered');

    // The server was told that a file was made, with counts and its id: nothing it holds.
    const { rows } = await server.sql(
      "SELECT details FROM audit_events WHERE target_id = $1 AND action = 'subject_access.exported'",
      [r.id],
    );
    expect(rows).toEqual([{ details: { exportId: doc.exportId, ...doc.counts } }]);
  });
});
