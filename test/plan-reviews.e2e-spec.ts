import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { newObjectiveId, type ProgrammeReport, type SecureSession } from '../client/sdk/index.js';
import { ProgrammeReadModel } from '../src/reports/programme.read-model.js';
import { countOf } from './support/db.js';
import { fieldsOf, refused } from './support/refused.js';
import { secureSession } from './support/secure.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { type Person, World } from './support/world.js';

const DAY = 86_400_000;
const quarterOf = (d: Date) => `${d.getUTCFullYear()}-Q${Math.floor(d.getUTCMonth() / 3) + 1}`;

/**
 * Reviews of the whole-family plan (issue 16), on a real server, PostgreSQL and the SDK: the lead worker or the
 * chair of the family's channel records which version was reviewed, on which day, and whether its outcomes were
 * met; why is a sealed note. The outcome is plain metadata, so the programme report counts "plans with outcomes
 * met" by quarter and locality (each family's latest review in the quarter), with small numbers suppressed.
 */
describe('plan reviews', () => {
  let t: TestApp;
  let w: World;
  let council: string;
  let police: string;
  let alice: Person;
  let bob: Person;
  let carol: Person;
  let outsider: Person;
  let aliceS: SecureSession;
  let bobS: SecureSession;
  const sessions: SecureSession[] = [];
  const f = { id: '', channelId: '' };
  let childId = '';

  const today = () => t.clock.now().toISOString().slice(0, 10);
  const dayOffset = (days: number) => new Date(t.clock.now().getTime() + days * DAY).toISOString().slice(0, 10);
  const document = { objectives: [{ id: newObjectiveId(), objective: 'Sam attends school every day' }] };
  const save = (s: SecureSession, family: { id: string; channelId: string }, baseVersion: number, member: string) =>
    s.savePlan(family, { baseVersion, document, reviewOn: dayOffset(60), coveredMemberIds: [member] });

  beforeAll(async () => {
    t = await startTestApp();
    w = new World(t);
    await w.agreement();
    council = await w.agency('Council');
    police = await w.agency('Police', { sector: 'police' });
    alice = await w.person(council, 'practitioner', 'alice');
    bob = await w.person(council, 'practitioner', 'bob');
    carol = await w.person(council, 'practitioner', 'carol');
    outsider = await w.person(council, 'practitioner', 'outsider');
    aliceS = await secureSession(alice.client, 'alice laptop', t);
    bobS = await secureSession(bob.client, 'bob laptop', t);
    sessions.push(aliceS, bobS);
    const family = await alice.client.createFamily();
    Object.assign(f, { id: family.id, channelId: family.channelId });
    childId = (await alice.client.addFamilyMember(f.id, { role: 'child' })).id;
    await alice.client.addMember(f.channelId, { userId: bob.id });
    await alice.client.addMember(f.channelId, { userId: carol.id });
    await aliceS.rotate(f.channelId);
  });
  afterAll(async () => {
    for (const s of sessions) s.close();
    await t.close();
  });

  it('is refused until the family has a plan', async () => {
    const err = await refused(
      alice.client.recordPlanReview(f.id, { id: randomUUID(), planVersion: 1, outcome: 'met', reviewedOn: today() }),
      409,
      'no_plan',
    );
    expect(err.message).toMatch(/Write the family’s plan/);
  });

  it('the lead worker records a review with a sealed note; a retry answers with the one stored, a different one under its id is refused', async () => {
    await save(aliceS, f, 0, childId);
    t.clock.advance(60_000);
    const id = randomUUID();
    const note = await aliceS.sealField(
      f.channelId,
      'plan-review',
      { text: 'Attendance is back to normal' },
      {
        recordId: id,
      },
    );
    const body = { id, planVersion: 1, outcome: 'met' as const, reviewedOn: today(), note };
    const review = await alice.client.recordPlanReview(f.id, body);
    expect(review).toMatchObject({ id, planVersion: 1, outcome: 'met', reviewedOn: today(), reviewedBy: alice.id });
    // The answer was lost: the same review again is the stored one, and nothing more is stored or audited.
    t.clock.advance(60_000);
    expect(await alice.client.recordPlanReview(f.id, body)).toEqual(review);
    expect(await countOf(t, 'SELECT count(*)::int AS n FROM family_plan_reviews WHERE family_id = $1', [f.id])).toBe(1);
    await refused(alice.client.recordPlanReview(f.id, { ...body, outcome: 'not_met' }), 409, 'record_exists');
    const { note: _, ...withoutNote } = body;
    await refused(alice.client.recordPlanReview(f.id, withoutNote), 409, 'record_exists');

    // Listed in the plan's view; the note opens for another member of the family's channel.
    const view = await bob.client.familyPlan(f.id);
    expect(view.reviews).toEqual([review]);
    expect(
      await bobS.openField(f.channelId, 'plan-review', view.reviews[0].note!, { recordId: view.reviews[0].id }),
    ).toEqual({ text: 'Attendance is back to normal' });

    // Audited once, with what was found and never the note.
    const { rows } = await t.sql(
      "SELECT details::text AS d FROM audit_events WHERE action = 'family.plan_reviewed' AND target_id = $1",
      [f.id],
    );
    expect(rows).toHaveLength(1);
    const details = JSON.parse((rows[0] as { d: string }).d) as Record<string, unknown>;
    expect(details).toEqual({ reviewId: id, planVersion: 1, outcome: 'met', reviewedOn: today(), withNote: true });
    expect((rows[0] as { d: string }).d).not.toContain(note.ciphertext.slice(0, 20));
  });

  it('only the lead worker or the chair may record one; other members and outsiders are refused', async () => {
    const body = () => ({ id: randomUUID(), planVersion: 1, outcome: 'partly_met' as const, reviewedOn: today() });
    const err = await refused(carol.client.recordPlanReview(f.id, body()), 403, 'lead_worker_only');
    expect(err.message).toMatch(/lead worker or the chair/);
    await refused(outsider.client.recordPlanReview(f.id, body()), 403, 'not_a_member');
    // Handed over: bob, the new lead worker, may; so may alice while she still chairs the channel.
    await alice.client.handOverFamily(f.id, bob.id);
    expect(await bob.client.recordPlanReview(f.id, body())).toMatchObject({ outcome: 'partly_met' });
    expect(await countOf(t, 'SELECT count(*)::int AS n FROM family_plan_reviews WHERE family_id = $1', [f.id])).toBe(2);
  });

  it('refuses a day in the future or before the plan was written, and a version that is no longer current', async () => {
    const body = (over: Record<string, unknown>) => ({
      id: randomUUID(),
      planVersion: 1,
      outcome: 'met' as const,
      reviewedOn: today(),
      ...over,
    });
    const future = await refused(
      bob.client.recordPlanReview(f.id, body({ reviewedOn: dayOffset(1) })),
      400,
      'validation_failed',
    );
    expect(fieldsOf(future).reviewedOn).toBeDefined();
    const before = await refused(
      bob.client.recordPlanReview(f.id, body({ reviewedOn: dayOffset(-1) })),
      400,
      'validation_failed',
    );
    expect(before.message).toMatch(/before the plan was first written/);

    // A new version of the plan: a review of version 1 is stale now, said in plain words.
    const retry = body({});
    await bob.client.recordPlanReview(f.id, retry);
    await save(bobS, f, 1, childId);
    const stale = await refused(bob.client.recordPlanReview(f.id, body({})), 409, 'plan_conflict');
    expect(stale.message).toBe(
      'You reviewed version 1 of the plan, but version 2 is the current one: read it and record the review of that version.',
    );
    // A retry of a review recorded before the new version still gets its stored answer.
    expect(await bob.client.recordPlanReview(f.id, retry)).toMatchObject({ id: retry.id, planVersion: 1 });
    expect(await bob.client.recordPlanReview(f.id, body({ planVersion: 2 }))).toMatchObject({ planVersion: 2 });
    const n = await countOf(t, 'SELECT count(*)::int AS n FROM family_plan_reviews WHERE family_id = $1', [f.id]);
    expect(n).toBe(4);
  });

  describe('the programme report', () => {
    let admin: Person;
    let policeAdmin: Person;
    let north: string;

    const outcomes = (r: ProgrammeReport) =>
      r.measures
        .find((m) => m.measure === 'plans_with_outcomes_met')
        ?.quarters.find((q) => q.quarter === quarterOf(t.clock.now()));

    beforeAll(async () => {
      admin = await w.person(council, 'isa_admin', 'isa');
      policeAdmin = await w.person(police, 'agency_admin', 'padmin');
      north = (await admin.client.addLocality('North')).id;
    });

    it('counts each family once a quarter by its latest review, by locality, with counts under 5 hidden', async () => {
      alice = await w.signIn(alice);
      const s = await secureSession(alice.client, 'alice desktop', t);
      sessions.push(s);
      const families = [];
      for (let i = 0; i < 6; i++) {
        const family = await alice.client.createFamily({ localityId: north });
        const member = await alice.client.addFamilyMember(family.id, { role: 'child' });
        await s.rotate(family.channelId);
        await save(s, family, 0, member.id);
        families.push(family);
      }
      const review = (familyId: string, outcome: 'met' | 'partly_met' | 'not_met') =>
        alice.client.recordPlanReview(familyId, { id: randomUUID(), planVersion: 1, outcome, reviewedOn: today() });
      // The first family is first found not met, then met: only its latest review of the quarter counts.
      await review(families[0].id, 'not_met');
      t.clock.advance(60_000);
      for (const family of families.slice(0, 5)) await review(family.id, 'met');
      await review(families[5].id, 'partly_met');
      t.clock.advance(60_000);

      const report = await admin.client.programmeReport();
      expect(report.notAvailable).toEqual([]);
      expect(report.groups.map((g) => g.name)).toEqual(['North', 'No locality recorded']);
      expect(outcomes(report)).toEqual({
        quarter: quarterOf(t.clock.now()),
        rows: [
          // The family above, with no locality, counts once, by its latest review (met, of version 2). The 5
          // is withheld: beside the hidden 1 it would give that away by subtraction from the total.
          { category: 'met', cells: ['withheld', '<5'], total: 6 },
          { category: 'partly_met', cells: ['<5', '<5'], total: '<5' },
          { category: 'not_met', cells: ['<5', '<5'], total: '<5' },
        ],
        totals: { cells: ['withheld', '<5'], total: 7 },
      });
      // Exactly, behind the suppression: one count per family (the first family's "not met" is replaced).
      const m = t.app.get(DataSource).manager;
      const from = new Date(t.clock.now().getTime() - 10 * DAY);
      const to = new Date(t.clock.now().getTime() + 1);
      const rows = await t.app.get(ProgrammeReadModel).planReviews(m, from, to, null);
      expect(rows.filter((r) => r.localityId === north).sort((a, b) => a.category.localeCompare(b.category))).toEqual([
        { quarter: quarterOf(t.clock.now()), localityId: north, category: 'met', count: 5 },
        { quarter: quarterOf(t.clock.now()), localityId: north, category: 'partly_met', count: 1 },
      ]);
      // The police's data-protection lead counts only the police's families: none.
      const theirs = outcomes(await policeAdmin.client.programmeReport());
      expect(theirs?.totals.total).toBe('<5');
    });
  });
});
