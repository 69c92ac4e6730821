import type { Page } from 'playwright-core';
import { describeBrowser, useBrowser } from './support/browser.js';
import { startBrowserServer, type BrowserServer } from './support/server.js';
import { checkScreen, setUpFirstBrowser, signIn, type Account } from './support/web-app.js';

/**
 * The retention schedule in the browser (issue 16; ISA 7): an agency's data-protection lead reads each
 * class's period, bounds and anchor, sets its own agency's period for a class, and is told in the server's
 * plain words when a period is outside the bounds, with nothing changed. The screen passes axe.
 */
describeBrowser('the retention schedule, in the browser', () => {
  const chromium = useBrowser();
  let server: BrowserServer;
  let lead: Account & { id: string };
  let council: string;
  let page: Page;

  beforeAll(async () => {
    server = await startBrowserServer({ env: { MFA_REQUIRED_ROLES: 'auditor' } });
    const w = server.world;
    await w.agreement();
    council = await w.agency('Northshire Council');
    lead = await w.account(council, 'agency_admin', 'dpo', { displayName: 'Dana Price' });
  });
  afterAll(() => server.close());

  const row = (name: string) =>
    page
      .getByRole('table', { name: 'Retention schedule of Northshire Council' })
      .getByRole('row', { name: new RegExp(`^${name}`) });

  it('shows the schedule and lets the data-protection lead set the agency’s period for a class', async () => {
    page = (await chromium.person('dpo')).page;
    await signIn(page, server.url('/'), lead);
    await setUpFirstBrowser(page);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Administration' }).click();
    await page.getByRole('link', { name: 'Retention schedule' }).click();
    await page.getByRole('heading', { level: 1, name: 'Retention schedule' }).waitFor();
    await row('minutes and decisions').getByText('when it closes').waitFor();
    await checkScreen(page, 'admin-retention');

    await page.getByLabel('Days to keep direct messages').fill('60');
    await page.getByRole('button', { name: 'Save the period for direct messages' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: 'Northshire Council now keeps direct messages for 60 days.' })
      .waitFor();
    await row('direct messages').getByText('60 days').waitFor();
    const { rows } = await server.sql(
      'SELECT record_class, days, set_by FROM retention_schedules WHERE agency_id = $1',
      [council],
    );
    expect(rows).toEqual([{ record_class: 'messages_direct', days: 60, set_by: lead.id }]);
  });

  it('says in plain words when a period is outside the bounds, and nothing changes', async () => {
    await page.getByLabel('Days to keep minutes and decisions').fill('30');
    await page.getByRole('button', { name: 'Save the period for minutes and decisions' }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: 'The period for minutes and decisions must be between 365 and 12784 days' })
      .waitFor();
    await checkScreen(page, 'admin-retention-refused');
    const { rows } = await server.sql("SELECT 1 FROM retention_schedules WHERE record_class = 'minutes'");
    expect(rows).toEqual([]);
  });
});
