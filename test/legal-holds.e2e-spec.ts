import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { StrongroomClient, type DisposalView, type HoldView, type SecureSession } from '../client/sdk/index.js';
import { RetentionService } from '../src/retention/retention.service.js';
import { cli, json } from './support/cli.js';
import { FlakyProxy } from './support/flaky-proxy.js';
import { refused } from './support/refused.js';
import { secureSession } from './support/secure.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { type Person, totpAt, World } from './support/world.js';

const DAY = 86_400_000;

/**
 * Legal holds and disposal evidence (issue 16; ISA 7, 8.3), on the real retention job: a hold on a
 * channel, a family, an agency or the whole class of messages keeps every message it covers past its
 * expiry, and only those; releasing it lets them go at the next run; each run leaves disposal records that
 * match what was removed (class, rule, channel, count, time range) and hold no content. Only an ISA
 * administrator places or releases a hold; refusals change nothing.
 */
describe('legal holds and disposal records', () => {
  let t: TestApp;
  let w: World;
  let council: string;
  let police: string;
  let admin: Person;
  let alice: Person;
  let bob: Person;
  let aliceS: SecureSession;
  let bobS: SecureSession;
  let chA = '';
  let chB = '';
  let family: { id: string; ref: string; channelId: string };
  let retentionDays = 0;

  beforeAll(async () => {
    t = await startTestApp();
    w = new World(t);
    await w.agreement();
    council = await w.agency('Council');
    police = await w.agency('Police', { sector: 'police' });
    admin = await w.person(council, 'isa_admin');
    alice = await w.person(council, 'practitioner', 'alice');
    bob = await w.person(police, 'practitioner', 'bob');
    aliceS = await secureSession(alice.client, 'alice laptop', t);
    bobS = await secureSession(bob.client, 'bob laptop', t);
    chA = await aliceS.createChannel({ kind: 'locality_meeting', members: [{ userId: bob.id }] });
    chB = await aliceS.createChannel({ kind: 'locality_meeting', members: [{ userId: bob.id }] });
    family = await alice.client.createFamily();
    retentionDays = Math.max(
      ...(await Promise.all(
        [chA, chB, family.channelId].map(async (c) => (await alice.client.channel(c)).retentionDays),
      )),
    );
  });
  afterAll(async () => {
    aliceS.close();
    bobS.close();
    await t.close();
  });

  const messages = async (channelId: string) =>
    (
      (await t.sql('SELECT seq::int AS seq FROM messages WHERE channel_id = $1 ORDER BY seq', [channelId])).rows as {
        seq: number;
      }[]
    ).map((r) => r.seq);
  const holdCount = async () =>
    ((await t.sql('SELECT count(*)::int AS n FROM legal_holds')).rows[0] as { n: number }).n;
  /** Past every message's expiry so far; then everyone signs in again (the sessions ended meanwhile). */
  const timePasses = async () => {
    t.clock.advance((retentionDays + 1) * DAY);
    await Promise.all([alice, bob].map((p) => p.client.login({ email: p.email, password: p.password })));
    admin = await w.signIn(admin);
  };
  const expire = () => t.app.get(RetentionService).expireMessages();
  const disposalsSince = async (since: string) =>
    (await admin.client.disposals({ from: since })).filter((d) => d.recordClass === 'messages');
  const place = (body: Parameters<typeof admin.client.placeHold>[0]) => admin.client.placeHold(body);

  it('a hold on a channel keeps its messages past their expiry; the others go, with disposal records to match', async () => {
    const hold = await place({ scope: 'channel', channelId: chA, reason: 'Subject access request SAR-12 in progress' });
    expect(hold).toMatchObject({ scope: 'channel', scopeId: chA, releasedAt: null, placedBy: admin.id });
    const kept = await aliceS.send(chA, 'kept under the hold');
    const goes1 = await aliceS.send(chB, 'goes one');
    t.clock.advance(60_000); // so the record's time range has two ends
    const goes2 = await bobS.send(chB, 'goes two');
    const runFrom = t.clock.now();
    await timePasses();

    expect(await expire()).toMatchObject({ messagesDeleted: 2 });
    expect(await messages(chA)).toContain(kept.seq);
    expect(await messages(chB)).toEqual([]);
    const records = await disposalsSince(new Date(runFrom.getTime() + DAY).toISOString());
    expect(records).toEqual([
      expect.objectContaining({
        recordClass: 'messages',
        rule: 'channel_retention',
        channelId: chB,
        // The chat class the messages were kept under (locality meeting chat).
        channelKind: 'locality_meeting',
        count: 2,
        oldestCreatedAt: goes1.createdAt,
        newestCreatedAt: goes2.createdAt,
      }) as DisposalView,
    ]);

    // Released: the next run removes what it kept, and says so.
    const released = await admin.client.releaseHold(hold.id, { reason: 'The request was answered' });
    expect(released).toMatchObject({ releasedBy: admin.id, releaseReason: 'The request was answered' });
    await refused(admin.client.releaseHold(hold.id, { reason: 'again' }), 409, 'hold_released');
    t.clock.advance(60_000);
    const secondRun = t.clock.now().toISOString();
    expect(await expire()).toMatchObject({ messagesDeleted: 1 });
    expect(await messages(chA)).toEqual([]);
    expect(await disposalsSince(secondRun)).toEqual([
      expect.objectContaining({ channelId: chA, count: 1, oldestCreatedAt: kept.createdAt }) as DisposalView,
    ]);
  });

  it('a hold on a family (by its reference), on an agency, or on the whole class of messages keeps what it covers, and only that', async () => {
    const familyHold = await place({ scope: 'family', family: family.ref.toLowerCase(), reason: 'Court proceedings' });
    expect(familyHold.scopeId).toBe(family.id);
    const agencyHold = await place({ scope: 'agency', agencyId: police, reason: 'Police complaint review' });

    // The members of what is held see that it is, and since when, never the reason; others are refused.
    const familySeen = await alice.client.channelHolds(family.channelId);
    expect(familySeen).toEqual([
      { id: familyHold.id, scope: 'family', recordClass: null, placedAt: familyHold.placedAt },
    ]);
    expect(await bob.client.channelHolds(chA)).toEqual([
      expect.objectContaining({ id: agencyHold.id, scope: 'agency' }),
    ]);
    expect(await alice.client.channelHolds(chB)).toEqual([expect.objectContaining({ id: agencyHold.id })]);
    await refused(bob.client.channelHolds(family.channelId), 403, 'not_a_member');

    const inFamily = await aliceS.send(family.channelId, 'in the family channel');
    const byPolice = await bobS.send(chA, 'written by the police officer');
    const byCouncil = await aliceS.send(chA, 'written by the council worker');
    await timePasses();
    await expire();
    expect(await messages(family.channelId)).toContain(inFamily.seq);
    expect(await messages(chA)).toEqual([byPolice.seq]);
    expect(byCouncil.seq).not.toBe(byPolice.seq);

    // The whole class: nothing expires at all while it stands.
    const classHold = await place({ scope: 'class', recordClass: 'messages', reason: 'Inquiry: preserve everything' });
    const anywhere = await aliceS.send(chB, 'kept by the class hold');
    await timePasses();
    expect(await expire()).toMatchObject({ messagesDeleted: 0 });
    expect(await messages(chB)).toEqual([anywhere.seq]);

    // Released in turn: each lets go of exactly what only it kept.
    await admin.client.releaseHold(classHold.id, { reason: 'Inquiry closed' });
    await expire();
    expect(await messages(chB)).toEqual([]);
    expect(await messages(chA)).toEqual([byPolice.seq]);
    await admin.client.releaseHold(agencyHold.id, { reason: 'Review finished' });
    await expire();
    expect(await messages(chA)).toEqual([]);
    expect(await messages(family.channelId)).toContain(inFamily.seq);
    await admin.client.releaseHold(familyHold.id, { reason: 'Proceedings ended' });
    await expire();
    expect(await messages(family.channelId)).toEqual([]);

    const all = await admin.client.holds({ active: 'false' });
    expect(all.every((h: HoldView) => h.releasedAt !== null)).toBe(true);
    expect(await admin.client.holds()).toEqual([]);
  });

  it('only an ISA administrator places or releases a hold; bad or unknown scopes change nothing, in plain words', async () => {
    const dpLead = await w.person(police, 'agency_admin');
    const practitioner = await w.person(council, 'practitioner');
    const before = await holdCount();
    const body = { scope: 'channel' as const, channelId: chB, reason: 'x' };
    await refused(practitioner.client.placeHold(body), 403, 'forbidden_role');
    await refused(dpLead.client.placeHold(body), 403, 'forbidden_role');
    await refused(practitioner.client.holds(), 403, 'forbidden_role');
    await expect(dpLead.client.holds()).resolves.toEqual([]);
    await expect(dpLead.client.disposals()).resolves.toEqual(expect.any(Array));

    await refused(place({ scope: 'channel', channelId: chB, reason: '   ' }), 400, 'validation_failed');
    await refused(place({ scope: 'family', family: 'EH-1999-9999', reason: 'r' }), 404, 'not_found');
    await refused(
      place({ scope: 'channel', channelId: '00000000-0000-4000-8000-000000000000', reason: 'r' }),
      404,
      'not_found',
    );
    const odd = await fetch(`${t.baseUrl}/api/holds`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin.client.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ scope: 'planet', reason: 'r' }),
    });
    expect(odd.status).toBe(400);
    expect(((await odd.json()) as { error: { message: string } }).error.message).not.toMatch(/path parameter/i);
    await refused(
      admin.client.disposals({ from: '2026-12-10T00:00:00Z', to: '2026-12-01T00:00:00Z' }),
      400,
      'validation_failed',
    );
    expect(await holdCount()).toBe(before);
  });

  it('the CLI: place a hold on a family by reference, list it, release it after a question; disposals listed and exported', async () => {
    const home = await mkdtemp(path.join(os.tmpdir(), 'sr-holds-cli-'));
    try {
      t.clock.advance(30_000);
      const login = await cli(home, t, ['login', '--email', admin.email], {
        STRONGROOM_PASSWORD: admin.password,
        STRONGROOM_TOTP: await totpAt(admin.totpSecret!, t),
      });
      expect(login.code).toBe(0);
      const placed = await cli(home, t, ['holds', 'place', '--family', family.ref, '--reason', 'Court order 14 Nov']);
      expect(placed).toMatchObject({ code: 0 });
      expect(placed.out).toContain('will not expire until it is released');
      const both = await cli(home, t, [
        'holds',
        'place',
        '--family',
        family.ref,
        '--class',
        'messages',
        '--reason',
        'r',
      ]);
      expect(both.code).toBe(2);
      expect(both.err).toContain('exactly one of --channel, --family, --agency or --class');
      const agency = await cli(home, t, ['--json', 'holds', 'place', '--agency', 'Police', '--reason', 'Review']);
      expect(json<HoldView>(agency)).toMatchObject({ scope: 'agency', scopeId: police });

      const list = await cli(home, t, ['holds', 'list']);
      expect(list.out).toContain('everything written by Police');
      expect(list.out).toContain('Court order 14 Nov');
      const id = json<HoldView>(agency).id;
      const noTerminal = await cli(home, t, ['holds', 'release', id.slice(0, 8), '--reason', 'done']);
      expect(noTerminal.code).toBe(2);
      expect(noTerminal.err).toContain('add --yes');
      expect((await admin.client.holds()).some((h) => h.id === id)).toBe(true);
      const released = await cli(home, t, ['holds', 'release', id.slice(0, 8), '--reason', 'done'], {}, ['y']);
      expect(released).toMatchObject({ code: 0 });
      expect((await admin.client.holds()).some((h) => h.id === id)).toBe(false);

      const disposals = await cli(home, t, ['disposals', 'list', '--class', 'messages']);
      expect(disposals.out).toMatch(/messages \(locality meeting chat\)\s+retention period/);
      const csvFile = path.join(home, 'disposals.csv');
      expect((await cli(home, t, ['disposals', 'export', '--out', csvFile])).code).toBe(0);
      const csv = (await readFile(csvFile, 'utf8')).trim().split('\r\n');
      expect(csv[0]).toBe('id,runAt,recordClass,rule,channelId,channelKind,count,oldestCreatedAt,newestCreatedAt');
      const all = await admin.client.disposals({ limit: 5000 });
      expect(csv.length - 1).toBe(all.length);
      expect(csv.slice(1).reduce((n, line) => n + Number(line.split(',')[6]), 0)).toBe(
        all.reduce((n, d) => n + d.count, 0),
      );
      const again = await cli(home, t, ['disposals', 'export', '--out', csvFile]);
      expect(again.code).toBe(2);
      expect(again.err).toContain('already exists');
      const jsonFile = path.join(home, 'disposals.json');
      expect((await cli(home, t, ['disposals', 'export', '--format', 'json', '--out', jsonFile])).code).toBe(0);
      expect(JSON.parse(await readFile(jsonFile, 'utf8'))).toEqual(all);
      // One class only, as `disposals list --class` takes it.
      const filesFile = path.join(home, 'disposals-files.json');
      const files = await cli(home, t, [
        'disposals',
        'export',
        '--class',
        'attachments',
        '--format',
        'json',
        '--out',
        filesFile,
      ]);
      expect(files.code).toBe(0);
      expect(JSON.parse(await readFile(filesFile, 'utf8'))).toEqual(all.filter((d) => d.recordClass === 'attachments'));
      expect((await cli(home, t, ['disposals', 'export', '--class', 'letters', '--out', filesFile])).code).toBe(2);
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });

  it('in the database, a hold can only be released, once, and disposal records never change', async () => {
    const hold = await place({ scope: 'channel', channelId: chB, reason: 'Kept for the database test' });
    for (const sql of [
      'DELETE FROM legal_holds WHERE id = $1',
      "UPDATE legal_holds SET reason = 'rewritten' WHERE id = $1",
      "UPDATE legal_holds SET scope_id = NULL, scope = 'class', record_class = 'attachments' WHERE id = $1",
    ]) {
      await expect(t.sql(sql, [hold.id])).rejects.toThrow(/can only be released, once/);
    }
    await expect(t.sql('TRUNCATE legal_holds CASCADE')).rejects.toThrow(/can only be released, once/);
    await admin.client.releaseHold(hold.id, { reason: 'Done' });
    await expect(
      t.sql('UPDATE legal_holds SET released_at = NULL, released_by = NULL WHERE id = $1', [hold.id]),
    ).rejects.toThrow(/can only be released, once/);
    for (const sql of [
      'UPDATE disposal_records SET count = count + 1',
      'DELETE FROM disposal_records',
      'TRUNCATE disposal_records',
    ]) {
      await expect(t.sql(sql)).rejects.toThrow(/append-only/);
    }
    expect((await admin.client.holds({ active: 'false' })).find((h) => h.id === hold.id)).toMatchObject({
      reason: 'Kept for the database test',
      releaseReason: 'Done',
    });
  });

  it('placing and releasing are audited with ids only: the reason stays with the hold', async () => {
    const reason = `Reason ${Math.random().toString(36).slice(2)}`;
    const hold = await place({ scope: 'channel', channelId: chB, reason });
    await admin.client.releaseHold(hold.id, { reason: `${reason} released` });
    const { rows } = await t.sql(
      'SELECT action, details::text AS details FROM audit_events WHERE target_id = $1 ORDER BY seq',
      [hold.id],
    );
    expect((rows as { action: string }[]).map((r) => r.action)).toEqual([
      'retention.hold_placed',
      'retention.hold_released',
    ]);
    expect(JSON.stringify(rows)).not.toContain(reason);
  });
  it('a hold placed again after its answer was lost is the same hold, never a second one', async () => {
    const proxy = await FlakyProxy.start(t.baseUrl);
    try {
      // The server stores the first attempt and the answer never arrives: the SDK asks again, same id.
      let lost = 0;
      proxy.rule = (r) => (r.method === 'POST' && r.path === '/api/holds' && lost++ === 0 ? 'lose-reply' : 'pass');
      const before = await holdCount();
      const viaProxy = new StrongroomClient(proxy.url, admin.client.token);
      const hold = await viaProxy.placeHold({ scope: 'channel', channelId: chB, reason: 'Complaint review' });
      expect(proxy.seen.filter((r) => r.path === '/api/holds').map((r) => r.action)).toEqual(['lose-reply', 'pass']);
      expect(await holdCount()).toBe(before + 1);
      const placed = await t.sql(
        `SELECT count(*)::int AS n FROM audit_events WHERE action = 'retention.hold_placed' AND target_id = $1`,
        [hold.id],
      );
      expect(placed.rows[0]).toEqual({ n: 1 });

      // The same id with a different hold is refused and changes nothing.
      await refused(
        admin.client.placeHold({ id: hold.id, scope: 'channel', channelId: chA, reason: 'Something else' }),
        409,
        'record_exists',
      );
      expect(await holdCount()).toBe(before + 1);
      expect((await admin.client.holds()).find((h) => h.id === hold.id)).toMatchObject({
        scopeId: chB,
        reason: 'Complaint review',
      });
      await admin.client.releaseHold(hold.id, { reason: 'Review finished' });
    } finally {
      await proxy.close();
    }
  });
});
