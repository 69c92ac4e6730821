import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { API_VERSION, API_VERSION_HEADER } from '../contracts/api-version.js';
import { StrongroomClient } from '../client/sdk/node.js';
import { cli } from './support/cli.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/** The real server's answer, as a client sees a newer server's: the same, with a higher API version. */
async function newerServer(realFetch: typeof fetch, args: Parameters<typeof fetch>): Promise<Response> {
  const res = await realFetch(...args);
  const headers = new Headers(res.headers);
  headers.set(API_VERSION_HEADER, String(API_VERSION + 1));
  return new Response(await res.arrayBuffer(), { status: res.status, headers });
}

/** The client/server version rule (docs/operations.md, "Upgrades"), tried over real HTTP. */
describe('API version header', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('every API answer names the server’s API version, refusals too', async () => {
    const ok = await fetch(`${t.baseUrl}/api/health`);
    expect(ok.headers.get(API_VERSION_HEADER)).toBe(String(API_VERSION));
    const refused = await fetch(`${t.baseUrl}/api/me`);
    expect(refused.status).toBe(401);
    expect(refused.headers.get(API_VERSION_HEADER)).toBe(String(API_VERSION));
  });

  it('refuses a client older than the server serves, and a version that is not a number, changing nothing', async () => {
    const old = await fetch(`${t.baseUrl}/api/health`, { headers: { [API_VERSION_HEADER]: '0' } });
    expect(old.status).toBe(426);
    const body = (await old.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('client_outdated');
    expect(body.error.message).toMatch(/too old.*Update it/);
    const junk = await fetch(`${t.baseUrl}/api/health`, { headers: { [API_VERSION_HEADER]: 'two' } });
    expect(junk.status).toBe(400);
    expect(((await junk.json()) as { error: { code: string } }).error.code).toBe('bad_request');
  });

  it('the SDK sends its version, records the server’s and tells once when the server is newer', async () => {
    const told: number[] = [];
    const client = new StrongroomClient(t.baseUrl, null, { onNewerServer: (v) => told.push(v) });
    await client.health();
    expect(client.http.serverApiVersion).toBe(API_VERSION);
    expect(told).toEqual([]);
    // A newer server, as the client sees it: the same answer with a higher version.
    const newer = new StrongroomClient(t.baseUrl, null, { onNewerServer: (v) => told.push(v) });
    const realFetch = globalThis.fetch;
    globalThis.fetch = (...args: Parameters<typeof fetch>) => newerServer(realFetch, args);
    try {
      await newer.health();
      await newer.health();
    } finally {
      globalThis.fetch = realFetch;
    }
    expect(told).toEqual([API_VERSION + 1]);
  });

  it('the CLI warns once, with the command that updates it, when the server is newer', async () => {
    const home = await mkdtemp(path.join(os.tmpdir(), 'sr-api-version-'));
    const realFetch = globalThis.fetch;
    globalThis.fetch = (...args: Parameters<typeof fetch>) => newerServer(realFetch, args);
    try {
      const r = await cli(home, t, ['server']);
      expect(r.code).toBe(0);
      expect(r.out).toContain(`API version: ${API_VERSION + 1} (this command speaks ${API_VERSION})`);
      const warnings = r.err.split('\n').filter((l) => l.startsWith('Warning: the server is newer'));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain(`npm install -g ${t.baseUrl}/downloads/strongroom-cli.tgz`);
    } finally {
      globalThis.fetch = realFetch;
      await rm(home, { recursive: true, force: true });
    }
  });
});
