import { checkAccessibility } from './support/accessibility.js';
import { describeBrowser, useBrowser } from './support/browser.js';
import { screenshot } from './support/screenshot.js';
import { startBrowserServer, type BrowserServer } from './support/server.js';

/**
 * Swagger UI's own markup and colours (swagger-ui-dist, served as it is): not ours to fix in its files,
 * and a page for developers. Anything else on the page must be clean.
 */
const SWAGGER_UI_ISSUES = {
  'color-contrast': "the HTTP method badges, the version stamp and the URL are Swagger UI's light-on-colour text",
  'nested-interactive': "each operation's summary is a button holding the copy-path button (Swagger UI's markup)",
};

/**
 * The server's own pages, in Chromium under the server's real headers: the landing
 * page at `/` and the API documentation at `/api/docs` load, work under their strict Content-Security-
 * Policy (no violation, no uncaught error: checked after every test by useBrowser), and have no serious
 * or critical accessibility problem. Screenshots at 1280 and 320 px go to test-results/screens/.
 */
describeBrowser('server pages in Chromium: load, no CSP violation, accessible', () => {
  const chromium = useBrowser();
  let server: BrowserServer;
  beforeAll(async () => {
    // Without the web client: the landing page a server shows until it is built.
    server = await startBrowserServer({ webDir: null });
  });
  afterAll(() => server.close());

  it('the landing page at / says where you are and links to the API documentation', async () => {
    const { page } = await chromium.person('visitor');
    const res = await page.goto(server.url('/'));
    expect(res?.status()).toBe(200);
    await expect(page.title()).resolves.toBe('Strongroom');
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Strongroom');
    await expect(page.getByRole('link', { name: /API documentation/ }).getAttribute('href')).resolves.toBe('/api/docs');
    // Its one inline style is allowed by hash: if the policy refused it, the page would be unstyled.
    await expect(page.evaluate(() => getComputedStyle(document.body).maxWidth)).resolves.not.toBe('none');
    await checkAccessibility(page, 'landing');
    await screenshot(page, 'landing');
  });

  it('the API documentation at /api/docs renders the OpenAPI document with Swagger UI', async () => {
    const { page } = await chromium.person('developer');
    const res = await page.goto(server.url('/api/docs'));
    expect(res?.status()).toBe(200);
    // Swagger UI fetched openapi.json and drew it: its scripts ran under script-src 'self'.
    await page.locator('.swagger-ui .info .title').waitFor();
    await expect(page.locator('.swagger-ui .info .title').textContent()).resolves.toMatch(/^Strongroom API/);
    // Swagger UI draws only the operations in view (a virtual list): scroll down until the last group shows.
    await page.locator('.opblock').first().waitFor();
    await page.waitForFunction(
      () => {
        window.scrollBy(0, 1500);
        return document.getElementById('operations-tag-health') !== null;
      },
      undefined,
      { polling: 100, timeout: 30_000 },
    );
    await page.evaluate(() => window.scrollTo(0, 0));
    await checkAccessibility(page, 'api-docs', SWAGGER_UI_ISSUES);
    await screenshot(page, 'api-docs');
  });
});
