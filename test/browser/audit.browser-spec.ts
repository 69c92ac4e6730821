import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import pg from 'pg';
import type { AuditHeadView } from '../../contracts/audit-heads.js';
import { AuditHeadsService } from '../../src/audit/audit-heads.service.js';
import { describeBrowser, useBrowser } from './support/browser.js';
import { startBrowserServer, type BrowserServer } from './support/server.js';
import { checkScreen, setUpFirstBrowser, signIn, type Account } from './support/web-app.js';

/**
 * Signed points in the audit log, in the browser (issue 16): an ISA administrator signs the log's end,
 * saves it to a file, and later checks the log against it in the page; after the log is altered behind
 * the database's back, the same check says it is broken and what to do. Screens pass axe.
 */
describeBrowser('signed points in the audit log, in the browser', () => {
  const chromium = useBrowser();
  let server: BrowserServer;
  let isa: Account & { id: string };
  let page: Page;
  let saved = '';
  let head: AuditHeadView;

  beforeAll(async () => {
    server = await startBrowserServer({ env: { MFA_REQUIRED_ROLES: 'auditor' } });
    const w = server.world;
    await w.agreement();
    const council = await w.agency('Northshire Council');
    isa = await w.account(council, 'isa_admin', 'isa', { displayName: 'Ian Sands' });
  });
  afterAll(() => server.close());

  const status = () => page.getByRole('region', { name: 'Signed points in the log' }).getByRole('status');

  it('signs the log’s end and saves it to a file, exactly as the server signed it', async () => {
    page = (await chromium.person('isa')).page;
    await signIn(page, server.url('/'), isa);
    await setUpFirstBrowser(page);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Administration' }).click();
    await page.getByRole('link', { name: 'The audit log' }).click();
    await page.getByRole('heading', { level: 2, name: 'Signed points in the log' }).waitFor();
    await page.getByText('Signing key (Ed25519):').waitFor();

    await page.getByRole('button', { name: 'Sign the log’s end now' }).click();
    await status()
      .filter({ hasText: /^Signed the log’s end now, at event \d+\. Save it below\.$/ })
      .waitFor();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page
        .getByRole('link', { name: /^Save the point at event \d+ to a file$/ })
        .first()
        .click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^strongroom-audit-head-\d+-\d{4}-\d{2}-\d{2}\.json$/);
    saved = (await download.path())!;
    head = JSON.parse(await readFile(saved, 'utf8')) as AuditHeadView;
    const [newest] = await server.app.get(AuditHeadsService).list({ limit: 1 });
    expect(head).toEqual(newest);
    await checkScreen(page, 'admin-audit-heads');
  });

  it('checks the log against the saved point in the page: intact, then broken once an event is altered', async () => {
    await page.getByLabel('Saved point', { exact: true }).setInputFiles(saved);
    await page.getByRole('button', { name: 'Check against this point' }).click();
    await status()
      .filter({ hasText: new RegExp(`^Intact: the log leads to the point you saved \\(event ${head.seq}, signed `) })
      .waitFor({ timeout: 30_000 });

    // Someone with the database's superuser alters an event before the point, around the append-only trigger.
    const c = new pg.Client({ connectionString: server.databaseUrl });
    await c.connect();
    try {
      await c.query(
        `BEGIN; SET LOCAL session_replication_role = replica;
         UPDATE audit_events SET details = details || '{"altered":true}'::jsonb WHERE seq = ${head.seq - 1}; COMMIT;`,
      );
    } finally {
      await c.end();
    }
    await page.getByRole('button', { name: 'Check against this point' }).click();
    await status()
      .filter({ hasText: `Broken: the log was altered at or before the point you saved` })
      .waitFor({ timeout: 30_000 });
    await page.getByText('Treat the log as untrustworthy, and tell the ISA team’s security lead.').waitFor();
    await checkScreen(page, 'admin-audit-heads-broken');
  });

  it('a legal hold on a conversation is shown to its members, without the reason', async () => {
    const w = server.world;
    const council = await w.agency('Eastfield Council');
    const grace = await w.account(council, 'practitioner', 'grace', { displayName: 'Grace Obi' });
    await w.account(council, 'practitioner', 'sam', { displayName: 'Sam Lee' });
    const gracePage = (await chromium.person('grace')).page;
    await signIn(gracePage, server.url('/'), grace);
    await setUpFirstBrowser(gracePage);
    await gracePage.getByRole('link', { name: 'New direct message' }).click();
    await gracePage.getByLabel('Name or agency').fill('sam');
    await gracePage.getByRole('button', { name: 'Search' }).click();
    await gracePage.getByRole('button', { name: 'Message Sam Lee' }).click();
    await gracePage.getByLabel('Message', { exact: true }).waitFor();
    const channelId = /\/channels\/([0-9a-f-]{36})/.exec(gracePage.url())![1];

    const admin = await w.person(await w.agency('ISA team'), 'isa_admin');
    const reason = 'Complaint review CR-88 about a named officer';
    await admin.client.placeHold({ scope: 'channel', channelId, reason });
    // Away and back: the conversation says its messages are kept, and since when, never why.
    await gracePage.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Messages' }).click();
    await gracePage
      .getByRole('list', { name: 'Your conversations' })
      .getByRole('link', { name: /Sam Lee/ })
      .click();
    await gracePage
      .getByText(
        /Messages here are kept past their retention period for now: a legal hold on this conversation \(since /,
      )
      .waitFor();
    expect(await gracePage.getByText(reason).count()).toBe(0);
    await checkScreen(gracePage, 'channel-legal-hold');
  });

  it('a file that is not a saved point is refused in plain words', async () => {
    await page.getByLabel('Saved point', { exact: true }).setInputFiles({
      name: 'notes.json',
      mimeType: 'application/json',
      buffer: Buffer.from('{"hello":"there"}'),
    });
    await page.getByRole('button', { name: 'Check against this point' }).click();
    await page.getByText('notes.json is not a saved point from Strongroom.').waitFor();
  });
  it('a point someone wrote into the database is flagged and cannot be saved', async () => {
    const c = new pg.Client({ connectionString: server.databaseUrl });
    await c.connect();
    try {
      await c.query(
        `INSERT INTO audit_heads (seq, hash, signed_at, public_key, signature)
         SELECT max(seq) + 1, $1, now(), $2, $3 FROM audit_heads`,
        [head.hash, head.publicKey, head.signature],
      );
    } finally {
      await c.end();
    }
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Administration' }).click();
    await page.getByRole('link', { name: 'The audit log' }).click();
    // The row whose first cell is the forged point's event number (its label shown on narrow screens only): a row filtered on the number as text
    // anywhere also matched a genuine point whose time or fingerprint held those digits, with its Save link.
    const forgedSeq = (head.seq + 1).toLocaleString('en-GB');
    const forged = page
      .getByRole('row')
      .filter({ has: page.getByRole('cell', { name: new RegExp(`^(Up to event: )?${forgedSeq}$`) }) });
    await forged.getByText('Its signature does not check: not saved.').waitFor();
    expect(await forged.getByRole('link', { name: /^Save/ }).count()).toBe(0);
    await checkScreen(page, 'admin-audit-heads-forged');
  });
});
