import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DataSource } from 'typeorm';
import type { ProgrammeReport, SecureSession } from '../client/sdk/index.js';
import { AgencyWithdrawalsService } from '../src/agencies/agency-withdrawals.service.js';
import { ProgrammeReadModel } from '../src/reports/programme.read-model.js';
import { cli, json } from './support/cli.js';
import { behindTheTriggersBack, countOf } from './support/db.js';
import { refused } from './support/refused.js';
import { secureSession } from './support/secure.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { type Person, totpAt, World } from './support/world.js';

const DAY = 86_400_000;

const quarterOf = (d: Date) => `${d.getUTCFullYear()}-Q${Math.floor(d.getUTCMonth() / 3) + 1}`;

/**
 * The ISA review report (clause 11) through the real API on a real database: each section shows what was
 * done (a withdrawal pending and one done, an overdue action, a disposal run, a hold in force, a signed
 * head), the audit log's check turns bad when a row is changed behind the server's back, only ISA
 * administrators and auditors get it, and producing it is audited with its period.
 */
describe('the ISA review report', () => {
  let t: TestApp;
  let w: World;
  let council: string;
  let police: string;
  let school: string;
  let leaving: string;
  let admin: Person;
  let auditor: Person;
  let policeAdmin: Person;
  let alice: Person;
  let bob: Person;
  let aliceS: SecureSession;

  beforeAll(async () => {
    t = await startTestApp();
    w = new World(t);
    await w.agreement();
    council = await w.agency('Council');
    police = await w.agency('Police', { sector: 'police' });
    school = await w.agency('School', { sector: 'education' });
    leaving = await w.agency('Leaving Charity', { sector: 'voluntary' });
    admin = await w.person(council, 'isa_admin');
    auditor = await w.person(council, 'auditor');
    policeAdmin = await w.person(police, 'agency_admin', 'padmin');
    alice = await w.person(council, 'practitioner', 'alice');
    bob = await w.person(police, 'practitioner', 'bob');
    aliceS = await secureSession(alice.client, 'alice laptop', t);
  });
  afterAll(async () => {
    aliceS.close();
    await t.close();
  });

  it('shows signatures, withdrawals, disposals, holds, overdue actions and requests by agency and the newest signed head', async () => {
    // A withdrawal done (notice dated 40 days ago, so it took effect) and one pending.
    const backdated = new Date(t.clock.now().getTime() - 40 * DAY).toISOString();
    await admin.client.giveNotice(leaving, backdated, 'Notice letter received by post');
    expect(await t.app.get(AgencyWithdrawalsService).applyDue()).toEqual([leaving]);
    await admin.client.giveNotice(school);
    // An action owned by the police, due tomorrow, that nobody finishes.
    const channelId = await aliceS.createChannel({ kind: 'locality_meeting', members: [{ userId: bob.id }] });
    const actionId = randomUUID();
    await alice.client.createAction({
      id: actionId,
      channelId,
      description: await aliceS.sealField(channelId, 'action', { text: 'Call the school' }, { recordId: actionId }),
      ownerId: bob.id,
      dueOn: new Date(t.clock.now().getTime() + DAY).toISOString().slice(0, 10),
    });
    // An information request asked of the police, due tomorrow, that nobody answers.
    const family = await alice.client.createFamily();
    const parent = await alice.client.addFamilyMember(family.id, { role: 'parent' });
    await alice.client.recordConsent(family.id, parent.id, {
      kind: 'share',
      status: 'given',
      givenBy: 'self',
      method: 'written',
      decidedOn: t.clock.now().toISOString().slice(0, 10),
      formVersion: 'EH consent form v3',
      agencyIds: [police],
    });
    await aliceS.sendInformationRequest({
      subject: { kind: 'family', familyId: family.id },
      toAgencyId: police,
      dueAt: new Date(t.clock.now().getTime() + DAY).toISOString(),
      question: 'Anything known about the household?',
      why: 'Planning the family’s support',
    });
    // A disposal run (as the expiry job writes one) and a hold in force; then a signed head.
    const runAt = new Date(t.clock.now().getTime() - DAY);
    await t.sql(
      `INSERT INTO disposal_records (run_at, record_class, rule, channel_id, count, oldest_created_at, newest_created_at)
       VALUES ($1, 'messages', 'channel_retention', $2, 7, $1, $1), ($1, 'messages', 'channel_retention', NULL, 3, $1, $1)`,
      [runAt, channelId],
    );
    const hold = await admin.client.placeHold({ scope: 'agency', agencyId: police, reason: 'Complaint review CR-88' });
    t.clock.advance(3 * DAY);
    admin = await w.signIn(admin);
    auditor = await w.signIn(auditor);
    const { head } = await admin.client.signAuditHead();

    const report = await admin.client.reviewReport();
    expect(report.agreement).toMatchObject({ label: '10.0' });
    expect(report.agencies).toEqual(
      expect.arrayContaining([
        {
          id: council,
          name: 'Council',
          status: 'signed',
          signedVersion: '10.0',
          signedOn: '2020-05-01',
          resignatureDue: false,
        },
        expect.objectContaining({ id: school, status: 'notice_given' }),
        expect.objectContaining({ id: leaving, status: 'withdrawn' }),
      ]),
    );
    expect(report.withdrawals).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ agencyId: school, state: 'pending', withdrawnAt: null }),
        expect.objectContaining({ agencyId: leaving, state: 'done', noticeGivenAt: backdated }),
      ]),
    );
    expect(report.withdrawals).toHaveLength(2);
    expect(report.retention.disposals).toEqual([
      {
        recordClass: 'messages',
        rule: 'channel_retention',
        runs: 1,
        records: 10,
        firstRunAt: runAt.toISOString(),
        lastRunAt: runAt.toISOString(),
      },
    ]);
    expect(report.retention.holdsInForce).toEqual([
      { id: hold.id, scope: 'agency', scopeId: police, recordClass: null, placedAt: hold.placedAt },
    ]);
    expect(JSON.stringify(report)).not.toContain('Complaint review'); // a hold's reason stays with the hold
    expect(report.overdue).toEqual([{ agencyId: police, name: 'Police', actions: 1, informationRequests: 1 }]);
    expect(report.audit.verification).toMatchObject({ ok: true, firstBroken: null });
    expect(report.audit.latestHead).toEqual(head);

    // A period that ends before the disposal run shows none.
    const before = await admin.client.reviewReport({ to: new Date(runAt.getTime() - 1).toISOString() });
    expect(before.retention.disposals).toEqual([]);
    expect(before.withdrawals.map((x) => x.state)).toEqual(['pending']);

    // The auditor reads it too; producing it is audited with the period, never the figures.
    const byAuditor = await auditor.client.reviewReport({ from: report.period.from, to: report.period.to });
    expect(byAuditor.period).toEqual(report.period);
    const events = (
      await t.sql(
        `SELECT actor_user_id, details FROM audit_events WHERE action = 'report.review_produced' ORDER BY seq`,
      )
    ).rows as { actor_user_id: string; details: Record<string, unknown> }[];
    expect(events.map((e) => e.actor_user_id)).toEqual([admin.id, admin.id, auditor.id]);
    expect(events[2].details).toMatchObject({ from: report.period.from, to: report.period.to });
  });

  it('reports the audit log as broken, at the altered event, when a row is changed in the database', async () => {
    const { seq } = (await t.sql(`SELECT max(seq)::int AS seq FROM audit_events`)).rows[0] as { seq: number };
    const target = Math.max(1, seq - 2);
    await behindTheTriggersBack(
      t,
      `UPDATE audit_events SET details = details || '{"x":1}'::jsonb WHERE seq = ${target}`,
    );
    const report = await admin.client.reviewReport();
    expect(report.audit.verification).toMatchObject({
      ok: false,
      firstBroken: { seq: target, reason: 'hash_mismatch' },
    });
  });

  it('the CLI: `reports review` prints the report, writes it as a web page with --html, and --json gives the JSON', async () => {
    const home = await mkdtemp(path.join(os.tmpdir(), 'sr-reports-cli-'));
    try {
      t.clock.advance(30_000);
      const login = await cli(home, t, ['login', '--email', admin.email], {
        STRONGROOM_PASSWORD: admin.password,
        STRONGROOM_TOTP: await totpAt(admin.totpSecret!, t),
      });
      expect(login.code).toBe(0);
      const text = await cli(home, t, [
        'reports',
        'review',
        '--from',
        new Date(t.clock.now().getTime() - 200 * DAY).toISOString().slice(0, 10),
      ]);
      expect(text.err).toBe('');
      expect(text).toMatchObject({ code: 0 });
      expect(text.out).toContain('Leaving Charity');
      expect(text.out).toMatch(/Audit log: Broken at event \d+/);
      const page = path.join(home, 'review.html');
      const withHtml = await cli(home, t, ['--json', 'reports', 'review', '--html', page]);
      expect(withHtml.code).toBe(0);
      expect(json<{ htmlFile: string; agencies: unknown[] }>(withHtml)).toMatchObject({ htmlFile: page });
      const html = await readFile(page, 'utf8');
      expect(html).toContain('<h1>ISA review report</h1>');
      expect(html).toContain('<caption>Legal holds in force</caption>');
      expect(html).toContain('everything written by Police');
      // Not over an existing file without --force; a period that runs backwards is a usage mistake.
      expect((await cli(home, t, ['reports', 'review', '--html', page])).code).toBe(2);
      expect((await cli(home, t, ['reports', 'review', '--from', '2026-02-01', '--to', '2026-01-01'])).code).toBe(2);
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });

  it('is refused to agency administrators and practitioners, and to bad periods, and audits the refusal', async () => {
    policeAdmin = await w.signIn(policeAdmin);
    bob = await w.signIn(bob);
    await refused(policeAdmin.client.reviewReport(), 403, 'forbidden_role');
    await refused(bob.client.reviewReport(), 403, 'forbidden_role');
    await refused(
      admin.client.reviewReport({ from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' }),
      400,
      'validation_failed',
    );
    await refused(
      admin.client.reviewReport({ from: '2010-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z' }),
      400,
      'validation_failed',
    );
    // Only `from`, after now: the default `to` (now) would make the period run backwards.
    const later = new Date(t.clock.now().getTime() + DAY).toISOString();
    await refused(admin.client.reviewReport({ from: later }), 400, 'validation_failed');
    const denied = `SELECT count(*)::int AS n FROM audit_events WHERE action = 'access.denied' AND actor_user_id = $1`;
    expect(await countOf(t, denied, [policeAdmin.id])).toBeGreaterThan(0);
  });
});

/**
 * The programme report (clause 2.2): counts by quarter and locality from metadata only, with small-number
 * suppression through the API (a 4 is hidden; a 5 beside it is withheld, so the 4 cannot be had by
 * subtracting from the total). Families with no locality have their own column. Agency administrators see
 * only their own agency's records, split by locality.
 */
describe('the programme report', () => {
  let t: TestApp;
  let w: World;
  let council: string;
  let police: string;
  let admin: Person;
  let councilAdmin: Person;
  let policeAdmin: Person;
  let alice: Person;
  let bob: Person;
  let auditor: Person;
  let north: string;
  let south: string;

  beforeAll(async () => {
    t = await startTestApp();
    w = new World(t);
    await w.agreement();
    council = await w.agency('Council');
    police = await w.agency('Police', { sector: 'police' });
    admin = await w.person(council, 'isa_admin');
    councilAdmin = await w.person(council, 'agency_admin', 'cadmin');
    policeAdmin = await w.person(police, 'agency_admin', 'padmin');
    alice = await w.person(council, 'practitioner', 'alice');
    bob = await w.person(police, 'practitioner', 'bob');
    auditor = await w.person(council, 'auditor');
    north = (await admin.client.addLocality('North')).id;
    south = (await admin.client.addLocality('South')).id;
  });
  afterAll(async () => {
    await t.close();
  });

  const families = (r: ProgrammeReport) => {
    const m = r.measures.find((x) => x.measure === 'families_supported');
    return m?.quarters.find((q) => q.quarter === quarterOf(t.clock.now()));
  };
  const columns = [
    { id: null as string | null, name: 'North' },
    { id: null as string | null, name: 'South' },
    { id: null, name: 'No locality recorded' },
  ];

  it('shows 5 families of a locality but hides 4 of another as "<5", and withholds the 5 so the 4 is not the total minus the rest', async () => {
    for (let i = 0; i < 5; i++) await alice.client.createFamily({ localityId: north });
    for (let i = 0; i < 4; i++) await bob.client.createFamily({ localityId: south });
    for (let i = 0; i < 5; i++) await alice.client.createFamily(); // no locality: a column of their own
    t.clock.advance(60_000); // the period ends now, exclusive

    const all = await admin.client.programmeReport();
    expect(all.groupBy).toBe('locality');
    columns[0].id = north;
    columns[1].id = south;
    expect(all.groups).toEqual(columns);
    expect(families(all)).toEqual({
      quarter: quarterOf(t.clock.now()),
      rows: [{ category: 'opened', cells: ['withheld', '<5', 5], total: 14 }],
      totals: { cells: ['withheld', '<5', 5], total: 14 },
    });
    // Plans with outcomes met are counted from plan reviews (test/plan-reviews.e2e-spec.ts): nothing is missing.
    expect(all.notAvailable).toEqual([]);
    // Every quarter the period touches is there, empty ones hidden as "<5" (a zero is a small count too).
    expect(all.measures.map((m) => m.quarters.length)).toEqual([5, 5, 5, 5]);
    const referrals = all.measures.find((m) => m.measure === 'referrals_by_decision');
    expect(referrals?.quarters[0].rows.map((r) => r.category)).toEqual([
      'no_further_action',
      'early_help',
      'social_care_assessment',
      'strategy_discussion',
      'signpost',
    ]);
    expect(referrals?.quarters[0].totals.total).toBe('<5');

    // Each agency's data-protection lead sees their own agency's records only, by locality.
    const mine = await councilAdmin.client.programmeReport();
    expect(mine.groups).toEqual(columns);
    expect(families(mine)?.rows).toEqual([{ category: 'opened', cells: ['withheld', '<5', 5], total: 10 }]);
    const theirs = await policeAdmin.client.programmeReport();
    expect(theirs.groups).toEqual(columns);
    expect(families(theirs)?.rows).toEqual([{ category: 'opened', cells: ['<5', '<5', '<5'], total: '<5' }]);

    // A fifth family in the south: every 5 shown.
    await bob.client.createFamily({ localityId: south });
    t.clock.advance(60_000);
    expect(families(await admin.client.programmeReport())?.rows).toEqual([
      { category: 'opened', cells: [5, 5, 5], total: 15 },
    ]);
    expect(
      await countOf(t, `SELECT count(*)::int AS n FROM audit_events WHERE action = 'report.programme_produced'`),
    ).toBe(4);
  });

  it('counts an action by its family’s locality (none for one outside a family’s record), on time or late, narrowed by the owner’s agency', async () => {
    const s = await secureSession(alice.client, 'alice laptop', t);
    try {
      const meeting = await s.createChannel({ kind: 'locality_meeting', members: [{ userId: bob.id }] });
      const family = await alice.client.createFamily({ localityId: north });
      await s.rotate(family.channelId);
      const make = async (channelId: string, ownerId: string, dueInDays: number) => {
        const id = randomUUID();
        await alice.client.createAction({
          id,
          channelId,
          description: await s.sealField(channelId, 'action', { text: 'A visit' }, { recordId: id }),
          ownerId,
          dueOn: new Date(t.clock.now().getTime() + dueInDays * DAY).toISOString().slice(0, 10),
        });
        return id;
      };
      const onTime = await make(meeting, bob.id, 5);
      const late = await make(meeting, bob.id, 1);
      const forFamily = await make(family.channelId, alice.id, 5);
      await bob.client.updateAction(onTime, { updateId: randomUUID(), status: 'done' });
      await alice.client.updateAction(forFamily, { updateId: randomUUID(), status: 'done' });
      t.clock.advance(2 * DAY);
      bob = await w.signIn(bob);
      await bob.client.updateAction(late, { updateId: randomUUID(), status: 'done' });
      const from = new Date(t.clock.now().getTime() - 30 * DAY);
      const to = new Date(t.clock.now().getTime() + 1);
      const m = t.app.get(DataSource).manager;
      const byCategory = (a: { category: string }, b: { category: string }) => a.category.localeCompare(b.category);
      const q = quarterOf(t.clock.now());
      expect((await t.app.get(ProgrammeReadModel).actionsCompleted(m, from, to, null)).sort(byCategory)).toEqual([
        { quarter: q, localityId: null, category: 'late', count: 1 },
        expect.objectContaining({ category: 'on_time' }),
        expect.objectContaining({ category: 'on_time' }),
      ]);
      expect(await t.app.get(ProgrammeReadModel).actionsCompleted(m, from, to, police)).toEqual(
        expect.arrayContaining([
          { quarter: q, localityId: null, category: 'on_time', count: 1 },
          { quarter: q, localityId: null, category: 'late', count: 1 },
        ]),
      );
      // Narrowed to the council, only the family's action, in the north.
      expect(await t.app.get(ProgrammeReadModel).actionsCompleted(m, from, to, council)).toEqual([
        { quarter: q, localityId: north, category: 'on_time', count: 1 },
      ]);
    } finally {
      s.close();
    }
  });

  it('counts a decided referral by the locality of the family it opened, and one with no family under no locality', async () => {
    alice = await w.signIn(alice);
    const s = await secureSession(bob.client, 'bob laptop', t);
    try {
      const family = await alice.client.createFamily({ localityId: south });
      const now = t.clock.now();
      // Two decided referrals (as the hub's decision leaves them): one opened the family, one opened none.
      for (const [n, familyId, decision] of [
        [1, family.id, 'early_help'],
        [2, null, 'signpost'],
      ] as const) {
        const channelId = await s.createChannel({ kind: 'locality_meeting', members: [] });
        await t.sql(
          `INSERT INTO referrals (id, ref, channel_id, hub_agency_id, referrer_user_id, referrer_agency_id, state,
             content, content_epoch, received_at, deadline_at, decision, decided_at, family_id, created_at)
           VALUES (gen_random_uuid(), $1, $2, $3, $4, $3, 'decided', '\\x00', 1, $5, $5, $6, $5, $7, $5)`,
          [`MASH-TEST-${n}`, channelId, police, bob.id, now, decision, familyId],
        );
      }
      const from = new Date(now.getTime() - DAY);
      const to = new Date(now.getTime() + 1);
      const rows = await t.app
        .get(ProgrammeReadModel)
        .referralsDecided(t.app.get(DataSource).manager, from, to, police);
      expect(rows.sort((a, b) => a.category.localeCompare(b.category))).toEqual([
        { quarter: quarterOf(now), localityId: south, category: 'early_help', count: 1 },
        { quarter: quarterOf(now), localityId: null, category: 'signpost', count: 1 },
      ]);
      expect(
        await t.app.get(ProgrammeReadModel).referralsDecided(t.app.get(DataSource).manager, from, to, council),
      ).toEqual([]);
    } finally {
      s.close();
    }
  });

  it('the CLI: `reports programme` shows an agency administrator the columns by locality, and writes a web page', async () => {
    const home = await mkdtemp(path.join(os.tmpdir(), 'sr-programme-cli-'));
    try {
      councilAdmin = await w.signIn(councilAdmin);
      const login = await cli(home, t, ['login', '--email', councilAdmin.email], {
        STRONGROOM_PASSWORD: councilAdmin.password,
        STRONGROOM_TOTP: await totpAt(councilAdmin.totpSecret!, t),
      });
      expect(login.code).toBe(0);
      const text = await cli(home, t, ['reports', 'programme']);
      expect(text).toMatchObject({ code: 0 });
      expect(text.out).toContain('by locality');
      expect(text.out).toMatch(/NORTH +SOUTH +NO LOCALITY RECORDED +ALL/);
      expect(text.out).toContain('Family plans with outcomes met');
      expect(text.out).not.toContain('not available');
      const page = path.join(home, 'programme.html');
      expect((await cli(home, t, ['reports', 'programme', '--html', page])).code).toBe(0);
      const html = await readFile(page, 'utf8');
      expect(html).toContain('<th scope="col">North</th>');
      expect(html).toContain('<th scope="col">No locality recorded</th>');
      expect(html).toContain('<th scope="col">All localities</th>');
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });

  it('is refused to auditors and practitioners', async () => {
    auditor = await w.signIn(auditor);
    alice = await w.signIn(alice);
    await refused(auditor.client.programmeReport(), 403, 'forbidden_role');
    await refused(alice.client.programmeReport(), 403, 'forbidden_role');
  });
});
