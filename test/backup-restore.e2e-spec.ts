import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { AuditHeadView } from '../contracts/audit-heads.js';
import { MemoryTrustStore, SecureSession, StrongroomClient, type StoredDevice } from '../client/sdk/index.js';
import { pgToolsFor, testServerMajor } from './support/pg-tools.js';
import { approvedDevice } from './support/secure.js';
import { createDatabase, startInstance, startTestApp, type TestApp } from './support/test-app.js';
import { type Person, World } from './support/world.js';

const run = promisify(execFile);
const serverMajor = testServerMajor();
const tools = pgToolsFor(serverMajor);
if (!tools) {
  if (process.env.STRONGROOM_REQUIRE_PG_TOOLS === '1')
    throw new Error(`No pg_dump/pg_restore of PostgreSQL ${serverMajor} or newer, and STRONGROOM_REQUIRE_PG_TOOLS=1.`);
  console.warn(
    `Backup and restore test skipped: it needs pg_dump and pg_restore of PostgreSQL ${serverMajor} or newer ` +
      '(PostgreSQL’s client tools of that version); the embedded PostgreSQL brings none.',
  );
}
const describeWithTools = tools ? describe : describe.skip;

/**
 * Backup and restore as docs/operations.md tells an operator to do them (ISA 8.3): `pg_dump` in the
 * custom format while the server runs, `pg_restore --no-owner` into an empty database, a server started
 * on it. The members' devices still decrypt every message from before the backup, a message sent after
 * the restore reaches them, the audit chain verifies, and the log still leads to the head signed before
 * the backup.
 */
describeWithTools('backup and restore (pg_dump, pg_restore) keeps messages readable and the audit log whole', () => {
  let t: TestApp;
  let w: World;
  let alice: Person;
  let bob: Person;
  let admin: Person;
  let aliceDevice: StoredDevice;
  let bobDevice: StoredDevice;
  let channelId = '';
  let head: AuditHeadView;
  let work = '';
  const bodies = ['Before the backup: the school’s concern', 'Second note', 'Third, with ünïcödé'];

  beforeAll(async () => {
    t = await startTestApp();
    w = new World(t);
    await w.agreement();
    const council = await w.agency('Council');
    const police = await w.agency('Police', { sector: 'police' });
    alice = await w.person(council, 'practitioner', 'alice');
    bob = await w.person(police, 'practitioner', 'bob');
    admin = await w.person(council, 'isa_admin');
    aliceDevice = await approvedDevice(alice.client, 'alice laptop');
    bobDevice = await approvedDevice(bob.client, 'bob laptop');
    const aliceS = session(alice.client, aliceDevice);
    channelId = await aliceS.createChannel({ kind: 'locality_meeting', members: [{ userId: bob.id }] });
    for (const body of bodies) await aliceS.send(channelId, body);
    head = (await admin.client.signAuditHead()).head!;
    work = await mkdtemp(path.join(os.tmpdir(), 'sr-backup-'));
  });
  afterAll(async () => {
    await t.close();
    await rm(work, { recursive: true, force: true });
  });

  const session = (client: StrongroomClient, device: StoredDevice) =>
    new SecureSession(client, { ...device, serverUrl: client.serverUrl }, new MemoryTrustStore(), () => t.clock.now());

  it('restored into an empty database, a server on it serves the same record', async () => {
    const dump = path.join(work, 'strongroom.dump');
    await run(tools!.pgDump, ['--format=custom', `--file=${dump}`, t.databaseUrl]);
    const restored = await createDatabase();
    let second: { app: NestExpressApplication; baseUrl: string } | undefined;
    try {
      await run(tools!.pgRestore, ['--no-owner', '--exit-on-error', `--dbname=${restored.url}`, dump]);
      second = await startInstance(restored.url, t.clock);
      const on = (p: Person) => new StrongroomClient(second!.baseUrl, p.client.token);

      // The sessions came back too: each person's device reads what was written before the backup.
      const bobS = session(on(bob), bobDevice);
      const before = await bobS.read(channelId);
      expect(before.messages.map((m) => m.content?.body)).toEqual(bodies);
      expect(before.messages.every((m) => !m.error)).toBe(true);

      // The restored server goes on: a new message reaches the other member.
      const aliceS = session(on(alice), aliceDevice);
      const sent = await aliceS.send(channelId, 'After the restore');
      expect(sent.seq).toBe(bodies.length + 1);
      const after = await bobS.read(channelId, { after: bodies.length });
      expect(after.messages.map((m) => m.content?.body)).toEqual(['After the restore']);

      // The audit log: intact on the server and here, and it still leads to the head signed before.
      const adminOn = on(admin);
      expect(await adminOn.auditVerify()).toMatchObject({ ok: true });
      expect(await adminOn.verifyAuditChainLocally()).toMatchObject({ ok: true });
      expect(await adminOn.checkAuditLogAgainstHead(head)).toMatchObject({ ok: true, verdict: 'extends' });
      // The append-only rules came back with it.
      const { rows } = await (async () => {
        const pg = await import('pg');
        const c = new pg.default.Client({ connectionString: restored.url });
        await c.connect();
        try {
          return await c.query<{ n: number }>(
            "SELECT count(*)::int AS n FROM pg_trigger WHERE tgname IN ('audit_events_no_update_delete', 'audit_heads_no_update_delete')",
          );
        } finally {
          await c.end();
        }
      })();
      expect(rows[0].n).toBe(2);
    } finally {
      await second?.app.close();
      await restored.drop();
    }
  });
});
