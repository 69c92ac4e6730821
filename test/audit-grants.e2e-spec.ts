import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ServerEventPayloads } from '../contracts/realtime.js';
import { RealtimeConnection, submitReferral, type GrantView, type SecureSession } from '../client/sdk/index.js';
import { MembershipEnds } from '../src/channels/membership-ends.js';
import { cli, cliAs, cliPerson, json } from './support/cli.js';
import { eventually } from './support/eventually.js';
import { refused } from './support/refused.js';
import { secureSession } from './support/secure.js';
import { startInstance, startTestApp, type TestApp } from './support/test-app.js';
import { totpAt, World, type Person } from './support/world.js';

const MINUTE = 60_000;
const DAY = 86_400_000;

/** A raw socket of one person's session on one instance, recording what it hears. */
interface Listener {
  rt: RealtimeConnection;
  messages: number[];
  added: ServerEventPayloads['member.added'][];
  removed: ServerEventPayloads['member.removed'][];
}

async function listen(baseUrl: string, token: string): Promise<Listener> {
  const rt = new RealtimeConnection(baseUrl, token, { reconnection: false });
  const l: Listener = { rt, messages: [], added: [], removed: [] };
  rt.on('message.new', (m) => l.messages.push(m.message.seq)); // and each of a messages.new
  rt.socket.on('member.added', (e) => l.added.push(e));
  rt.socket.on('member.removed', (e) => l.removed.push(e));
  await rt.connect();
  return l;
}

/**
 * Time-limited audit access (issue 16; ISA 6.1), through the real API, SDK and sockets, with two server
 * instances on one database: an auditor asks for a case with a purpose (kept with the grant, never in the
 * audit log), an ISA administrator approves it with a bounded end time, the auditor becomes a visible,
 * read-only observer until then and reads older messages only once a member's client shares the keys;
 * at the end (or when ended early) the auditor is removed on every instance and the next key leaves
 * their devices out. Auditors can never send, delete, add files or add to a plan, nor see other cases.
 */
