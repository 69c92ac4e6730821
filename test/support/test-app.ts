import path from 'node:path';
import os from 'node:os';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { NestExpressApplication } from '@nestjs/platform-express';
import pg from 'pg';
import { createApp } from '../../src/app.factory.js';
import { Clock } from '../../src/common/clock.js';
import { loadConfig } from '../../src/config/config.schema.js';
import { runMigrations } from '../../src/database/data-source.js';
import { templateName } from './test-template.js';

/** The audit-head signing key of every test server: 32 bytes, base64. Public in this repository; tests only. */
export const TEST_AUDIT_SIGNING_KEY = Buffer.alloc(32, 7).toString('base64');
/** A clock the test moves by hand: date rules are proven exactly, never by sleeping. */
export class FakeClock extends Clock {
  private current: number;
  private readonly timers = new Set<{ when: number; fn: () => void }>();
  constructor(start: Date = new Date()) {
    super();
    this.current = start.getTime();
  }
  now(): Date {
    return new Date(this.current);
  }
  /** A timer fires when the test moves the clock to or past its moment (or at once, if already past). */
  at(when: Date, fn: () => void): () => void {
    const timer = { when: when.getTime(), fn };
    this.timers.add(timer);
    if (timer.when <= this.current) setImmediate(() => this.fire());
    return () => this.timers.delete(timer);
  }
  set(date: Date): void {
    this.current = date.getTime();
    this.fire();
  }
  advance(ms: number): void {
    this.current += ms;
    this.fire();
  }
  /** Moves the clock without firing timers: as if they were late (a busy event loop). */
  jump(date: Date): void {
    this.current = date.getTime();
  }
  private fire(): void {
    const due = [...this.timers].filter((t) => t.when <= this.current).sort((a, b) => a.when - b.when);
    for (const t of due) {
      this.timers.delete(t);
      t.fn();
    }
  }
}

export interface TestApp {
  app: NestExpressApplication;
  baseUrl: string;
  databaseUrl: string;
  clock: FakeClock;
  /** A direct connection to this file's database, for dumps and tampering "behind the server's back". */
  sql(text: string, params?: unknown[]): Promise<pg.QueryResult>;
  close(): Promise<void>;
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/**
 * A fresh database of its own on the run's server. Empty, or with `migrated`, a copy of this run's
 * migrated template (made once per run, by whichever test file asks first): a server started on it
 * finds every migration applied, which saves about a second per server and two under load. Tests of
 * migrating itself (startup, installs, restores) take an empty one.
 */
export async function createDatabase(
  opts: { migrated?: boolean } = {},
): Promise<{ url: string; drop: () => Promise<void> }> {
  const adminUrl = process.env.STRONGROOM_TEST_ADMIN_URL;
  if (!adminUrl) throw new Error('STRONGROOM_TEST_ADMIN_URL is not set: run through jest (global setup).');
  const name = `sr_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const template = opts.migrated ? await migratedTemplate(admin, adminUrl) : null;
    await admin.query(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}`);
  } finally {
    await admin.end();
  }
  return {
    url: withDatabase(adminUrl, name),
    drop: async () => {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** Serialises the making of a run's template across test files (workers). */
const TEMPLATE_LOCK = 7_301_001;

/**
 * This run's migrated template database (test/support/global-teardown.ts drops it): made under an
 * advisory lock by the first file that needs it, migrated under another name and renamed when done, so
 * no file ever copies a half-migrated one. Nobody stays connected to it, as a template requires.
 */
async function migratedTemplate(admin: pg.Client, adminUrl: string): Promise<string> {
  const run = process.env.STRONGROOM_TEST_RUN;
  if (!run) throw new Error('STRONGROOM_TEST_RUN is not set: run through jest (global setup).');
  const template = templateName(run);
  const exists = async () =>
    (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [template])).rowCount === 1;
  if (await exists()) return template;
  await admin.query('SELECT pg_advisory_lock($1)', [TEMPLATE_LOCK]);
  try {
    if (await exists()) return template;
    const building = `${template}_building`;
    await admin.query(`DROP DATABASE IF EXISTS ${building} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${building}`);
    await runMigrations(withDatabase(adminUrl, building));
    await admin.query(`ALTER DATABASE ${building} RENAME TO ${template}`);
    return template;
  } finally {
    await admin.query('SELECT pg_advisory_unlock($1)', [TEMPLATE_LOCK]);
  }
}

/** Boots a server instance on an existing database (a second instance shares the first one's). */
export async function startInstance(
  databaseUrl: string,
  clock: FakeClock,
  env: Record<string, string> = {},
): Promise<{ app: NestExpressApplication; baseUrl: string }> {
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    SEED_DEMO: 'false',
    JOB_INTERVAL_SECONDS: '0',
    LOGIN_RATE_LIMIT_PER_MINUTE: '10000',
    // Every test request comes from 127.0.0.1: a whole file's wrong passwords must not hold that source
    // back. test/sign-in-throttle.e2e-spec.ts sets the real default and gives each case its own sources.
    LOGIN_SOURCE_FREE_FAILURES: '10000',
    // The landing page, not the web client: tests of the web client name its build (dist/web) themselves.
    WEB_DIR: path.join(os.tmpdir(), 'strongroom-tests-without-web-client'),
    // Likewise no command-line package: test/cli-package.e2e-spec.ts names its build (dist/cli).
    CLI_PACKAGE_DIR: path.join(os.tmpdir(), 'strongroom-tests-without-cli-package'),
    // Password hashes at 2^11 instead of 2^15: the suite makes thousands of accounts and sign-ins, and the
    // hash's strength is not under test (src/identity/passwords.spec.ts checks the default cost). Only in
    // NODE_ENV=test, the one setting that allows it: a test of production or development keeps the default.
    ...((env.NODE_ENV ?? 'test') === 'test' ? { PASSWORD_SCRYPT_LOG_N: '11' } : {}),
    // A fixed key for the audit log's signed heads, for tests only (every instance of a test signs alike).
    AUDIT_SIGNING_KEY: TEST_AUDIT_SIGNING_KEY,
    ...env,
  });
  const app = await createApp({ config, databaseUrl, clock });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { app, baseUrl: `http://127.0.0.1:${port}` };
}

/** A real server on its own fresh database, migrated, listening on a random port. */
export async function startTestApp(opts: { env?: Record<string, string>; clock?: FakeClock } = {}): Promise<TestApp> {
  const db = await createDatabase({ migrated: true });
  const clock = opts.clock ?? new FakeClock();
  const { app, baseUrl } = await startInstance(db.url, clock, opts.env);
  const pool = new pg.Pool({ connectionString: db.url, max: 2 });
  // The database is dropped WITH (FORCE) on close; a client still winding down then gets a termination
  // notice, which must not surface as an unhandled error in whichever test file this worker runs next.
  pool.on('error', () => undefined);
  return {
    app,
    baseUrl,
    databaseUrl: db.url,
    clock,
    sql: (text, params) => pool.query(text, params),
    close: async () => {
      await app.close();
      await pool.end();
      await db.drop();
    },
  };
}
