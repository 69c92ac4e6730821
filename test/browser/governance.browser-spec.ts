import { readFile } from 'node:fs/promises';
import type { Download, Page } from 'playwright-core';
import { AUDIT_EVENT_CSV_HEADER, type AuditEventView, type DisposalView } from '../../client/sdk/index.js';
import { RetentionService } from '../../src/retention/retention.service.js';
import { secureSession } from '../support/secure.js';
import type { Person } from '../support/world.js';
import { describeBrowser, useBrowser } from './support/browser.js';
import { startBrowserServer, type BrowserServer } from './support/server.js';
import { checkScreen, setUpFirstBrowser, signIn } from './support/web-app.js';

const DAY = 86_400_000;

/**
 * Legal holds, disposal records and the audit event list in the browser (issue 16): an ISA administrator
 * places and releases holds through the page and the API agrees; the disposal records the real expiry job
 * left (after the server's clock moved past the messages' retention) are listed, filtered and downloaded;
 * the audit events are filtered, paged and downloaded, and each download holds what the API holds. An
 * agency administrator reads but places nothing and checks no chain; a practitioner gets none of it.
 * Every screen passes axe, reads in plain words and fits 320 px.
 */
describeBrowser('legal holds, disposal records and audit events, in the browser', () => {
  const chromium = useBrowser();
  let server: BrowserServer;
  let police = '';
  let bobId = '';
  let isa: Omit<Person, 'client'>;
  let dpl: Omit<Person, 'client'>;
  let admin: Person;
  let family: { id: string; ref: string; channelId: string };
  let expired: DisposalView[];
  let page: Page;

  beforeAll(async () => {
    // The browser people sign in with a password alone; auditors would need an authenticator app.
    server = await startBrowserServer({ env: { MFA_REQUIRED_ROLES: 'auditor' } });
    const w = server.world;
    await w.agreement();
    const council = await w.agency('Northshire Council');
    police = await w.agency('Northshire Police', { sector: 'police' });
    const alice = await w.person(council, 'practitioner', 'alice');
    const bob = await w.person(police, 'practitioner', 'bob');
    bobId = bob.id;
    const aliceS = await secureSession(alice.client, 'alice laptop', server);
    const bobS = await secureSession(bob.client, 'bob laptop', server);
    try {
      const channelId = await aliceS.createChannel({ kind: 'locality_meeting', members: [{ userId: bob.id }] });
      await aliceS.send(channelId, 'first, to expire');
      await bobS.send(channelId, 'second, to expire');
      family = await alice.client.createFamily();
      // The server's clock moves past the messages' retention period, and the real expiry job runs.
      const { retentionDays } = await alice.client.channel(channelId);
      server.clock.advance((retentionDays + 1) * DAY);
      expect(await server.app.get(RetentionService).expireMessages()).toMatchObject({ messagesDeleted: 2 });
    } finally {
      aliceS.close();
      bobS.close();
    }
    // People made after the clock moved, so nothing of theirs is stale.
    isa = await w.account(council, 'isa_admin', 'isa', { displayName: 'Ian Sands' });
    dpl = await w.account(council, 'agency_admin', 'dpl', { displayName: 'Dana Price' });
    admin = await w.signIn(isa);
    expired = await admin.client.disposals();
    expect(expired).toEqual([expect.objectContaining({ recordClass: 'messages', count: 2 }) as DisposalView]);
  });
  afterAll(() => server.close());

  const nav = (p: Page) => p.getByRole('navigation', { name: 'Main' });
  const open = async (p: Page, part: string) => {
    await nav(p).getByRole('link', { name: 'Administration' }).click();
    await p.getByRole('link', { name: part }).click();
  };
  const status = (p: Page, text: string | RegExp) => p.getByRole('status').filter({ hasText: text }).waitFor();
  const downloaded = async (p: Page, button: string): Promise<{ name: string; text: string }> => {
    const [download]: [Download, void] = await Promise.all([
      p.waitForEvent('download'),
      p.getByRole('button', { name: button }).click(),
    ]);
    return { name: download.suggestedFilename(), text: await readFile(await download.path(), 'utf8') };
  };

  it('an ISA administrator places holds on a family and on an agency through the page; the API has them', async () => {
    page = (await chromium.person('isa')).page;
    await signIn(page, server.url('/'), isa);
    await setUpFirstBrowser(page);
    await open(page, 'Legal holds');
    await page.getByText('No hold is in force').waitFor();
    await checkScreen(page, 'admin-holds-none');

    await page.getByRole('radio', { name: /A family/ }).check();
    await page.getByLabel('Family reference').fill(family.ref);
    await page.getByLabel('Reason', { exact: true }).fill('Care proceedings: court order of 14 November');
    await page.getByRole('button', { name: 'Place the hold' }).click();
    await status(page, /^Hold placed: the family’s conversation \(family [0-9a-f]{8}\) will not expire/);

    await page.getByRole('radio', { name: /An agency/ }).check();
    await page.getByLabel('Agency', { exact: true }).selectOption({ label: 'Northshire Police' });
    await page.getByLabel('Reason', { exact: true }).fill('Complaint review CR-88');
    await page.getByRole('button', { name: 'Place the hold' }).click();
    await status(page, 'Hold placed: everything written by Northshire Police will not expire until it is released.');

    const inForce = page.getByRole('region', { name: 'Holds in force' });
    await inForce.getByRole('row').filter({ hasText: 'Everything written by Northshire Police' }).waitFor();
    await inForce.getByRole('row').filter({ hasText: 'Care proceedings: court order of 14 November' }).waitFor();
    const held = await admin.client.holds();
    expect(held).toEqual([
      expect.objectContaining({ scope: 'agency', scopeId: police, reason: 'Complaint review CR-88', placedBy: isa.id }),
      expect.objectContaining({ scope: 'family', scopeId: family.id, releasedAt: null }),
    ]);
    await checkScreen(page, 'admin-holds');
  });

  it('a hold is released only after confirming with a reason; the API shows it released, the page lists it so', async () => {
    const row = page
      .getByRole('region', { name: 'Holds in force' })
      .getByRole('row')
      .filter({ hasText: 'Everything written by Northshire Police' });
    await row.getByRole('button', { name: 'Release the hold on everything written by Northshire Police' }).click();
    const confirm = row.getByRole('group', { name: /^Release the hold on everything written by Northshire Police\?/ });
    const yes = confirm.getByRole('button', { name: 'Yes, release the hold' });
    expect(await yes.isDisabled()).toBe(true);
    await confirm.getByLabel('Why it is no longer needed').fill('The review closed');
    await checkScreen(page, 'admin-holds-release');
    await yes.click();
    await status(page, 'The hold on everything written by Northshire Police is released.');

    const released = page.getByRole('region', { name: 'Released holds' });
    await released.getByRole('row').filter({ hasText: 'The review closed' }).waitFor();
    const all = await admin.client.holds({ active: 'false' });
    expect(all.find((h) => h.scopeId === police)).toMatchObject({
      releasedBy: isa.id,
      releaseReason: 'The review closed',
      releasedAt: expect.any(String) as string,
    });
    expect((await admin.client.holds()).map((h) => h.scope)).toEqual(['family']);
  });

  it('lists the disposal records the expiry run left, filters them, and downloads them as CSV and JSON', async () => {
    await open(page, 'Disposal records');
    await status(page, '1 disposal record: 2 items removed.');
    const row = page
      .getByRole('region', { name: /^Disposal records/ })
      .getByRole('row')
      .filter({ hasText: 'Messages (locality meeting chat)' });
    await row
      .filter({ hasText: 'Retention period ended' })
      .filter({ hasText: expired[0].channelId!.slice(0, 8) })
      .waitFor();
    await checkScreen(page, 'admin-disposals');

    const csv = await downloaded(page, 'Download as CSV');
    expect(csv.name).toMatch(/^strongroom-disposals-\d{4}-\d{2}-\d{2}\.csv$/);
    const d = expired[0];
    expect(csv.text).toBe(
      'id,runAt,recordClass,rule,channelId,channelKind,count,oldestCreatedAt,newestCreatedAt\r\n' +
        `${d.id},${d.runAt},messages,channel_retention,${d.channelId},${d.channelKind},2,${d.oldestCreatedAt},${d.newestCreatedAt}\r\n`,
    );
    const json = await downloaded(page, 'Download as JSON');
    expect(json.name).toMatch(/\.json$/);
    expect(JSON.parse(json.text)).toEqual(expired);

    await page.getByLabel('Record class').selectOption({ label: 'Files' });
    await page.getByRole('button', { name: 'Show disposal records' }).click();
    await status(page, 'No disposal records of files.');
    expect(await page.getByRole('button', { name: 'Download as CSV' }).count()).toBe(0);

    // A period that ends before the run finds nothing; one that includes it finds the record again.
    const runDay = new Date(d.runAt);
    const day = (t: Date) =>
      `${t.getFullYear()}-${String(t.getMonth() + 1).padStart(2, '0')}-${String(t.getDate()).padStart(2, '0')}`;
    await page.getByLabel('Record class').selectOption({ label: 'Any' });
    await page.getByLabel('Runs up to').fill(day(new Date(runDay.getTime() - DAY)));
    await page.getByRole('button', { name: 'Show disposal records' }).click();
    await status(page, /^No disposal records up to /);
    await page.getByLabel('Runs from').fill(day(runDay));
    await page.getByLabel('Runs up to').fill(day(runDay));
    await page.getByRole('button', { name: 'Show disposal records' }).click();
    await status(page, /^1 disposal record from .* up to .*: 2 items removed\.$/);
  });

  it('lists audit events newest first, a page at a time, filters them, and downloads every match', async () => {
    // More than a page of events: each sign-in (here, of someone not yet in a browser) is one.
    while ((await admin.client.auditEvents({ order: 'newest', limit: 60 })).length < 60)
      await server.world.signIn(dpl, { attest: false });
    await open(page, 'The audit log');
    const events = page.getByRole('region', { name: 'Events' });
    await status(page, /^Showing 50 events, newest first: from event [\d,]+ back to [\d,]+\.$/);
    const firstSeq = async () =>
      Number((await events.getByRole('row').nth(1).getByRole('cell').first().innerText()).replace(/\D/g, ''));
    const newestSeq = await firstSeq();
    await events.getByRole('button', { name: 'Older events' }).click();
    await status(page, /\(page 2\)/);
    expect(await firstSeq()).toBe(newestSeq - 50);
    await events.getByRole('button', { name: 'Newer events' }).click();
    await status(page, /^Showing 50 events, newest first: from event/);
    expect(await firstSeq()).toBe(newestSeq);

    // What the ISA administrator did to holds.
    await events.getByLabel('Person').fill(isa.email);
    await events.getByLabel('Action').fill('retention.');
    await events.getByRole('button', { name: 'Show events' }).click();
    await status(page, /^Showing 3 events that match, newest first/);
    const rows = events.getByRole('row');
    await rows.filter({ hasText: 'retention.hold_released' }).waitFor();
    expect(await rows.filter({ hasText: 'retention.hold_placed' }).count()).toBe(2);
    await checkScreen(page, 'admin-audit-events');

    const api: AuditEventView[] = await admin.client.auditEvents({ actorUserId: isa.id, action: 'retention.' });
    expect(api.map((e) => e.action)).toEqual([
      'retention.hold_placed',
      'retention.hold_placed',
      'retention.hold_released',
    ]);
    const csv = await downloaded(page, 'Download all matching as CSV');
    expect(csv.name).toMatch(/^strongroom-audit-events-\d{4}-\d{2}-\d{2}\.csv$/);
    const lines = csv.text.split('\r\n');
    expect(lines[0] + '\r\n').toBe(AUDIT_EVENT_CSV_HEADER);
    expect(lines.slice(1, -1)).toHaveLength(3);
    api.forEach((e, i) => {
      expect(lines[i + 1].startsWith(`${e.seq},${e.occurredAt},${isa.id},`)).toBe(true);
      expect(lines[i + 1]).toContain(`,${e.action},`);
      expect(lines[i + 1]).toContain(`,${e.hash},${isa.email},Ian Sands,Northshire Council`);
    });
    const json = await downloaded(page, 'Download all matching as JSON');
    expect(JSON.parse(json.text)).toEqual({
      kind: 'strongroom-audit-events',
      exportedAt: expect.any(String) as string,
      filters: { actorUserId: isa.id, action: 'retention.' },
      events: api,
      count: 3,
    });

    await events.getByLabel('Outcome').selectOption({ label: 'Refused' });
    await events.getByRole('button', { name: 'Show events' }).click();
    await status(page, 'No events match these filters.');
    // A mistake is told in words, before anything is asked.
    await events.getByLabel('Action').fill('Retention!');
    await events.getByRole('button', { name: 'Show events' }).click();
    await events.getByRole('alert').filter({ hasText: '“Action” is an action such as auth.login' }).waitFor();
  });

  it('an agency administrator reads holds, disposals and their agency’s events, but places nothing and checks no chain', async () => {
    const p = (await chromium.person('dpl')).page;
    await signIn(p, server.url('/'), dpl);
    await setUpFirstBrowser(p);
    await nav(p).getByRole('link', { name: 'Administration' }).click();
    for (const part of ['Legal holds', 'Disposal records', 'The audit log'])
      await p.getByRole('link', { name: part }).waitFor();

    await p.getByRole('link', { name: 'Legal holds' }).click();
    await p
      .getByRole('region', { name: 'Holds in force' })
      .getByRole('row')
      .filter({ hasText: 'Care proceedings' })
      .waitFor();
    expect(await p.getByRole('heading', { name: 'Place a hold' }).count()).toBe(0);
    expect(await p.getByRole('button', { name: /^Release/ }).count()).toBe(0);
    await checkScreen(p, 'admin-holds-agency-admin');

    await open(p, 'The audit log');
    await status(p, /^Showing [\d,]+ events?, newest first/);
    expect(await p.getByRole('button', { name: 'Check the audit log' }).count()).toBe(0);
    expect(await p.getByRole('heading', { name: 'Signed points in the log' }).count()).toBe(0);
    expect(await p.getByLabel('Agency', { exact: true }).count()).toBe(0);
    // Only their agency's part: what the ISA administrator (of their council) did shows, what the police
    // officer did (the ISA administrator sees it) does not.
    const events = p.getByRole('region', { name: 'Events' });
    await events.getByLabel('Person').fill(isa.email);
    await events.getByRole('button', { name: 'Show events' }).click();
    await status(p, /^Showing [\d,]+ events? that match, newest first/);
    await events.getByRole('row').filter({ hasText: 'retention.hold_placed' }).first().waitFor();
    expect(await admin.client.auditEvents({ actorUserId: bobId })).not.toEqual([]);
    await events.getByLabel('Person').fill(bobId);
    await events.getByRole('button', { name: 'Show events' }).click();
    await status(p, 'No events match these filters.');
    await checkScreen(p, 'admin-audit-agency-admin');
  });

  it('a practitioner is offered none of these pages, and is told so at their addresses', async () => {
    const w = server.world;
    const grace = await w.account(await w.agency('Eastfield Council'), 'practitioner', 'grace', {
      displayName: 'Grace Obi',
    });
    const p = (await chromium.person('grace')).page;
    await signIn(p, server.url('/'), grace);
    await setUpFirstBrowser(p);
    expect(await nav(p).getByRole('link', { name: 'Administration' }).count()).toBe(0);
    for (const [path, title] of [
      ['/admin/holds', 'Legal holds'],
      ['/admin/disposals', 'Disposal records'],
      ['/admin/audit', 'The audit log'],
    ]) {
      await p.evaluate((to) => {
        history.pushState(null, '', to);
        dispatchEvent(new PopStateEvent('popstate'));
      }, path);
      await p.getByRole('heading', { level: 1, name: title }).waitFor();
      await p.getByText('Your role does not include this page.').waitFor();
      expect(await p.getByRole('table').count()).toBe(0);
    }
    await checkScreen(p, 'admin-refused');
  });
});