describe('audit grants: time-limited, read-only access for auditors', () => {
  let t: TestApp;
  let w: World;
  let second: Awaited<ReturnType<typeof startInstance>>;
  let council: string;
  let admin: Person;
  let alice: Person;
  let bob: Person;
  let audrey: Person;
  let otto: Person;
  let aliceS: SecureSession;
  let audreyS: SecureSession;
  let caseChannel = '';
  let otherChannel = '';
  let family: { id: string; ref: string; channelId: string };
  const sockets: Listener[] = [];
  const sessions: SecureSession[] = [];
  const purpose = 'Quality review of referral handling, sample 7 (private purpose text)';

  const inFuture = (ms: number) => new Date(t.clock.now().getTime() + ms).toISOString();
  const grantRows = async () =>
    ((await t.sql('SELECT count(*)::int AS n FROM audit_grants')).rows[0] as { n: number }).n;
  const memberRow = async (channelId: string, userId: string) =>
    (
      await t.sql('SELECT role, ends_at FROM channel_members WHERE channel_id = $1 AND user_id = $2', [
        channelId,
        userId,
      ])
    ).rows[0] as { role: string; ends_at: Date } | undefined;

  beforeAll(async () => {
    t = await startTestApp();
    second = await startInstance(t.databaseUrl, t.clock);
    w = new World(t);
    await w.agreement();
    council = await w.agency('Council');
    const police = await w.agency('Police', { sector: 'police' });
    admin = await w.person(council, 'isa_admin', 'admin');
    alice = await w.person(council, 'practitioner', 'alice');
    bob = await w.person(police, 'practitioner', 'bob');
    audrey = await w.person(council, 'auditor', 'audrey');
    otto = await w.person(council, 'auditor', 'otto');
    aliceS = await secureSession(alice.client, 'alice laptop', t);
    audreyS = await secureSession(audrey.client, 'audrey laptop', t);
    sessions.push(aliceS, audreyS);
    caseChannel = await aliceS.createChannel({ kind: 'locality_meeting', members: [{ userId: bob.id }] });
    otherChannel = await aliceS.createChannel({ kind: 'locality_meeting', members: [{ userId: bob.id }] });
    family = await alice.client.createFamily();
    await aliceS.send(caseChannel, 'said before the audit');
    await aliceS.send(otherChannel, 'another case entirely');
  });
  afterAll(async () => {
    for (const l of sockets) l.rt.close();
    for (const s of sessions) s.close();
    await second.app.close();
    await t.close();
  });

  it('only an auditor asks, for themself; the purpose stays with the grant and never reaches the audit log', async () => {
    const before = await grantRows();
    await refused(
      alice.client.requestGrant({ kind: 'channel', channelId: caseChannel, purpose }),
      403,
      'forbidden_role',
    );
    await refused(
      admin.client.requestGrant({ kind: 'channel', channelId: caseChannel, purpose }),
      403,
      'forbidden_role',
    );
    await refused(audrey.client.requestGrant({ kind: 'channel', channelId: randomUUID(), purpose }), 404, 'not_found');
    await refused(audrey.client.requestGrant({ kind: 'family', family: 'EH-1999-9999', purpose }), 404, 'not_found');
    await refused(audrey.client.requestGrant({ kind: 'referral', referral: 'MASH-1999-1', purpose }), 404, 'not_found');
    expect(await grantRows()).toBe(before);

    const grant = await audrey.client.requestGrant({ kind: 'family', family: family.ref, purpose });
    expect(grant).toMatchObject({
      auditorId: audrey.id,
      caseKind: 'family',
      caseRef: family.ref,
      channelIds: [family.channelId],
      status: 'requested',
      purpose,
      endsAt: null,
    });
    const { rows } = await t.sql("SELECT details::text AS d FROM audit_events WHERE action LIKE 'audit_grant.%'");
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows as { d: string }[]) expect(r.d).not.toContain('private purpose');
  });

  it('only an ISA administrator decides, within bounds, never on their own access; refusals change nothing', async () => {
    const grant = await audrey.client.requestGrant({ kind: 'channel', channelId: caseChannel, purpose });
    await refused(audrey.client.approveGrant(grant.id, { endsAt: inFuture(DAY) }), 403, 'forbidden_role');
    await refused(alice.client.approveGrant(grant.id, { endsAt: inFuture(DAY) }), 403, 'forbidden_role');
    await refused(admin.client.approveGrant(grant.id, { endsAt: inFuture(-MINUTE) }), 400, 'validation_failed');
    await refused(admin.client.approveGrant(grant.id, { endsAt: inFuture(91 * DAY) }), 400, 'validation_failed');
    await refused(admin.client.approveGrant(randomUUID(), { endsAt: inFuture(DAY) }), 404, 'not_found');
    expect(await memberRow(caseChannel, audrey.id)).toBeUndefined();
    expect((await admin.client.grants()).find((g) => g.id === grant.id)?.status).toBe('requested');

    // A grant naming the deciding administrator as its auditor (written straight into the database, as no
    // account is both): refused, however it came about.
    const { rows } = await t.sql(
      `INSERT INTO audit_grants (auditor_id, case_kind, case_id, channel_id, purpose, status, requested_at)
       VALUES ($1, 'channel', $2, $2, 'self', 'requested', now()) RETURNING id`,
      [admin.id, otherChannel],
    );
    const own = (rows[0] as { id: string }).id;
    await refused(admin.client.approveGrant(own, { endsAt: inFuture(DAY) }), 403, 'own_grant');
    await refused(admin.client.refuseGrant(own), 403, 'own_grant');
    expect(await memberRow(otherChannel, admin.id)).toBeUndefined();

    const refusedGrant = await admin.client.refuseGrant(grant.id);
    expect(refusedGrant).toMatchObject({ status: 'refused', decidedBy: admin.id, endsAt: null });
    await refused(admin.client.approveGrant(grant.id, { endsAt: inFuture(DAY) }), 409, 'grant_decided');
    await refused(admin.client.endGrant(grant.id), 409, 'grant_not_live');
    expect(await memberRow(caseChannel, audrey.id)).toBeUndefined();
  });

  it('an auditor lists only their own grants; an ISA administrator lists everyone’s', async () => {
    const ottos = await otto.client.requestGrant({ kind: 'channel', channelId: otherChannel, purpose: 'otto’s' });
    const mine = await audrey.client.grants();
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((g) => g.auditorId === audrey.id)).toBe(true);
    expect((await otto.client.grants()).map((g) => g.id)).toEqual([ottos.id]);
    const all = await admin.client.grants();
    expect(all.map((g) => g.id)).toEqual(expect.arrayContaining([ottos.id, ...mine.map((g) => g.id)]));
    expect((await admin.client.grants({ status: 'requested' })).every((g) => g.status === 'requested')).toBe(true);
    await refused(alice.client.grants(), 403, 'forbidden_role');
  });

  let grant: GrantView;
  let endsAt: Date;

  it('approval makes the auditor a visible observer until the end, told to every member; older messages need a share', async () => {
    const request = await audrey.client.requestGrant({ kind: 'channel', channelId: caseChannel, purpose });
    const aliceHears = await listen(second.baseUrl, alice.client.token!);
    sockets.push(aliceHears);
    endsAt = new Date(t.clock.now().getTime() + 10 * MINUTE);
    grant = await admin.client.approveGrant(request.id, { endsAt: endsAt.toISOString() });
    expect(grant).toMatchObject({ status: 'approved', decidedBy: admin.id, endsAt: endsAt.toISOString() });
    await eventually(() =>
      expect(aliceHears.added).toEqual([
        { channelId: caseChannel, userId: audrey.id, role: 'observer', endsAt: endsAt.toISOString() },
      ]),
    );
    const view = await bob.client.channel(caseChannel);
    expect(view.members.find((m) => m.userId === audrey.id)).toMatchObject({
      role: 'observer',
      endsAt: endsAt.toISOString(),
    });
    const { rows } = await t.sql(
      "SELECT details FROM audit_events WHERE action = 'audit_grant.approved' AND target_id = $1",
      [grant.id],
    );
    expect(
      (rows as { details: Record<string, unknown> }[]).map((r) => [r.details.auditorId, r.details.channelId]),
    ).toEqual([[audrey.id, caseChannel]]);

    // From the approval on the auditor reads what is said; the older message only once shared.
    await aliceS.send(caseChannel, 'said during the audit');
    expect((await audreyS.readAll(caseChannel)).map((m) => m.content?.body)).toEqual(['said during the audit']);
    const shared = await aliceS.shareGrantHistory(grant);
    expect(Object.keys(shared)).toEqual([caseChannel]);
    expect(shared[caseChannel]).toBeGreaterThan(0);
    expect((await audreyS.readAll(caseChannel)).map((m) => m.content?.body)).toEqual([
      'said before the audit',
      'said during the audit',
    ]);
    const shares = await t.sql(
      "SELECT count(*)::int AS n FROM audit_events WHERE action = 'channel.history_shared' AND target_id = $1",
      [caseChannel],
    );
    expect(shares.rows[0]).toEqual({ n: 1 });
  });

  it('the auditor cannot send, delete, add files or add to a plan, nor see any other case', async () => {
    await refused(audreyS.send(caseChannel, 'an auditor speaking'), 403, 'observer_read_only');
    const [said] = await aliceS.readAll(caseChannel);
    await refused(audrey.client.deleteMessage(caseChannel, said.seq), 403, 'not_your_message');
    const data = new TextEncoder().encode('auditor notes');
    await refused(
      audreyS.uploadFile(
        caseChannel,
        (async function* () {
          yield await Promise.resolve(data);
        })(),
        { name: 'notes.txt', size: data.length },
      ),
      403,
      'observer_read_only',
    );
    await refused(audrey.client.messages(otherChannel), 403, 'not_a_member');
    await refused(audrey.client.channel(otherChannel), 403, 'not_a_member');
    await refused(audrey.client.family(family.id), 403, 'not_a_member');
    expect((await audrey.client.channels()).map((c) => c.id)).toEqual([caseChannel]);
    expect(
      await t.sql('SELECT 1 FROM messages WHERE channel_id = $1 AND sender_user_id = $2', [caseChannel, audrey.id]),
    ).toMatchObject({ rows: [] });
  });

  it('on a family grant the auditor reads the case but cannot add to its plan', async () => {
    const request = await audrey.client.requestGrant({ kind: 'family', family: family.id, purpose });
    const familyGrant = await admin.client.approveGrant(request.id, { endsAt: inFuture(5 * MINUTE) });
    expect(familyGrant.channelIds).toEqual([family.channelId]);
    expect((await audrey.client.family(family.id)).ref).toBe(family.ref);
    await aliceS.send(family.channelId, 'family channel, new key');
    const progress = async (s: SecureSession, p: Person) =>
      p.client.reportPlanProgress(family.id, {
        objective: 'A'.repeat(22),
        kind: 'professional',
        report: await s.sealField(family.channelId, 'plan-progress', { text: 'x' }, { recordId: randomUUID() }),
      });
    await refused(progress(audreyS, audrey), 403, 'observer_read_only');
    // The same request from a member who may contribute gets past that rule (there is no plan yet).
    await refused(progress(aliceS, alice), 409, 'no_plan');
    const ended = await admin.client.endGrant(familyGrant.id);
    expect(ended).toMatchObject({ status: 'ended', endedBy: admin.id });
    await refused(audrey.client.family(family.id), 403, 'membership_ended');
    expect(await memberRow(family.channelId, audrey.id)).toBeUndefined();
    await refused(admin.client.endGrant(familyGrant.id), 409, 'grant_not_live');
  });

  it('a referral is found by its reference; the approved grant, not the referral’s sharing, admits the auditor', async () => {
    const hubAgency = await w.agency('Compass MASH', { mashHub: true });
    await w.person(hubAgency, 'mash_worker', 'hub');
    const teacher = await w.person(await w.agency('Oak Primary', { sector: 'education' }), 'practitioner', 'teacher');
    const teacherS = await secureSession(teacher.client, 'teacher laptop', t);
    sessions.push(teacherS);
    const { receipt, channelId } = await submitReferral(teacherS, {
      categories: ['neglect'],
      urgency: 'urgent',
      familyConsent: 'given',
      subjects: [{ role: 'child', name: 'A Child', dateOfBirth: '2016-02-03' }],
      content: { concern: 'Arrives hungry most mornings.' },
    });
    const request = await audrey.client.requestGrant({ kind: 'referral', referral: receipt.ref!, purpose });
    expect(request).toMatchObject({ caseKind: 'referral', caseRef: receipt.ref, channelIds: [channelId] });
    // The hub never shared the referral with the auditor's agency, and a practitioner of that agency cannot
    // be added; the approved grant is the basis instead (ISA 6.1), so the auditor joins, read-only.
    const approved = await admin.client.approveGrant(request.id, { endsAt: inFuture(5 * MINUTE) });
    expect(approved.status).toBe('approved');
    expect(await memberRow(channelId, audrey.id)).toMatchObject({ role: 'observer' });
    const added = await t.sql(
      `SELECT details FROM audit_events WHERE action = 'channel.member_added' AND target_id = $1 ORDER BY seq DESC LIMIT 1`,
      [channelId],
    );
    expect(added.rows[0]).toEqual({
      details: { userId: audrey.id, role: 'observer', basis: 'audit_grant', grantId: request.id },
    });
    await refused(audreyS.send(channelId, 'an auditor speaking'), 403, 'observer_read_only');
    await admin.client.endGrant(request.id);
    expect(await memberRow(channelId, audrey.id)).toBeUndefined();
  });

  it('an auditor the chair removes from the case has access ended: the grant reads so and cannot be ended again', async () => {
    const channelId = await aliceS.createChannel({ kind: 'locality_meeting', members: [{ userId: bob.id }] });
    const request = await audrey.client.requestGrant({ kind: 'channel', channelId, purpose });
    expect((await admin.client.approveGrant(request.id, { endsAt: inFuture(DAY) })).status).toBe('approved');
    await alice.client.removeMember(channelId, audrey.id);
    expect((await audrey.client.grants()).find((g) => g.id === request.id)?.status).toBe('ended');
    expect((await admin.client.grants({ status: 'ended' })).map((g) => g.id)).toContain(request.id);
    await refused(admin.client.endGrant(request.id), 409, 'grant_not_live');
  });

  it('the CLI: an auditor asks, an administrator approves after a question and ends it; the chair shares older messages', async () => {
    const homes: string[] = [];
    try {
      const carol = await cliPerson(t, w, council, 'carol', homes);
      const made = await cliAs(t, carol, ['--json', 'channels', 'create', '--kind', 'locality_meeting']);
      expect(made).toMatchObject({ code: 0, err: '' });
      const channelId = json<{ id: string }>(made).id;
      expect((await cliAs(t, carol, ['send', channelId, 'carol before the audit'])).code).toBe(0);

      /** A CLI home signed in as a person whose role needs a second factor. */
      const signedIn = async (p: Person) => {
        const home = await mkdtemp(path.join(os.tmpdir(), 'sr-grants-'));
        homes.push(home);
        t.clock.advance(30_000);
        const login = await cli(home, t, ['login', '--email', p.email], {
          STRONGROOM_PASSWORD: p.password,
          STRONGROOM_TOTP: await totpAt(p.totpSecret!, t),
        });
        expect(login.code).toBe(0);
        return home;
      };
      const [adminHome, audreyHome] = [await signedIn(admin), await signedIn(audrey)];

      expect((await cli(audreyHome, t, ['grants', 'request', '--purpose', 'no case'])).code).toBe(2);
      const asked = await cli(audreyHome, t, [
        '--json',
        'grants',
        'request',
        '--channel',
        channelId,
        '--purpose',
        'CLI review',
      ]);
      expect(asked.code).toBe(0);
      const id = json<GrantView>(asked).id;
      const pending = await cli(adminHome, t, ['grants', 'list', '--status', 'requested']);
      expect(pending.out).toContain('audrey person');
      expect(pending.out).toContain('CLI review');

      const until = new Date(t.clock.now().getTime() + 2 * DAY).toISOString().slice(0, 10);
      const unasked = await cli(adminHome, t, ['grants', 'approve', id.slice(0, 8), '--until', until]);
      expect(unasked.code).toBe(2);
      expect(await memberRow(channelId, audrey.id)).toBeUndefined();
      const approved = await cli(adminHome, t, ['grants', 'approve', id.slice(0, 8), '--until', until], {}, ['y']);
      expect(approved).toMatchObject({ code: 0 });
      expect(approved.out).toContain('can read channel');
      expect(approved.out).toContain(`strongroom grants share ${channelId}`);
      const shown = await cliAs(t, carol, ['channels', 'show', channelId]);
      expect(shown.out).toMatch(/Auditor audrey person \(Council\) can read this channel, read-only, until \d{4}-/);

      expect((await audreyS.readAll(channelId)).map((m) => m.content?.body)).toEqual([]);
      const shared = await cliAs(t, carol, ['grants', 'share', channelId, audrey.email, '--yes']);
      expect(shared).toMatchObject({ code: 0 });
      expect((await audreyS.readAll(channelId)).map((m) => m.content?.body)).toEqual(['carol before the audit']);
      const notAuditor = await cliAs(t, carol, ['grants', 'share', channelId, alice.email, '--yes']);
      expect(notAuditor.code).toBe(2);

      expect((await cli(audreyHome, t, ['grants', 'approve', id, '--until', until, '--yes'])).code).toBe(1);
      const ended = await cli(adminHome, t, ['grants', 'end', id.slice(0, 8), '--yes']);
      expect(ended).toMatchObject({ code: 0 });
      expect(await memberRow(channelId, audrey.id)).toBeUndefined();
      const mine = json<GrantView[]>(await cli(audreyHome, t, ['--json', 'grants', 'list']));
      expect(mine.find((g) => g.id === id)?.status).toBe('ended');
      expect(mine.every((g) => g.auditorId === audrey.id)).toBe(true);
      expect((await cli(adminHome, t, ['grants', 'end', id, '--yes'])).code).toBe(1);
    } finally {
      for (const h of homes) await rm(h, { recursive: true, force: true });
    }
  });

  it('at the end time, instance A’s job removes the auditor: their socket on instance B stops hearing, and the next key leaves them out', async () => {
    // Only the first instance's timer runs: the second one's is stopped, so the end is A's doing.
    second.app.get(MembershipEnds).onApplicationShutdown();
    const onB = await listen(second.baseUrl, audrey.client.token!);
    sockets.push(onB);
    const during = await aliceS.send(caseChannel, 'heard on B');
    await eventually(() => expect(onB.messages).toContain(during.seq));

    t.clock.set(new Date(endsAt.getTime() + 1));
    await eventually(() =>
      expect(onB.removed.map((e) => [e.channelId, e.reason])).toEqual([[caseChannel, 'membership_ended']]),
    );
    expect(await memberRow(caseChannel, audrey.id)).toBeUndefined();
    expect((await admin.client.grants()).find((g) => g.id === grant.id)?.status).toBe('expired');

    const after = await aliceS.send(caseChannel, 'after the audit');
    expect(after.epoch).toBeGreaterThan(during.epoch);
    const { rows: keys } = await t.sql(
      `SELECT 1 FROM key_envelopes k JOIN devices d ON d.id = k.device_id
        WHERE k.channel_id = $1 AND k.epoch = $2 AND d.user_id = $3`,
      [caseChannel, after.epoch, audrey.id],
    );
    expect(keys).toHaveLength(0);
    await refused(audrey.client.messages(caseChannel), 403, 'membership_ended');
    expect(onB.messages).not.toContain(after.seq);
    await refused(admin.client.endGrant(grant.id), 409, 'grant_not_live');
  });
});
