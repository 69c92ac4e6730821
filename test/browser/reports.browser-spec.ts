import type { Page } from 'playwright-core';
import { describeBrowser, useBrowser } from './support/browser.js';
import { startBrowserServer, type BrowserServer } from './support/server.js';
import { checkScreen, setUpFirstBrowser, signIn, type Account } from './support/web-app.js';

/**
 * The reports in the browser (issue 16): an ISA administrator produces the ISA review report (a hold in force,
 * a signed point in the audit log) and the programme report by locality (small counts shown as "<5"), and adds
 * a locality to the list; an agency's data-protection lead sees the programme report for their agency's records
 * only, and is not offered the review. Screens pass axe.
 */
describeBrowser('reports, in the browser', () => {
  const chromium = useBrowser();
  let server: BrowserServer;
  let isa: Account & { id: string };
  let lead: Account & { id: string };
  let page: Page;

  beforeAll(async () => {
    server = await startBrowserServer({ env: { MFA_REQUIRED_ROLES: 'auditor' } });
    const w = server.world;
    await w.agreement();
    const council = await w.agency('Northshire Council');
    const police = await w.agency('Northshire Police', { sector: 'police' });
    isa = await w.account(council, 'isa_admin', 'isa', { displayName: 'Ian Sands' });
    lead = await w.account(police, 'agency_admin', 'lead', { displayName: 'Lena Moss' });
    const admin = await w.person(council, 'isa_admin', 'setup');
    await admin.client.placeHold({ scope: 'agency', agencyId: police, reason: 'Complaint review CR-88' });
    await admin.client.signAuditHead();
    const north = await admin.client.addLocality('North');
    await admin.client.addLocality('South');
    const worker = await w.person(police, 'practitioner', 'pat');
    await worker.client.createFamily({ localityId: north.id });
  });
  afterAll(() => server.close());

  it('an ISA administrator produces the review report: signatories, holds, the audit log’s check', async () => {
    page = (await chromium.person('isa')).page;
    await signIn(page, server.url('/'), isa);
    await setUpFirstBrowser(page);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Administration' }).click();
    await page.getByRole('link', { name: 'ISA review report' }).click();
    await page.getByRole('button', { name: 'Produce the review report' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /^Report from / })
      .waitFor();
    const agencies = page.getByRole('table', { name: 'Agencies and the version each signed' });
    await agencies.getByRole('row', { name: /Northshire Police signed 10\.0/ }).waitFor();
    await page
      .getByRole('table', { name: 'Legal holds in force' })
      .getByText('everything written by Northshire Police')
      .waitFor();
    expect(await page.getByText('Complaint review CR-88').count()).toBe(0);
    await page.getByText(/^Intact: all \d+ events check out\.$/).waitFor();
    await page.getByText(/^Newest signed point: event \d+/).waitFor();
    await page.getByRole('link', { name: 'Save this report as a web page' }).waitFor();
    await checkScreen(page, 'admin-review-report');
  });

  it('the programme report shows a small count as "<5", every quarter, plans with outcomes met among the measures', async () => {
    await page.getByRole('link', { name: 'Administration' }).first().click();
    await page.getByRole('link', { name: 'Programme report' }).click();
    await page.getByRole('button', { name: 'Produce the programme report' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /^Report from / })
      .waitFor();
    const families = page.getByRole('region', { name: 'Families supported (family records opened)' });
    await families.getByRole('columnheader', { name: 'North', exact: true }).first().waitFor();
    await families.getByRole('columnheader', { name: 'No locality recorded' }).first().waitFor();
    await families.getByRole('columnheader', { name: 'All localities' }).first().waitFor();
    expect(await families.getByRole('table').count()).toBeGreaterThanOrEqual(4);
    // One family in the north this quarter: shown as "<5", read out as "fewer than 5".
    await families.locator('abbr[title="fewer than 5"]', { hasText: '<5' }).first().waitFor();
    expect(await families.getByText(/^1$/).count()).toBe(0);
    // Plans with outcomes met are counted from plan reviews, by the same columns; nothing is "not available".
    const outcomes = page.getByRole('region', { name: /^Family plans with outcomes met/ });
    await outcomes.getByRole('columnheader', { name: 'North', exact: true }).first().waitFor();
    await outcomes.getByText('Outcomes partly met', { exact: true }).first().waitFor();
    expect(await page.getByText(/^Not available\./).count()).toBe(0);
    await checkScreen(page, 'admin-programme-report');
  });

  it('an ISA administrator adds a locality to the list', async () => {
    await page.getByRole('link', { name: 'Administration' }).first().click();
    await page.getByRole('link', { name: 'Localities' }).click();
    const table = page.getByRole('table', { name: 'Localities, by name' });
    await table.getByRole('rowheader', { name: 'South' }).waitFor();
    await page.getByRole('textbox', { name: 'Name' }).fill('Central');
    await page.getByRole('button', { name: 'Add the locality' }).click();
    await page.getByRole('status').filter({ hasText: 'Locality Central added.' }).waitFor();
    await table.getByRole('rowheader', { name: 'Central' }).waitFor();
    // The same name again is refused in plain words.
    await page.getByRole('textbox', { name: 'Name' }).fill('central');
    await page.getByRole('button', { name: 'Add the locality' }).click();
    await page.getByText('There is already a locality called "central".').first().waitFor();
    await checkScreen(page, 'admin-localities');
  });

  it('an agency’s data-protection lead sees their agency’s records only, by locality, and is not offered the review', async () => {
    const leadPage = (await chromium.person('lead')).page;
    await signIn(leadPage, server.url('/'), lead);
    await setUpFirstBrowser(leadPage);
    await leadPage.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Administration' }).click();
    await leadPage.getByRole('link', { name: 'Programme report' }).waitFor();
    expect(await leadPage.getByRole('link', { name: 'ISA review report' }).count()).toBe(0);
    await leadPage.getByRole('link', { name: 'Programme report' }).click();
    await leadPage.getByText('Your agency’s records only.', { exact: false }).waitFor();
    await leadPage.getByRole('button', { name: 'Produce the programme report' }).click();
    await leadPage
      .getByRole('status')
      .filter({ hasText: /^Report from / })
      .waitFor();
    await leadPage.getByRole('columnheader', { name: 'North', exact: true }).first().waitFor();
    await leadPage.getByRole('columnheader', { name: 'No locality recorded' }).first().waitFor();
    await checkScreen(leadPage, 'admin-programme-report-agency');
  });
});
