import { createHash } from 'node:crypto';
import { startTestApp, type TestApp } from './support/test-app.js';

/** Every route that answers with HTML. Anything else must not (checked below). */
const HTML_ROUTES = ['/', '/api/docs', '/api/docs/'];

/** A CSP header as directive → sources. */
function directives(policy: string | null): Map<string, string[]> {
  expect(policy).toBeTruthy();
  return new Map(
    policy!
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter(([name]) => name)
      .map(([name, ...sources]) => [name, sources]),
  );
}

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/**
 * Security headers (issue 12): a strict Content-Security-Policy and a Permissions-Policy on every HTML
 * page, with the pages built to work under it (no inline script, inline styles only by hash, every file
 * they load served here); and on every answer, pages or not, nosniff, no referrer, no framing.
 */
describe('security headers: HTML pages under a strict policy, and every answer hardened', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const get = (path: string, init?: RequestInit) => fetch(`${t.baseUrl}${path}`, init);

  const expectEveryAnswerHeaders = (res: Response) => {
    expect({
      nosniff: res.headers.get('x-content-type-options'),
      referrer: res.headers.get('referrer-policy'),
      frame: res.headers.get('x-frame-options'),
    }).toEqual({ nosniff: 'nosniff', referrer: 'no-referrer', frame: 'DENY' });
  };

  it.each(HTML_ROUTES)(
    '%s: strict CSP (scripts from here only, no plugins, no <base>, never framed) and Permissions-Policy',
    async (path) => {
      for (const method of ['GET', 'HEAD']) {
        const res = await get(path, { method });
        expect({ method, status: res.status, type: res.headers.get('content-type') }).toEqual({
          method,
          status: 200,
          type: expect.stringMatching(/^text\/html/) as unknown,
        });
        expectEveryAnswerHeaders(res);
        const csp = directives(res.headers.get('content-security-policy'));
        expect(csp.get('default-src')).toEqual(["'self'"]);
        expect(csp.get('script-src')).toEqual(["'self'"]);
        expect(csp.get('object-src')).toEqual(["'none'"]);
        expect(csp.get('base-uri')).toEqual(["'none'"]);
        expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
        expect(csp.get('form-action')).toEqual(["'self'"]);
        expect(csp.get('connect-src')).toEqual(["'self'"]);
        expect(res.headers.get('content-security-policy')).not.toMatch(/unsafe-|\*|https?:/);
        const permissions = res.headers.get('permissions-policy') ?? '';
        for (const feature of ['camera', 'microphone', 'geolocation', 'payment', 'usb', 'display-capture']) {
          expect(permissions.split(/,\s*/)).toContain(`${feature}=()`);
        }
      }
    },
  );

  it.each(HTML_ROUTES)(
    '%s: works under its own policy: no inline script or handler, inline styles only by hash',
    async (path) => {
      const res = await get(path);
      const html = await res.text();
      const csp = directives(res.headers.get('content-security-policy'));

      const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
      for (const [, attrs, body] of scripts) {
        expect(attrs).toMatch(/\ssrc=/);
        expect(body.trim()).toBe('');
      }
      // Event-handler and style attributes cannot be allowed by a hash in script-src/style-src: none at all.
      expect(html).not.toMatch(/<[^>]*\son[a-z]+\s*=/i);
      expect(html).not.toMatch(/<[^>]*\sstyle\s*=/i);
      for (const [, css] of html.matchAll(/<style\b[^>]*>([\s\S]*?)<\/style>/gi)) {
        expect(csp.get('style-src')).toContain(sha256(css));
      }
    },
  );

  it.each(HTML_ROUTES)('%s: every file and link the page refers to is served here (200)', async (path) => {
    const page = new URL(path, t.baseUrl);
    const html = await (await get(path)).text();
    const refs = [...html.matchAll(/\s(?:src|href)="([^"]+)"/g)].map(([, ref]) => new URL(ref, page));
    expect(refs.length).toBeGreaterThan(0);
    for (const url of refs) {
      expect(url.origin).toBe(page.origin);
      const res = await fetch(url);
      expect({ url: url.pathname, status: res.status }).toEqual({ url: url.pathname, status: 200 });
      expectEveryAnswerHeaders(res);
      const type = res.headers.get('content-type') ?? '';
      if (url.pathname.endsWith('.js')) expect(type).toMatch(/javascript/);
      if (url.pathname.endsWith('.css')) expect(type).toMatch(/^text\/css/);
      if (url.pathname.endsWith('.png')) expect(type).toBe('image/png');
      await res.arrayBuffer();
    }
  });

  it('the docs page’s start-up script loads the OpenAPI document from this server', async () => {
    const html = await (await get('/api/docs')).text();
    const scripts = [...html.matchAll(/<script src="([^"]+)"/g)].map(([, src]) => src);
    expect(scripts).toEqual(['/api/docs/swagger-ui-bundle.js', '/api/docs/docs-init.js']);
    const init = await (await get('/api/docs/docs-init.js')).text();
    const [, docUrl] = /url: '([^']+)'/.exec(init) ?? [];
    expect(docUrl).toBe('/api/docs/openapi.json');
    const doc = await get(docUrl);
    expect(doc.status).toBe(200);
    expect(((await doc.json()) as { openapi: string }).openapi).toMatch(/^3\./);
    const bundle = await (await get('/api/docs/swagger-ui-bundle.js')).text();
    expect(bundle).toContain('SwaggerUIBundle');
  });

  it('the landing page, on a server without the command-line package, says how its operator builds it', async () => {
    const html = await (await get('/')).text();
    expect(html).toContain('<code>npm run build:cli</code>');
    expect(html).not.toContain('npm install -g');
  });

  it('nothing else answers with HTML: Swagger UI’s own pages and files, unknown paths', async () => {
    for (const path of [
      '/api/docs/index.html',
      '/api/docs/oauth2-redirect.html',
      '/api/docs/swagger-ui-init.js',
      '/api/docs/swagger-initializer.js',
      '/api/docs/docs/',
      '/index.html',
      '/nope',
    ]) {
      const res = await get(path);
      expect({ path, status: res.status, type: res.headers.get('content-type') }).toEqual({
        path,
        status: 404,
        type: expect.stringMatching(/^application\/json/) as unknown,
      });
    }
  });

  it('JSON answers, refusals included, carry nosniff, no referrer and a policy that loads nothing', async () => {
    const answers = [
      await get('/api/health'),
      await get('/api/docs/openapi.json'),
      await get('/api/me'), // 401
      await get('/api/nope'), // 404
      await get('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' }),
    ];
    expect(answers.map((r) => r.status)).toEqual([200, 200, 401, 404, 400]);
    for (const res of answers) {
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expectEveryAnswerHeaders(res);
      const csp = directives(res.headers.get('content-security-policy'));
      expect(csp.get('default-src')).toEqual(["'none'"]);
      expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
      expect(res.headers.get('permissions-policy')).toContain('camera=()');
    }
    expect(answers[0].headers.get('cache-control')).toBe('no-store');
  });
});
