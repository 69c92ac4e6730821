import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';

declare global {
  var __strongroomTestPg: ChildProcess | undefined;
  var __strongroomTestDbReady: boolean | undefined;
}

// Its own copy of test/support/free-port.ts: jest loads global setup without the `.js` → `.ts` mapping.
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/**
 * One real PostgreSQL server for the whole run: the one in DATABASE_URL when given (CI uses the
 * machine's server), otherwise an embedded one in a throw-away directory. Each test file then makes
 * its own database on it (test/support/test-app.ts), so files never share state.
 *
 * Once per run: the integration and browser projects both call it, in whichever order Jest picks, and
 * a second embedded server would take over the first one's directory and handle.
 */
export default async function globalSetup(): Promise<void> {
  if (globalThis.__strongroomTestDbReady) return;
  globalThis.__strongroomTestDbReady = true;
  // Names this run, for work done once per run across test files (test/support/server-process.ts).
  process.env.STRONGROOM_TEST_RUN = `${process.pid}-${Date.now()}`;
  // The web client, as `npm start` builds it (skipped when its sources have not changed since the last build).
  execFileSync(process.execPath, [path.join(__dirname, '..', '..', 'client', 'web', 'build.mjs')], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  // The installable command-line package, likewise (test/cli-package.e2e-spec.ts installs it).
  execFileSync(process.execPath, [path.join(__dirname, '..', '..', 'scripts', 'build-cli.mjs')], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (process.env.DATABASE_URL) {
    const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await client.connect();
    await client.end();
    process.env.STRONGROOM_TEST_ADMIN_URL = process.env.DATABASE_URL;
    return;
  }
  const dir = `/tmp/strongroom-test-pg-${process.pid}`;
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(__dirname, 'pg-server.ts'), dir, String(await freePort())],
    { stdio: ['pipe', 'pipe', 'inherit'], cwd: path.join(__dirname, '..', '..') },
  );
  globalThis.__strongroomTestPg = child;
  const line = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout });
    rl.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`embedded PostgreSQL for tests exited early (code ${code})`)));
  });
  const { adminUrl } = JSON.parse(line) as { adminUrl: string };
  process.env.STRONGROOM_TEST_ADMIN_URL = adminUrl;
}
