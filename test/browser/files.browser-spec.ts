import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { StrongroomClient } from '../../client/sdk/node.js';
import { secureSession } from '../support/secure.js';
import { describeBrowser, useBrowser } from './support/browser.js';
import { startBrowserServer, type BrowserServer } from './support/server.js';
import { checkScreen, setUpFirstBrowser, signIn, type Account } from './support/web-app.js';

async function* pieces(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += 50_000) yield await Promise.resolve(bytes.subarray(i, i + 50_000));
}

/**
 * A file sent from the SDK shows in the web client as a file (name, size, caption) with a Download
 * button; the browser downloads it through the SDK, checked, under the sender's name without any folder.
 * The screen passes axe.
 */
describeBrowser('encrypted files in the browser', () => {
  const chromium = useBrowser();
  let server: BrowserServer;
  let grace: Account & { id: string };
  let sam: Account & { id: string };

  beforeAll(async () => {
    server = await startBrowserServer();
    const w = server.world;
    await w.agreement();
    const council = await w.agency('Northshire Council');
    const police = await w.agency('Northshire Police', { sector: 'police' });
    grace = await w.account(council, 'practitioner', 'grace');
    sam = await w.account(police, 'practitioner', 'sam');
  });
  afterAll(() => server.close());

  it('shows a file sent to the conversation and downloads it, checked, under the sender’s name', async () => {
    const page = (await chromium.person('grace', { acceptDownloads: true })).page;
    await signIn(page, server.url('/'), grace);
    await setUpFirstBrowser(page);

    // Sam works from the SDK, after Grace's browser has its keys: the conversation's key is sealed to it.
    const client = new StrongroomClient(server.baseUrl);
    await client.login({ email: sam.email, password: sam.password });
    const me = await client.me();
    if (me.attestation.agreementVersionId) await client.attest(me.attestation.agreementVersionId);
    const s = await secureSession(client, 'sam laptop', server);
    const channelId = await s.createChannel({ kind: 'direct', members: [{ userId: grace.id }] });
    const data = new Uint8Array(randomBytes(150 * 1024));
    await s.sendFile(
      channelId,
      { source: pieces(data), name: '../Safety plan.pdf', mediaType: 'application/pdf', size: data.length },
      { caption: 'Signed by the family' },
    );

    await page.getByRole('link', { name: 'Messages', exact: true }).click();
    await page
      .getByRole('list', { name: 'Your conversations' })
      .getByRole('link', { name: /sam person/ })
      .click();
    const item = page.getByRole('log').getByRole('listitem').filter({ hasText: 'Safety plan.pdf' });
    await item.waitFor();
    await item.getByText('Signed by the family').waitFor();
    await item.getByText('(154 kB)').waitFor();
    await checkScreen(page, 'conversation-file');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      item.getByRole('button', { name: 'Download ../Safety plan.pdf' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('Safety plan.pdf');
    const saved = await download.path();
    expect((await readFile(saved)).equals(Buffer.from(data))).toBe(true);
    s.close();
  });
});
