import pg from 'pg';
import type { DecryptedMessage, SecureSession } from '../client/sdk/index.js';
import { countOf } from './support/db.js';
import { eventually } from './support/eventually.js';
import { refused } from './support/refused.js';
import { seal, secureSession } from './support/secure.js';
import { startInstance, startTestApp, type TestApp } from './support/test-app.js';
import { World, type Person } from './support/world.js';

/**
 * The database going away under a running server: PostgreSQL itself ends the server's connections and
 * refuses new ones (as when it is shut down, restarted or failed over), then takes them again. Requests
 * meanwhile are answered 503 `service_unavailable` with `Retry-After`, never 500, and the same server
 * process serves again once the database is back.
 */
describe('the database unavailable: 503 service_unavailable with Retry-After, and back without a restart', () => {
  let t: TestApp;
  let admin: pg.Client;
  let database: string;
  let alice: Person;
  let aliceS: SecureSession;
  let bobS: SecureSession;
  let channelId: string;

  let second: Awaited<ReturnType<typeof startInstance>>;

  /** A GET as any HTTP client makes it (to the first instance, or `base`), so status and headers are seen as sent. */
  async function get(
    path: string,
    base = t.baseUrl,
  ): Promise<{ status: number; retryAfter: string | null; code?: string }> {
    const res = await fetch(`${base}/api${path}`, { headers: { authorization: `Bearer ${alice.client.token}` } });
    const body = (await res.json()) as { error?: { code: string } };
    return { status: res.status, retryAfter: res.headers.get('retry-after'), code: body.error?.code };
  }

  /** Ends every connection to this file's database except the caller's (the server's pool among them). */
  const terminateAll = () =>
    admin.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [database],
    );

  beforeAll(async () => {
    t = await startTestApp();
    second = await startInstance(t.databaseUrl, t.clock);
    database = new URL(t.databaseUrl).pathname.slice(1);
    admin = new pg.Client({ connectionString: process.env.STRONGROOM_TEST_ADMIN_URL });
    await admin.connect();
    const w = new World(t);
    await w.agreement();
    const council = await w.agency('Council');
    alice = await w.person(council, 'practitioner', 'alice');
    const bob = await w.person(council, 'practitioner', 'bob');
    aliceS = await secureSession(alice.client, 'alice laptop', t);
    bobS = await secureSession(bob.client, 'bob laptop', t);
    channelId = await aliceS.createChannel({ kind: 'locality_meeting', members: [{ userId: bob.id }] });
  });
  afterAll(async () => {
    aliceS.close();
    bobS.close();
    await admin.query(`ALTER DATABASE ${database} ALLOW_CONNECTIONS true`).catch(() => undefined);
    await admin.end();
    await second.app.close();
    await t.close();
  });

  it('answers 503 with Retry-After when PostgreSQL ends the connection under a query (terminated by an administrator), and the next request is served', async () => {
    // Another session holds the channels table, so the server's query waits on it; then the backend
    // running that query is terminated, as a shutdown or a failover would do.
    const holder = new pg.Client({ connectionString: t.databaseUrl });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE channels IN ACCESS EXCLUSIVE MODE');
      const answer = get(`/channels/${channelId}`);
      const waiting = await eventually(async () => {
        const { rows } = await admin.query<{ pid: number }>(
          "SELECT pid FROM pg_stat_activity WHERE datname = $1 AND application_name = 'strongroom' AND wait_event_type = 'Lock'",
          [database],
        );
        expect(rows).toHaveLength(1);
        return rows[0].pid;
      });
      await admin.query('SELECT pg_terminate_backend($1)', [waiting]);
      expect(await answer).toEqual({ status: 503, retryAfter: '2', code: 'service_unavailable' });
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
    expect((await get(`/channels/${channelId}`)).status).toBe(200);
  });

  it('answers HTTP and socket acknowledgements 503 while PostgreSQL refuses connections, and serves again once it takes them, without a restart', async () => {
    const rt = await aliceS.connect();
    const payload = await seal(aliceS, channelId, 'sealed before the database went away');
    const before = await countOf(t, 'SELECT count(*)::int AS n FROM messages WHERE channel_id = $1', [channelId]);

    await admin.query(`ALTER DATABASE ${database} ALLOW_CONNECTIONS false`);
    try {
      await terminateAll();
      expect(await get('/channels')).toEqual({ status: 503, retryAfter: '2', code: 'service_unavailable' });
      expect(await get('/channels', second.baseUrl)).toEqual({
        status: 503,
        retryAfter: '2',
        code: 'service_unavailable',
      });
      expect(await get(`/channels/${channelId}/messages`)).toMatchObject({ status: 503, code: 'service_unavailable' });
      // Liveness still answers (the process is fine); readiness says the database is not reachable.
      expect((await get('/health')).status).toBe(200);
      expect(await get('/ready')).toMatchObject({ status: 503, code: 'not_ready' });
      // The socket stays open; what it is asked to do meanwhile is refused the same way.
      const err = await refused(rt.request('message.send', { channelId, ...payload }), 503, 'service_unavailable');
      expect(err.details).toMatchObject({ retryAfterSeconds: 2 });
    } finally {
      await admin.query(`ALTER DATABASE ${database} ALLOW_CONNECTIONS true`);
    }

    // The same process serves again: HTTP, and the same socket stores the same message once.
    await eventually(async () => expect((await get('/channels')).status).toBe(200));
    await eventually(async () => expect((await get('/channels', second.baseUrl)).status).toBe(200));
    const stored = await rt.request('message.send', { channelId, ...payload });
    expect(stored.clientMessageId).toBe(payload.clientMessageId);
    expect(await countOf(t, 'SELECT count(*)::int AS n FROM messages WHERE channel_id = $1', [channelId])).toBe(
      before + 1,
    );
  });

  it('the SDK sees a send through the outage (stored once), and a socket turned away with 503 meanwhile comes back by itself and catches up', async () => {
    const got: DecryptedMessage[] = [];
    const stop = await bobS.subscribe(channelId, (m) => got.push(m));
    const rt = await bobS.connect();
    const refusals: unknown[] = [];
    rt.socket.on('connect_error', (err: Error & { data?: { status?: number } }) => refusals.push(err.data?.status));
    const before = await countOf(t, 'SELECT count(*)::int AS n FROM messages WHERE channel_id = $1', [channelId]);

    await admin.query(`ALTER DATABASE ${database} ALLOW_CONNECTIONS false`);
    let sending: ReturnType<SecureSession['send']> | undefined;
    try {
      await terminateAll();
      // Bob's socket drops; the server cannot check his session to let it back in: 503, for now.
      rt.socket.io.engine.close();
      await eventually(() => expect(refusals).toContain(503));
      // Alice's send meets the outage (her session first asks where her chain is: 503) and keeps trying.
      const chainHead = alice.client.messageChainHead;
      const answers: unknown[] = [];
      const spy = jest.spyOn(alice.client, 'messageChainHead').mockImplementation((...args) =>
        chainHead(...args).catch((err: unknown) => {
          answers.push((err as { status?: number }).status);
          throw err;
        }),
      );
      sending = aliceS.send(channelId, 'sent while the database was away');
      await eventually(() => expect(answers).toContain(503));
      spy.mockRestore();
    } finally {
      await admin.query(`ALTER DATABASE ${database} ALLOW_CONNECTIONS true`);
    }

    const stored = await sending;
    expect(await countOf(t, 'SELECT count(*)::int AS n FROM messages WHERE channel_id = $1', [channelId])).toBe(
      before + 1,
    );
    expect(
      await countOf(t, 'SELECT count(*)::int AS n FROM messages WHERE client_message_id = $1', [
        stored.clientMessageId,
      ]),
    ).toBe(1);
    await eventually(() => expect(rt.connected).toBe(true));
    await eventually(() => expect(got.map((m) => m.content?.body)).toContain('sent while the database was away'));
    expect(got.filter((m) => m.error || m.unverified)).toEqual([]);
    stop();
  }, 120_000);
});
