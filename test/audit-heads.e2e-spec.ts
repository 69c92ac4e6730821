import { sign } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import pg from 'pg';
import { auditHeadSigningText, type AuditHeadView } from '../contracts/audit-heads.js';
import { auditHeadSignatureValid, type AuditEventView, type StrongroomClient } from '../client/sdk/index.js';
import { chainHash } from '../src/audit/audit-chain.js';
import { AuditHeadsService, signingKeyFromSeed } from '../src/audit/audit-heads.service.js';
import { verifyEd25519 } from '../src/identity/device-proof.js';
import { cli, json } from './support/cli.js';
import { refused } from './support/refused.js';
import { startInstance, startTestApp, TEST_AUDIT_SIGNING_KEY, type TestApp } from './support/test-app.js';
import { type Person, totpAt, World } from './support/world.js';

/** Every event the client may read, oldest first. */
async function allEvents(c: StrongroomClient): Promise<AuditEventView[]> {
  const out: AuditEventView[] = [];
  for await (const page of c.auditEventsAll()) out.push(...page);
  return out;
}

const dbHead = async (t: TestApp) =>
  (await t.sql('SELECT max(seq)::int AS seq FROM audit_events')).rows[0] as { seq: number };

/**
 * Signed heads of the audit log (issue 16; ISA 8.3, 12): the server signs the chain's end with its
 * Ed25519 key on request and on a schedule, once across instances; heads are append-only; and a head a
 * partner saved catches a log that was altered, rewritten or cut short, checked offline by the CLI.
 */
