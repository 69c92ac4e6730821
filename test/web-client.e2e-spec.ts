import { readFileSync } from 'node:fs';
import path from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { startTestApp, type TestApp } from './support/test-app.js';

/** The build global setup made (client/web/build.mjs), as `npm start` serves it. */
const WEB_DIR = path.join(__dirname, '..', 'dist', 'web');

/**
 * Serving the web client (issue 13): one page at `/` and at every address the page's router knows, under
 * the strict page policy; its files by hash, cacheable for a year, precompressed; nothing else of the
 * build folder or beyond it, and the API untouched.
 */
describe('the web client, served by the server', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { WEB_DIR } });
  });
  afterAll(() => t.close());

  const get = (p: string, init?: RequestInit) => fetch(`${t.baseUrl}${p}`, init);
  const page = readFileSync(path.join(WEB_DIR, 'index.html'), 'utf8');
  const assets = [...page.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]);

  it('the page loads its script and stylesheet from /assets, and has nothing inline', () => {
    expect(assets.some((a) => a.endsWith('.js'))).toBe(true);
    expect(assets.some((a) => a.endsWith('.css'))).toBe(true);
    expect(page).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(page).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
  });

  it.each(['/', '/channels/8c7d2a4e-3f5b-4b1a-9d7e-2f1c0a9b8e7d', '/meetings', '/new-message'])(
    '%s is the page, under the page policy with WebAssembly for libsodium and nothing else added',
    async (p) => {
      for (const method of ['GET', 'HEAD']) {
        const res = await get(p, { method });
        expect({ method, status: res.status, type: res.headers.get('content-type') }).toEqual({
          method,
          status: 200,
          type: expect.stringMatching(/^text\/html/) as unknown,
        });
        expect(res.headers.get('cache-control')).toBe('no-cache');
        const csp = res.headers.get('content-security-policy') ?? '';
        expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval';");
        expect(csp).not.toMatch(/unsafe-inline|'unsafe-eval'|\*|https?:/);
        expect(csp).toContain("connect-src 'self'");
        expect(csp).toContain("frame-ancestors 'none'");
        if (method === 'GET') expect(await res.text()).toBe(page);
      }
    },
  );

  it('each built file: its type, cached for a year, and the same bytes however it is compressed', async () => {
    for (const a of assets) {
      const plain = await get(a, { headers: { 'accept-encoding': 'identity' } });
      expect({ a, status: plain.status, encoding: plain.headers.get('content-encoding') }).toEqual({
        a,
        status: 200,
        encoding: null,
      });
      const type = { '.js': /^text\/javascript/, '.css': /^text\/css/, '.svg': /^image\/svg\+xml/ }[path.extname(a)];
      expect({ a, type: plain.headers.get('content-type') }).toEqual({
        a,
        type: expect.stringMatching(type!) as unknown,
      });
      expect(plain.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      const bytes = Buffer.from(await plain.arrayBuffer());
      for (const [coding, decode] of [
        ['br', brotliDecompressSync],
        ['gzip', gunzipSync],
      ] as const) {
        // Node's fetch would decode for us: ask with a raw request so the compressed bytes are seen.
        const res = await rawGet(a, coding);
        expect({ a, coding, encoding: res.encoding }).toEqual({ a, coding, encoding: coding });
        expect(decode(res.body).equals(bytes)).toBe(true);
        expect(res.body.length).toBeLessThan(bytes.length);
      }
    }
  });

  it.each([
    '/assets/..%2fpackage.json',
    '/assets/../../package.json',
    '/assets/.source-hash',
    '/assets/nothing-here.js',
    '/assets/index.html',
    '/favicon.ico',
    '/.source-hash',
    '/index.html',
  ])('%s is not served: a JSON 404, never a file from elsewhere or the page', async (p) => {
    const res = await get(p);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  });

  it('the API and the socket path are never answered with the page', async () => {
    for (const p of ['/api/nothing', '/api', '/socket.io/nothing', '/rt']) {
      const res = await get(p);
      expect({ p, type: res.headers.get('content-type') }).toEqual({
        p,
        type: expect.stringMatching(/^application\/json/) as unknown,
      });
    }
    const post = await get('/', { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(post.status).toBe(404);
  });

  it('the command-line download, on a server where it is not built, says what the operator does (never the page)', async () => {
    const res = await get('/downloads/strongroom-cli.tgz');
    expect(res.status).toBe(404);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('not_found');
    expect(body.error.message).toContain('npm run build:cli');
    for (const p of ['/downloads', '/downloads/', '/downloads/anything']) {
      const other = await get(p);
      expect({ p, status: other.status, type: other.headers.get('content-type') }).toEqual({
        p,
        status: 404,
        type: expect.stringMatching(/^application\/json/) as unknown,
      });
    }
  });

  /** A GET whose answer is not decoded, with the Accept-Encoding given. */
  async function rawGet(p: string, coding: string): Promise<{ encoding: string | undefined; body: Buffer }> {
    const http = await import('node:http');
    return new Promise((resolve, reject) => {
      http
        .get(`${t.baseUrl}${p}`, { headers: { 'accept-encoding': coding } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ encoding: res.headers['content-encoding'], body: Buffer.concat(chunks) }));
        })
        .on('error', reject);
    });
  }
});
