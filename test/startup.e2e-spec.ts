import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { StrongroomClient } from '../client/sdk/index.js';
import { DEFAULT_EMBEDDED_PG_PORT } from '../src/database/embedded-postgres.js';
import { createDatabase } from './support/test-app.js';
import { freePort } from './support/free-port.js';
import { ensureBuilt, startServerProcess } from './support/server-process.js';

/** PostgreSQL servers still running on this data directory (from their command lines in /proc). */
async function postgresRunningIn(dataDir: string): Promise<number> {
  const { readdir, readFile: read } = await import('node:fs/promises');
  let n = 0;
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const cmd = await read(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cmd.includes('postgres') && cmd.includes(dataDir)) n++;
  }
  return n;
}

const startServer = startServerProcess;

/**
 * The server process as a newcomer starts it: `npm start` builds and runs dist/src/main.js. These tests
 * build the same way, then check start-up, the demo seed, refusal of bad configuration and clean stops.
 */
describe('starting the server process', () => {
  beforeAll(async () => {
    await ensureBuilt();
  }, 180_000);

  it('refuses to start on bad configuration, naming each variable, with a non-zero exit', async () => {
    const { exited, output } = startServer({ PORT: 'eighty', LOG_LEVEL: 'chatty' }, 'never');
    expect(await exited).toBe(2);
    expect(output()).toContain('PORT');
    expect(output()).toContain('LOG_LEVEL');
    expect(output()).toContain('See .env.example');
  });

  it('with no DATABASE_URL, runs an embedded PostgreSQL, seeds the demo, serves, and stops both cleanly on SIGTERM', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'sr-start-'));
    const [port, pgPort] = [await freePort(), await freePort()];
    try {
      const server = startServer(
        { PORT: String(port), DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(pgPort), LOG_LEVEL: 'warn' },
        'Press Ctrl+C to stop.',
      );
      const out = await server.ready;
      expect(out).toContain(`Strongroom is running at http://127.0.0.1:${port}`);
      const credentials = path.join(dataDir, 'demo-credentials.json');
      expect((await stat(credentials)).mode & 0o777).toBe(0o600);
      const accounts = JSON.parse(await readFile(credentials, 'utf8')) as {
        email: string;
        password: string;
        role: string;
      }[];
      expect(new Set(accounts.map((a) => a.role))).toEqual(
        new Set(['isa_admin', 'agency_admin', 'practitioner', 'mash_worker', 'auditor']),
      );
      const practitioner = accounts.find((a) => a.email === 'early.help@northshire.example')!;
      expect(out).toContain(practitioner.password); // printed at start-up, for the demo only

      const client = new StrongroomClient(`http://127.0.0.1:${port}`);
      await expect(client.ready()).resolves.toMatchObject({ status: 'ready' });
      await client.login({ email: practitioner.email, password: practitioner.password });
      const agencies = await client.agencies();
      expect(agencies.filter((a) => a.status === 'signed')).toHaveLength(5);
      expect(agencies.filter((a) => a.status === 'registered')).toHaveLength(1);

      expect(await postgresRunningIn(dataDir)).toBeGreaterThan(0); // the check below can see one
      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
      expect(await postgresRunningIn(dataDir)).toBe(0);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
      await rm(`${dataDir}.secret`, { force: true });
    }
  }, 120_000);

  it('when it cannot listen, says why, exits non-zero and leaves no PostgreSQL running behind it', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'sr-busy-'));
    const pgPort = await freePort();
    const busy = net.createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const { port } = busy.address() as net.AddressInfo;
    try {
      const server = startServer(
        { PORT: String(port), DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(pgPort), LOG_LEVEL: 'silent' },
        'never',
      );
      expect(await server.exited).toBe(1);
      expect(server.output()).toContain('Strongroom failed to start');
      expect(server.output()).toContain('EADDRINUSE');
      expect(server.output()).not.toContain('Unhandled'); // a clean stop, not a crash
      expect(await postgresRunningIn(dataDir)).toBe(0);
    } finally {
      busy.close();
      await rm(dataDir, { recursive: true, force: true });
      await rm(`${dataDir}.secret`, { force: true });
    }
  }, 120_000);

  it('in production mode never creates demo accounts, even when asked to', async () => {
    const db = await createDatabase();
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'sr-prod-'));
    const port = await freePort();
    try {
      const server = startServer(
        {
          NODE_ENV: 'production',
          SEED_DEMO: 'true',
          DATABASE_URL: db.url,
          PORT: String(port),
          DATA_DIR: dataDir,
          LOG_LEVEL: 'warn',
        },
        'Press Ctrl+C to stop.',
      );
      const out = await server.ready;
      expect(out).toContain('SEED_DEMO is ignored in production');
      // Without SMTP_URL, production starts all the same and says plainly that e-mail is off.
      expect(out).toContain('E-mail is off: no SMTP_URL is set. Invitations must be carried by hand');
      expect(out).not.toContain('Demo partnership');
      await expect(stat(path.join(dataDir, 'demo-credentials.json'))).rejects.toThrow('ENOENT');
      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
      await db.drop();
    }
  }, 60_000);
  it("keeps Nest's route and module lines out of the log at info, so the demo logins are near the top, and shows them at debug", async () => {
    const db = await createDatabase();
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'sr-logs-'));
    try {
      const run = async (level: string) => {
        const server = startServer(
          { DATABASE_URL: db.url, PORT: String(await freePort()), DATA_DIR: dataDir, LOG_LEVEL: level },
          'Press Ctrl+C to stop.',
        );
        const out = await server.ready;
        server.child.kill('SIGTERM');
        expect(await server.exited).toBe(0);
        return out;
      };
      const info = await run('info');
      expect(info).not.toContain('Mapped {');
      expect(info).not.toContain('dependencies initialized');
      const before = info.slice(0, info.indexOf('Demo partnership')).split('\n').filter(Boolean);
      expect(info).toContain('Demo partnership');
      expect(before.length).toBeLessThan(10); // the logins, not a screenful of framework lines above them

      const debug = await run('debug');
      expect(debug).toContain('Mapped {/api/ready, GET} route');
      expect(debug).toContain('dependencies initialized');
    } finally {
      await rm(dataDir, { recursive: true, force: true });
      await db.drop();
    }
  }, 120_000);

  it('with no EMBEDDED_PG_PORT and the default port taken, runs the embedded PostgreSQL on a free port and says which', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'sr-pgport-'));
    // Hold the default port for the test (if something else already holds it, it is taken all the same).
    const holder = net.createServer();
    await new Promise<void>((resolve) => {
      holder.once('error', () => resolve());
      holder.listen(DEFAULT_EMBEDDED_PG_PORT, '127.0.0.1', resolve);
    });
    try {
      const port = await freePort();
      const server = startServer(
        { PORT: String(port), DATA_DIR: dataDir, SEED_DEMO: 'false', LOG_LEVEL: 'warn' },
        'Press Ctrl+C to stop.',
      );
      const out = await server.ready;
      const chosen = /Port 54329 is in use .*uses port (\d+) instead\. Set EMBEDDED_PG_PORT/.exec(out);
      expect(chosen).not.toBeNull();
      expect(Number(chosen![1])).not.toBe(DEFAULT_EMBEDDED_PG_PORT);
      expect(out).toContain(`Starting embedded PostgreSQL on 127.0.0.1:${chosen![1]} `);
      await expect(new StrongroomClient(`http://127.0.0.1:${port}`).ready()).resolves.toMatchObject({
        status: 'ready',
      });
      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
      expect(await postgresRunningIn(dataDir)).toBe(0);
    } finally {
      holder.close();
      await rm(dataDir, { recursive: true, force: true });
      await rm(`${dataDir}.secret`, { force: true });
    }
  }, 120_000);

  it('refuses an EMBEDDED_PG_PORT that is taken, plainly, rather than moving to another port', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'sr-pgbusy-'));
    const busy = net.createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const { port: taken } = busy.address() as net.AddressInfo;
    try {
      const server = startServer(
        { PORT: String(await freePort()), DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(taken), LOG_LEVEL: 'warn' },
        'never',
      );
      expect(await server.exited).toBe(1);
      expect(server.output()).toContain(`Port ${taken} on 127.0.0.1 (EMBEDDED_PG_PORT) is already in use`);
      expect(server.output()).not.toContain('Starting embedded PostgreSQL');
      expect(await postgresRunningIn(dataDir)).toBe(0);
    } finally {
      busy.close();
      await rm(dataDir, { recursive: true, force: true });
      await rm(`${dataDir}.secret`, { force: true });
    }
  }, 60_000);
});
