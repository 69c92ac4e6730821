import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { MemoryTrustStore, SecureSession, StrongroomClient } from '../client/sdk/index.js';
import { eventually } from './support/eventually.js';
import { freePort } from './support/free-port.js';
import { secureSession } from './support/secure.js';
import { FakeClock, startInstance, type TestApp } from './support/test-app.js';
import { World } from './support/world.js';

/** A PostgreSQL cluster of this test's own (test/support/pg-server.ts, `keep`: stopping keeps its data). */
async function startCluster(dir: string, port: number): Promise<{ adminUrl: string; stop: () => Promise<void> }> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(__dirname, 'support', 'pg-server.ts'), dir, String(port), 'keep'],
    { stdio: ['pipe', 'pipe', 'inherit'], cwd: path.join(__dirname, '..') },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    void exited.then(() => reject(new Error('the test cluster exited before it was ready')));
  });
  const { adminUrl } = JSON.parse(line) as { adminUrl: string };
  return {
    adminUrl,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * PostgreSQL itself stopped and started again under load (issue 12): two instances share it; SDK clients
 * keep sending through the outage. While it is down both answer 503 with Retry-After; once it is back
 * both serve again without a restart, and every message is stored once and read by everyone.
 */
describe('PostgreSQL stopped and started under load', () => {
  let dir: string;
  let cluster: { adminUrl: string; stop: () => Promise<void> } | null = null;
  const apps: Awaited<ReturnType<typeof startInstance>>[] = [];
  const sessions: SecureSession[] = [];

  afterAll(async () => {
    for (const s of sessions) s.close();
    for (const a of apps) await a.app.close().catch(() => undefined);
    await cluster?.stop();
    await rm(dir, { recursive: true, force: true });
    await rm(`${dir}.secret`, { force: true });
  });

  it('answers 503 on both instances while it is down, then both serve again, and nothing is lost or doubled', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'sr-restart-pg-'));
    const port = await freePort();
    cluster = await startCluster(path.join(dir, 'pg'), port);
    const admin = new pg.Client({ connectionString: cluster.adminUrl });
    await admin.connect();
    await admin.query('CREATE DATABASE strongroom_restart');
    await admin.end();
    const url = new URL(cluster.adminUrl);
    url.pathname = '/strongroom_restart';
    const clock = new FakeClock();
    const a = await startInstance(url.toString(), clock);
    const b = await startInstance(url.toString(), clock);
    apps.push(a, b);
    const t = { app: a.app, baseUrl: a.baseUrl, clock } as unknown as TestApp;
    const w = new World(t);
    await w.agreement();
    const council = await w.agency('Council');
    const alice = await w.person(council, 'practitioner', 'alice');
    const bob = await w.person(council, 'practitioner', 'bob');
    const aliceS = await secureSession(alice.client, 'alice laptop', t);
    const bobSetup = await secureSession(bob.client, 'bob laptop', t);
    sessions.push(aliceS, bobSetup);
    const channelId = await aliceS.createChannel({ kind: 'locality_meeting', members: [{ userId: bob.id }] });
    // bob sends through the other instance.
    const bobClient = new StrongroomClient(b.baseUrl);
    await bobClient.login({ email: bob.email, password: bob.password });
    const bobS = new SecureSession(bobClient, bobSetup.device, new MemoryTrustStore(), () => clock.now());
    sessions.push(bobS);

    const PER = 20;
    let acked = 0;
    const storm = Promise.all(
      [
        [aliceS, 'alice'],
        [bobS, 'bob'],
      ].map(async ([s, name]) => {
        for (let i = 0; i < PER; i++) {
          await (s as SecureSession).send(channelId, `${name as string} ${i}`);
          acked++;
        }
      }),
    );
    await eventually(() => expect(acked).toBeGreaterThanOrEqual(8));

    await cluster.stop();
    const status = async (base: string) => {
      const res = await fetch(`${base}/api/channels`, { headers: { authorization: `Bearer ${alice.client.token}` } });
      return { status: res.status, retryAfter: res.headers.get('retry-after') };
    };
    for (const app of [a, b]) expect(await status(app.baseUrl)).toEqual({ status: 503, retryAfter: '2' });
    const duringOutage = acked;
    cluster = await startCluster(path.join(dir, 'pg'), port);
    for (const app of [a, b]) await eventually(async () => expect((await status(app.baseUrl)).status).toBe(200));
    await storm;
    expect(acked).toBe(2 * PER);
    expect(duringOutage).toBeLessThan(2 * PER); // the outage came in the middle of the storm

    const expected = ['alice', 'bob'].flatMap((n) => Array.from({ length: PER }, (_, i) => `${n} ${i}`)).sort();
    for (const s of [aliceS, bobS]) {
      const all = await s.readAll(channelId);
      expect(all.filter((m) => m.error)).toEqual([]);
      expect(all.map((m) => m.seq)).toEqual(Array.from({ length: all.length }, (_, i) => i + 1));
      expect(all.map((m) => m.content?.body).sort()).toEqual(expected);
    }
  }, 180_000);
});
