/**
 * The bench's own server: the built app (dist/, so NestJS gets its decorator metadata) in this
 * process, on a fresh database of the PostgreSQL in DATABASE_URL or an embedded one, with people and
 * devices made through the real services and API.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { enrolFirstDevice, MemoryTrustStore, SecureSession, StrongroomClient } from '../client/sdk/index.js';

type AnyApp = {
  get<T>(token: unknown): T;
  close(): Promise<void>;
  listen(port: number, host: string): Promise<unknown>;
  getHttpServer(): { address(): AddressInfo };
};

export interface Bench {
  baseUrl: string;
  databaseUrl: string;
  pool: pg.Pool;
  agencyId: string;
  /** A signed-in person with a registered device, ready to use channels. */
  person(prefix: string): Promise<{ id: string; session: SecureSession }>;
  /** The server's own message-expiry job, run now (the bench's instance runs no jobs by itself). */
  expireMessages(): Promise<{ messagesDeleted: number; batches: number }>;
  /** Another instance on the same database, with these settings over the defaults (not the bench's). */
  instance(env: Record<string, string>): Promise<{ baseUrl: string; close(): Promise<void> }>;
  close(): Promise<void>;
}

export async function startBench(log: (s: string) => void): Promise<Bench> {
  const dist = (p: string) => path.join(process.cwd(), 'dist', p);
  const { createApp } = (await import(dist('src/app.factory.js'))) as { createApp: (o: unknown) => Promise<AnyApp> };
  const { loadConfig } = (await import(dist('src/config/config.schema.js'))) as {
    loadConfig: (e: Record<string, string>) => unknown;
  };
  const { AgenciesService } = (await import(dist('src/agencies/agencies.service.js'))) as Record<string, unknown>;
  const { UsersService } = (await import(dist('src/identity/users.service.js'))) as Record<string, unknown>;
  const { RetentionService } = (await import(dist('src/retention/retention.service.js'))) as Record<string, unknown>;

  let adminUrl = process.env.DATABASE_URL;
  let stopEmbedded: (() => Promise<void>) | null = null;
  let clusterDir: string | null = null;
  if (!adminUrl) {
    const { startEmbeddedPostgres } = (await import(dist('src/database/embedded-postgres.js'))) as {
      startEmbeddedPostgres: (o: unknown) => Promise<{ adminUrl: string; stop(): Promise<void> }>;
    };
    clusterDir = await mkdtemp(path.join(os.tmpdir(), 'sr-bench-pg-'));
    log('starting an embedded PostgreSQL for the bench…\n');
    const db = await startEmbeddedPostgres({
      clusterDir: path.join(clusterDir, 'pg'),
      port: 54000 + Math.floor(Math.random() * 900),
      persistent: false,
    });
    adminUrl = db.adminUrl;
    stopEmbedded = () => db.stop();
  }
  const name = `sr_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  const databaseUrl = u.toString();

  const base = { NODE_ENV: 'test', LOG_LEVEL: 'silent', SEED_DEMO: 'false', JOB_INTERVAL_SECONDS: '0' };
  // Throughput is measured with no per-client limit in the way (one socket sends thousands a second).
  const config = loadConfig({
    ...base,
    LOGIN_RATE_LIMIT_PER_MINUTE: '100000',
    SOCKET_EVENTS_PER_SECOND: '100000',
    SOCKET_EVENT_BURST: '100000',
  });
  const app = await createApp({ config, databaseUrl });
  await app.listen(0, '127.0.0.1');
  const baseUrl = `http://127.0.0.1:${app.getHttpServer().address().port}`;
  const agencies = app.get<{
    publishAgreement: (a: null, d: unknown) => Promise<{ id: string }>;
    register: (a: null, d: unknown) => Promise<{ id: string }>;
    sign: (a: null, id: string, d: unknown) => Promise<unknown>;
  }>(AgenciesService);
  const users = app.get<{
    create: (a: null, d: unknown) => Promise<{ user: { id: string }; invitation: { token: string } }>;
    acceptInvitation: (d: unknown, m: unknown) => Promise<unknown>;
  }>(UsersService);
  await agencies.publishAgreement(null, { label: '10.0', publishedOn: '2020-04-01', textRef: 'bench' });
  const agency = await agencies.register(null, {
    name: 'Bench Council',
    sector: 'local_authority',
    deaS35Partner: false,
  });
  await agencies.sign(null, agency.id, { signatoryName: 'B', signatoryTitle: 'D', signedOn: '2020-05-01' });
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 20 });
  pool.on('error', () => undefined);

  let n = 0;
  return {
    baseUrl,
    databaseUrl,
    pool,
    agencyId: agency.id,
    async person(prefix: string) {
      const email = `${prefix}.${n++}@bench.example`;
      const { user, invitation } = await users.create(null, {
        agencyId: agency.id,
        email,
        displayName: prefix,
        role: 'practitioner',
      });
      const password = `bench-password-${randomBytes(6).toString('hex')}`;
      await users.acceptInvitation(
        { token: invitation.token, password },
        { requestId: 'bench', ip: null, userAgent: null },
      );
      const client = new StrongroomClient(baseUrl);
      await client.login({ email, password });
      const me = await client.me();
      await client.attest(me.attestation.agreementVersionId!);
      // The person's first device: makes their identity key, which signs (approves) it.
      const { stored } = await enrolFirstDevice(client, `${prefix} bench device`);
      return { id: user.id, session: new SecureSession(client, stored, new MemoryTrustStore()) };
    },
    expireMessages: () =>
      app
        .get<{ expireMessages(): Promise<{ messagesDeleted: number; batches: number }> }>(RetentionService)
        .expireMessages(),
    async instance(env: Record<string, string>) {
      const other = await createApp({ config: loadConfig({ ...base, ...env }), databaseUrl });
      await other.listen(0, '127.0.0.1');
      return {
        baseUrl: `http://127.0.0.1:${other.getHttpServer().address().port}`,
        close: () => other.close(),
      };
    },
    async close() {
      await pool.end();
      await app.close();
      const a = new pg.Client({ connectionString: adminUrl });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
      if (stopEmbedded) await stopEmbedded();
      if (clusterDir) await rm(clusterDir, { recursive: true, force: true });
    },
  };
}