describe('audit: signed heads, and checking a log against a saved one', () => {
  let t: TestApp;
  let w: World;
  let council: string;
  let admin: Person;
  let home = '';

  beforeAll(async () => {
    t = await startTestApp({ env: { AUDIT_HEAD_EVERY_EVENTS: '5', AUDIT_HEAD_EVERY_MINUTES: '10' } });
    w = new World(t);
    await w.agreement();
    council = await w.agency('Council');
    admin = await w.person(council, 'isa_admin');
    home = await mkdtemp(path.join(os.tmpdir(), 'sr-audit-heads-'));
  });
  afterAll(async () => {
    await t.close();
    await rm(home, { recursive: true, force: true });
  });

  it('signs the log’s end on request with the configured key, checkable by anyone with the public key; never twice', async () => {
    const { head, created } = await admin.client.signAuditHead();
    expect(created).toBe(true);
    expect(head!.seq).toBe((await dbHead(t)).seq);
    const [event] = (await t.sql('SELECT hash FROM audit_events WHERE seq = $1', [head!.seq])).rows as {
      hash: string;
    }[];
    expect(head!.hash).toBe(event.hash);

    const expectedKey = signingKeyFromSeed(Buffer.from(TEST_AUDIT_SIGNING_KEY, 'base64')).publicKey;
    expect(head!.publicKey).toBe(expectedKey);
    expect((await admin.client.auditSigningKey()).publicKey).toBe(expectedKey);
    // Checked by Node's own Ed25519 and by the SDK's libsodium, from the head alone.
    const text = Buffer.from(auditHeadSigningText(head!), 'utf8');
    expect(
      verifyEd25519(Buffer.from(head!.publicKey, 'base64url'), text, Buffer.from(head!.signature, 'base64url')),
    ).toBe(true);
    expect(await auditHeadSignatureValid(head!)).toBe(true);
    expect(await auditHeadSignatureValid({ ...head!, seq: head!.seq - 1 })).toBe(false);

    // Nothing new in the log: the same head again, not a second one.
    const again = await admin.client.signAuditHead();
    expect(again).toEqual({ head, created: false });
    expect((await admin.client.auditHeads()).map((h) => h.seq)).toEqual([head!.seq]);
  });

  it('the schedule: a head after N new events, or after M minutes with at least one; once across two instances', async () => {
    const other: { app: NestExpressApplication } = await startInstance(t.databaseUrl, t.clock, {
      AUDIT_HEAD_EVERY_EVENTS: '5',
      AUDIT_HEAD_EVERY_MINUTES: '10',
    });
    try {
      const instances = [t.app.get(AuditHeadsService), other.app.get(AuditHeadsService)];
      const runBoth = () => Promise.all(instances.map((s) => s.signIfDue()));
      const latest = async () => (await instances[0].list({ limit: 1 }))[0];
      /** One new event in the log: a wrong password, recorded as a failed sign-in. */
      const oneEvent = async () => {
        const before = (await dbHead(t)).seq;
        await fetch(`${t.baseUrl}/api/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: admin.email, password: 'not the password at all' }),
        });
        expect((await dbHead(t)).seq).toBe(before + 1);
      };
      await instances[0].signNow(); // the count starts from a head that covers everything so far
      const start = (await latest()).seq;

      // Four new events, little time: nothing to sign, on either instance.
      for (let i = 0; i < 4; i++) await oneEvent();
      expect(await runBoth()).toEqual([null, null]);
      // The fifth: exactly one of the two instances signs, at the log's end.
      await oneEvent();
      const signed = (await runBoth()).filter((h) => h !== null);
      expect(signed).toHaveLength(1);
      expect(signed[0].seq).toBe(start + 5);
      expect(await runBoth()).toEqual([null, null]);

      // One event, then the time passes: nothing at nine minutes, a head once the ten are up.
      await oneEvent();
      t.clock.advance(9 * 60_000);
      expect(await runBoth()).toEqual([null, null]);
      t.clock.advance(2 * 60_000);
      expect((await runBoth()).filter((h) => h !== null)).toHaveLength(1);
      expect((await latest()).seq).toBe(start + 6);
      // Time alone, with no new event, signs nothing.
      t.clock.advance(60 * 60_000);
      expect((await runBoth()).every((h) => h === null)).toBe(true);

      const seqs = (await instances[0].list({ limit: 500 })).map((h) => h.seq);
      expect(new Set(seqs).size).toBe(seqs.length);
    } finally {
      await other.app.close();
    }
    // The hour that passed ended the administrator's session: the rest of the file uses a fresh one.
    admin = await w.person(council, 'isa_admin');
  });

  it('who may read, keep and sign heads: administrators and auditors sign; data-protection leads read; others neither', async () => {
    const practitioner = await w.person(council, 'practitioner');
    const dpLead = await w.person(council, 'agency_admin');
    const auditor = await w.person(council, 'auditor');
    await refused(practitioner.client.auditHeads(), 403, 'forbidden_role');
    await refused(practitioner.client.auditSigningKey(), 403, 'forbidden_role');
    await refused(practitioner.client.signAuditHead(), 403, 'forbidden_role');
    await refused(dpLead.client.signAuditHead(), 403, 'forbidden_role');
    expect((await dpLead.client.auditHeads()).length).toBeGreaterThan(0);
    expect((await dpLead.client.auditSigningKey()).publicKey).toBeTruthy();
    await expect(auditor.client.signAuditHead()).resolves.toMatchObject({ created: expect.any(Boolean) as unknown });
  });

  it('heads are append-only in the database: UPDATE, DELETE and TRUNCATE are refused', async () => {
    for (const sql of [
      "UPDATE audit_heads SET hash = repeat('0', 64)",
      'DELETE FROM audit_heads',
      'TRUNCATE audit_heads',
    ]) {
      await expect(t.sql(sql)).rejects.toThrow(/append-only/);
    }
  });

  it('a server without a signing key says so in plain words, and signs nothing', async () => {
    const { app, baseUrl } = await startInstance(t.databaseUrl, t.clock, { AUDIT_SIGNING_KEY: '' });
    try {
      const token = admin.client.token!;
      const res = await fetch(`${baseUrl}/api/audit/heads`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(res.status).toBe(409);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('audit_heads_off');
      expect(body.error.message).toContain('AUDIT_SIGNING_KEY');
      const key = await fetch(`${baseUrl}/api/audit/signing-key`, { headers: { authorization: `Bearer ${token}` } });
      expect(((await key.json()) as { publicKey: string | null }).publicKey).toBeNull();
      expect(await app.get(AuditHeadsService).signIfDue()).toBeNull();
    } finally {
      await app.close();
    }
  });

  describe('the CLI: save a head, then check a log against it (the tampering comes last)', () => {
    let headFile = '';
    let logFile = '';
    let head: AuditHeadView;
    let log: AuditEventView[] = [];
    /** What a person types at `login`: the password, and a fresh authenticator code when they have one. */
    const secretsOf = async (p: Person): Promise<Record<string, string>> => {
      if (!p.totpSecret) return { STRONGROOM_PASSWORD: p.password };
      t.clock.advance(30_000); // each code works once: the next time step's
      return { STRONGROOM_PASSWORD: p.password, STRONGROOM_TOTP: await totpAt(p.totpSecret, t) };
    };
    /** `audit verify --from-head` with only files: no server address, no session. */
    const offline = (argv: string[]) =>
      cli(path.join(home, 'nobody'), t, ['--json', 'audit', 'verify', '--from-head', ...argv], { STRONGROOM_URL: '' });
    const writeLog = (file: string, events: unknown) => writeFile(file, JSON.stringify(events));

    beforeAll(async () => {
      const adminHome = path.join(home, 'admin');
      expect((await cli(adminHome, t, ['login', '--email', admin.email], await secretsOf(admin))).code).toBe(0);
      await w.person(council, 'practitioner'); // something new to sign
      headFile = path.join(home, 'head.json');
      const saved = await cli(adminHome, t, ['audit', 'heads', '--sign', '--save', headFile]);
      expect(saved).toMatchObject({ code: 0 });
      expect(saved.out).toContain('Signed the log');
      expect(saved.out).toContain(`audit verify --from-head ${headFile}`);
      head = JSON.parse(await readFile(headFile, 'utf8')) as AuditHeadView;
      expect(head.seq).toBe((await dbHead(t)).seq);
      // Not replaced without --force.
      const again = await cli(adminHome, t, ['audit', 'heads', '--save', headFile]);
      expect(again.code).toBe(2);
      expect(again.err).toContain('already exists');

      await w.person(council, 'practitioner'); // the log goes on after the head
      log = await allEvents(admin.client);
      logFile = path.join(home, 'log.json');
      await writeLog(logFile, log);
    });

    it('an intact log extends the saved head: offline from files, and online from the server', async () => {
      const r = await offline([headFile, '--log', logFile]);
      expect(r.code).toBe(0);
      expect(json(r)).toMatchObject({ ok: true, verdict: 'extends', eventsChecked: log.length });
      const text = await cli(
        path.join(home, 'nobody'),
        t,
        ['audit', 'verify', '--from-head', headFile, '--log', logFile],
        {
          STRONGROOM_URL: '',
        },
      );
      expect(text.out).toContain(`Intact: the log leads to the point you saved (event ${head.seq}`);
      const online = await cli(path.join(home, 'admin'), t, ['--json', 'audit', 'verify', '--from-head', headFile]);
      expect(json(online)).toMatchObject({ ok: true, verdict: 'extends' });
      // The whole log as an administrator exports it for a partner, checked by the partner with no server.
      const exported = path.join(home, 'exported.json');
      const exportRun = await cli(path.join(home, 'admin'), t, [
        'audit',
        'events',
        '--export',
        'json',
        '--out',
        exported,
      ]);
      expect(exportRun).toMatchObject({ code: 0 });
      expect(json(await offline([headFile, '--log', exported]))).toMatchObject({ ok: true, verdict: 'extends' });
      // With the key the partner was given, and refused with another.
      expect((await offline([headFile, '--log', logFile, '--key', head.publicKey])).code).toBe(0);
      const otherKey = signingKeyFromSeed(Buffer.alloc(32, 9)).publicKey;
      const other = await offline([headFile, '--log', logFile, '--key', otherKey]);
      expect(other.code).toBe(1);
      expect(json(other)).toMatchObject({ ok: false, verdict: 'other_key' });
    });

    it('a changed head file, an altered event, a rewritten log and a shortened one are each caught offline', async () => {
      const forged = path.join(home, 'forged-head.json');
      await writeFile(forged, JSON.stringify({ ...head, hash: log[0].hash }));
      expect(json(await offline([forged, '--log', logFile]))).toMatchObject({ ok: false, verdict: 'bad_signature' });

      const target = Math.max(2, head.seq - 3);
      const altered = log.map((e) => (e.seq === target ? { ...e, details: { ...e.details, injected: true } } : e));
      await writeLog(path.join(home, 'altered.json'), altered);
      const a = await offline([headFile, '--log', path.join(home, 'altered.json')]);
      expect(a.code).toBe(1);
      expect(json(a)).toMatchObject({ verdict: 'altered', firstBroken: { seq: target, reason: 'hash_mismatch' } });

      // Rewritten with every hash recomputed: each link checks, but the end is not the signed one.
      const rewritten: AuditEventView[] = [];
      for (const e of altered) {
        const prevHash = rewritten.at(-1)?.hash ?? log[0].prevHash;
        const { prevHash: _p, hash: _h, ...fields } = e;
        rewritten.push({ ...e, prevHash, hash: chainHash(prevHash, fields) });
      }
      await writeLog(path.join(home, 'rewritten.json'), rewritten);
      expect(json(await offline([headFile, '--log', path.join(home, 'rewritten.json')]))).toMatchObject({
        ok: false,
        verdict: 'rewritten',
      });

      await writeLog(
        path.join(home, 'short.json'),
        log.filter((e) => e.seq < head.seq - 1),
      );
      const s = await offline([headFile, '--log', path.join(home, 'short.json')]);
      expect(json(s)).toMatchObject({ ok: false, verdict: 'shorter', logEnd: { seq: head.seq - 2 } });
      expect(
        (
          await cli(
            path.join(home, 'x'),
            t,
            ['audit', 'verify', '--from-head', headFile, '--log', path.join(home, 'short.json')],
            { STRONGROOM_URL: '' },
          )
        ).out,
      ).toContain('its newest events were removed');

      // Not a head, not a log: plain words, exit 2.
      const notHead = await offline([logFile, '--log', logFile]);
      expect(notHead.code).toBe(2);
      expect(json<{ error: { code: string } }>(notHead).error.code).toBe('not_a_head');
    });

    it('a data-protection lead, who reads only part of the log, is told to check the whole log from a file', async () => {
      const dpLead = await w.person(council, 'agency_admin');
      const leadHome = path.join(home, 'lead');
      expect((await cli(leadHome, t, ['login', '--email', dpLead.email], await secretsOf(dpLead))).code).toBe(0);
      const r = await cli(leadHome, t, ['--json', 'audit', 'verify', '--from-head', headFile]);
      expect(r.code).toBe(2);
      expect(json<{ error: { code: string } }>(r).error.code).toBe('whole_log_needed');
      expect(
        (await cli(leadHome, t, ['--json', 'audit', 'verify', '--from-head', headFile, '--log', logFile])).code,
      ).toBe(0);
    });

    it('the server’s own log altered behind the database’s back, then cut short: caught online against the head', async () => {
      const superuser = async (sql: string) => {
        const c = new pg.Client({ connectionString: t.databaseUrl });
        await c.connect();
        try {
          await c.query(`BEGIN; SET LOCAL session_replication_role = replica; ${sql}; COMMIT;`);
        } finally {
          await c.end();
        }
      };
      const target = head.seq - 2;
      await superuser(`UPDATE audit_events SET details = details || '{"x":1}'::jsonb WHERE seq = ${target}`);
      const altered = await cli(path.join(home, 'admin'), t, ['--json', 'audit', 'verify', '--from-head', headFile]);
      expect(altered.code).toBe(1);
      expect(json(altered)).toMatchObject({ verdict: 'altered', firstBroken: { seq: target } });

      await superuser(`DELETE FROM audit_events WHERE seq >= ${target}`);
      const cut = await cli(path.join(home, 'admin'), t, ['--json', 'audit', 'verify', '--from-head', headFile]);
      expect(cut.code).toBe(1);
      expect(json(cut)).toMatchObject({ verdict: 'shorter' });
    });
    it('a head someone wrote into the database is flagged when listed and never saved', async () => {
      // Above every event and every head so far: the forged ones are the newest.
      const [top] = (
        await t.sql(
          'SELECT greatest((SELECT max(seq) FROM audit_events), (SELECT max(seq) FROM audit_heads))::int AS seq',
        )
      ).rows as { seq: number }[];
      const insert = (h: AuditHeadView) =>
        t.sql('INSERT INTO audit_heads (seq, hash, signed_at, public_key, signature) VALUES ($1, $2, $3, $4, $5)', [
          h.seq,
          h.hash,
          h.signedAt,
          h.publicKey,
          h.signature,
        ]);
      // One with a signature that is not one, then a newer one properly signed, but with the writer's own key.
      await insert({
        ...head,
        seq: top.seq + 1,
        signature: head.signature.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')),
      });
      const intruder = signingKeyFromSeed(Buffer.alloc(32, 9));
      const forged = { ...head, seq: top.seq + 2, signedAt: new Date().toISOString(), publicKey: intruder.publicKey };
      await insert({
        ...forged,
        signature: sign(null, Buffer.from(auditHeadSigningText(forged), 'utf8'), intruder.privateKey).toString(
          'base64url',
        ),
      });
      const adminHome = path.join(home, 'admin');
      const listed = await cli(adminHome, t, ['audit', 'heads']);
      expect(listed.code).toBe(1);
      expect(listed.out).toContain(`Warning: the head at event #${top.seq + 1} has a signature that does not check.`);
      expect(listed.out).toContain(`Warning: the head at event #${top.seq + 2} was signed with another key`);
      const save = await cli(adminHome, t, ['--json', 'audit', 'heads', '--save', path.join(home, 'forged.json')]);
      expect(save.code).toBe(2);
      expect(json<{ error: { code: string } }>(save).error.code).toBe('untrusted_head');
      await expect(readFile(path.join(home, 'forged.json'), 'utf8')).rejects.toThrow();
    });
  });
});
