import { randomUUID } from 'node:crypto';
import { MemoryTrustStore, newObjectiveId, SecureSession, type DisposalView } from '../client/sdk/index.js';
import { RecordExpiryService } from '../src/retention/record-expiry.service.js';
import { countOf } from './support/db.js';
import { refused } from './support/refused.js';
import { secureSession } from './support/secure.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { type Person, World } from './support/world.js';

const DAY = 86_400_000;

/**
 * The rest of the case record expires (issue 16; ISA 7), on a real server, PostgreSQL and the SDK, with the
 * clock moved. Each class counts from the moment its schedule names: an action from when it was done or
 * cancelled (reopened, it is undated again); a version of the family's plan from when a newer one replaced
 * it, taking the progress reports made while it was current (the current plan stays, however old); a
 * consent record from when it was made, but never a member's latest decision of its kind; a family's
 * sharing decisions from when they were made. A hold on the family, on an agency a record concerns (the
 * police, for consent to share with them and the decision to share), or on the class keeps them until it is
 * released. Each deletion leaves a disposal record and an audit event; what stays still opens.
 */
describe('the case record expires: actions, plan versions, consent records and sharing decisions', () => {
  let t: TestApp;
  let w: World;
  let council: string;
  let police: string;
  let isaAdmin: Person;
  let alice: Person;
  let bob: Person;
  let aliceS: SecureSession;
  let bobS: SecureSession;
  const sessions: SecureSession[] = [];
  const f = { id: '', channelId: '' };
  const g = { id: '', ref: '', channelId: '' };
  const ids = {
    done: '',
    open: '',
    reopened: '',
    cancelledLater: '',
    heldDone: '',
    plan1: '',
    plan2: '',
    review1: '',
    progress1: '',
    progress2: '',
    consentGiven: '',
    consentWithdrawn: '',
    consentToRecord: '',
  };
  let t0 = 0;

  beforeAll(async () => {
    t = await startTestApp({ env: { EXPIRY_BATCH_SIZE: '2' } });
    w = new World(t);
    await w.agreement();
    council = await w.agency('Council');
    police = await w.agency('Police', { sector: 'police' });
    isaAdmin = await w.person(council, 'isa_admin', 'isa');
    const councilLead = await w.person(council, 'agency_admin', 'councillead');
    alice = await w.person(council, 'practitioner', 'alice');
    bob = await w.person(council, 'practitioner', 'bob');
    const officer = await w.person(police, 'practitioner', 'officer');
    aliceS = await secureSession(alice.client, 'alice laptop', t);
    bobS = await secureSession(bob.client, 'bob laptop', t);
    sessions.push(aliceS, bobS);
    // The shortest periods the classes allow, so that a year and a few days is enough.
    for (const cls of ['actions', 'family_plans', 'consent_records'] as const) {
      await councilLead.client.setRetentionPeriod(council, cls, 365);
    }
    t0 = t.clock.now().getTime();

    const family = await alice.client.createFamily();
    Object.assign(f, { id: family.id, channelId: family.channelId });
    await alice.client.addMember(f.channelId, { userId: bob.id });
    const action = async (channelId: string, text: string) => {
      const id = randomUUID();
      await alice.client.createAction({
        id,
        channelId,
        description: await aliceS.sealField(channelId, 'action', { text }, { recordId: id }),
        ownerId: bob.id,
        dueOn: new Date(t.clock.now().getTime() + 7 * DAY).toISOString().slice(0, 10),
      });
      return id;
    };
    const status = (id: string, to: 'done' | 'open' | 'cancelled') =>
      bob.client.updateAction(id, { updateId: randomUUID(), status: to });
    ids.done = await action(f.channelId, 'Book the school nurse');
    await status(ids.done, 'done');
    ids.open = await action(f.channelId, 'Visit the family');
    ids.reopened = await action(f.channelId, 'Find a nursery place');
    await status(ids.reopened, 'done');
    await status(ids.reopened, 'open');
    ids.cancelledLater = await action(f.channelId, 'Apply for a housing grant');

    // The child's consent to share with the police, then withdrawn; consent to record, the only one.
    const child = await alice.client.addFamilyMember(f.id, { role: 'child' });
    /** One decision of the child's (given by a parent, in writing); returns its id. */
    const consent = async (kind: 'share' | 'record', status: 'given' | 'withdrawn', agencyIds: string[] = []) => {
      const id = randomUUID();
      await alice.client.recordConsent(f.id, child.id, {
        id,
        kind,
        status,
        agencyIds,
        givenBy: 'parent',
        method: 'written',
        formVersion: 'v3',
        decidedOn: new Date(t0).toISOString().slice(0, 10),
      });
      return id;
    };
    ids.consentGiven = await consent('share', 'given', [police]);
    ids.consentToRecord = await consent('record', 'given');
    // Sharing with the police on that consent: a decision recorded about the family.
    await alice.client.addMember(f.channelId, { userId: officer.id });
    ids.consentWithdrawn = await consent('share', 'withdrawn');

    // The plan: version 1 with a progress report, replaced by version 2 with one of its own.
    const objective = newObjectiveId();
    const document = { objectives: [{ id: objective, objective: 'Sam attends school' }] };
    const reviewOn = new Date(t0 + 90 * DAY).toISOString().slice(0, 10);
    const progress = async (text: string) => {
      const id = randomUUID();
      await bob.client.reportPlanProgress(f.id, {
        id,
        objective,
        kind: 'professional',
        report: await bobS.sealField(f.channelId, 'plan-progress', { text }, { recordId: id }),
      });
      return id;
    };
    await aliceS.savePlan(f, { baseVersion: 0, document, reviewOn, coveredMemberIds: [child.id] });
    ids.progress1 = await progress('Two missed days');
    // Version 1 is reviewed (its note sealed): the review goes with the version it reviewed.
    ids.review1 = randomUUID();
    await alice.client.recordPlanReview(f.id, {
      id: ids.review1,
      planVersion: 1,
      outcome: 'partly_met',
      reviewedOn: new Date(t0).toISOString().slice(0, 10),
      note: await aliceS.sealField(f.channelId, 'plan-review', { text: 'Better' }, { recordId: ids.review1 }),
    });
    t.clock.advance(60_000);
    await aliceS.savePlan(f, { baseVersion: 1, document, reviewOn, coveredMemberIds: [child.id] });
    ids.progress2 = await progress('No missed days');
    const versions = (await t.sql('SELECT id, version FROM family_plan_versions WHERE family_id = $1', [f.id]))
      .rows as { id: string; version: number }[];
    ids.plan1 = versions.find((v) => v.version === 1)!.id;
    ids.plan2 = versions.find((v) => v.version === 2)!.id;

    // Family G: a done action, to be held with the family.
    Object.assign(g, await alice.client.createFamily());
    await alice.client.addMember(g.channelId, { userId: bob.id });
    ids.heldDone = await action(g.channelId, 'Call the GP');
    await status(ids.heldDone, 'done');

    // Ten days on, an action is cancelled: it is kept for its period from then.
    await at(10);
    await status(ids.cancelledLater, 'cancelled');
  });
  afterAll(async () => {
    for (const s of sessions) s.close();
    await t.close();
  });

  const run = () => t.app.get(RecordExpiryService).expireRecords();
  const exists = async (table: string, id: string) =>
    (await countOf(t, `SELECT count(*)::int AS n FROM ${table} WHERE id = $1`, [id])) > 0;
  const familyDecisions = (agencyId?: string) =>
    countOf(
      t,
      'SELECT count(*)::int AS n FROM sharing_decisions WHERE family_id = $1 AND agency_id = coalesce($2, agency_id)',
      [f.id, agencyId ?? null],
    );
  /** The clock moves to `days` after the fixtures began; everyone signs in again. */
  async function at(days: number) {
    t.clock.advance(t0 + days * DAY - t.clock.now().getTime());
    [isaAdmin, alice, bob] = await Promise.all([isaAdmin, alice, bob].map((p) => w.signIn(p)));
  }

  it('dates each record from the moment its class counts from', async () => {
    const date = async (id: string) =>
      (await t.sql('SELECT closed_at, kept_until FROM retention_dates WHERE record_id = $1', [id])).rows[0] as
        { closed_at: Date | null; kept_until: Date | null } | undefined;
    // Not over: no date yet. Reopened: its date was cleared.
    for (const id of [ids.open, ids.reopened, ids.plan2]) expect(await date(id)).toMatchObject({ kept_until: null });
    const cancelled = await date(ids.cancelledLater);
    const closedAt = cancelled!.closed_at!.getTime();
    expect(closedAt - (t0 + 10 * DAY)).toBeGreaterThanOrEqual(0);
    expect(closedAt - (t0 + 10 * DAY)).toBeLessThan(10 * 60_000);
    expect(cancelled!.kept_until!.getTime()).toBe(closedAt + 365 * DAY);
    // A consent record counts from when it was made, the latest of its kind too (it is kept another way).
    expect((await date(ids.consentWithdrawn))!.kept_until).not.toBeNull();
    expect(await familyDecisions(police)).toBeGreaterThan(0);
    expect(await familyDecisions(council)).toBeGreaterThan(0);
  });

  it('keeps every record before its date, and under a hold on its family, an agency it concerns or its class', async () => {
    await at(360);
    expect((await run()).deleted).toMatchObject({
      actions: 0,
      family_plans: 0,
      consent_records: 0,
      sharing_decisions: 0,
    });

    const holds = [
      await isaAdmin.client.placeHold({ scope: 'family', family: g.ref, reason: 'Court proceedings' }),
      await isaAdmin.client.placeHold({ scope: 'agency', agencyId: police, reason: 'Police complaint review' }),
      await isaAdmin.client.placeHold({ scope: 'class', recordClass: 'family_plans', reason: 'Plan audit' }),
    ];
    await at(370);
    const policeDecisions = await familyDecisions(police);
    const councilDecisions = await familyDecisions(council);
    const from = t.clock.now().getTime();
    expect((await run()).deleted).toMatchObject({
      actions: 1,
      family_plans: 0,
      consent_records: 0,
      sharing_decisions: councilDecisions,
    });
    expect(await exists('actions', ids.done)).toBe(false);
    expect(await countOf(t, 'SELECT count(*)::int AS n FROM action_updates WHERE action_id = $1', [ids.done])).toBe(0);
    await refused(bob.client.action(ids.done), 404, 'not_found');
    // Held with family G; the police's hold covers consent to share with them and the decision to share.
    expect(await exists('actions', ids.heldDone)).toBe(true);
    expect(await exists('consent_records', ids.consentGiven)).toBe(true);
    expect(await familyDecisions(police)).toBe(policeDecisions);
    expect(await familyDecisions(council)).toBe(0);
    expect(await exists('family_plan_versions', ids.plan1)).toBe(true);
    // Open, reopened, or cancelled only 360 days ago: not due.
    for (const id of [ids.open, ids.reopened, ids.cancelledLater]) expect(await exists('actions', id)).toBe(true);

    const records = (await isaAdmin.client.disposals({ from: new Date(from).toISOString() })).filter(
      (d) => d.rule === 'schedule',
    );
    expect(records).toHaveLength(2);
    expect(records).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ recordClass: 'actions', channelId: f.channelId, channelKind: null, count: 1 }),
        expect.objectContaining({ recordClass: 'consent_records', channelId: f.channelId, count: councilDecisions }),
      ]) as DisposalView[],
    );
    const events = (
      await t.sql(
        "SELECT target_type, target_id, details FROM audit_events WHERE action = 'retention.record_expired' AND target_id = $1",
        [ids.done],
      )
    ).rows as { target_type: string; details: Record<string, unknown> }[];
    expect(events).toEqual([
      expect.objectContaining({
        target_type: 'action',
        details: expect.objectContaining({ recordClass: 'actions', action_updates: 1 }) as unknown,
      }),
    ]);

    for (const h of holds) await isaAdmin.client.releaseHold(h.id, { reason: 'Concluded' });
  });

  it('once released, deletes the replaced plan version with the reports made under it, superseded consent and the decisions', async () => {
    // The police's decisions about F, and G's (held with G until now).
    const bothFamilies = () =>
      countOf(t, 'SELECT count(*)::int AS n FROM sharing_decisions WHERE family_id = ANY ($1)', [[f.id, g.id]]);
    const decisions = await bothFamilies();
    await at(371);
    const report = await run();
    expect(report.deleted).toMatchObject({
      actions: 1,
      family_plans: 1,
      consent_records: 1,
      sharing_decisions: decisions,
    });
    expect(await exists('actions', ids.heldDone)).toBe(false);
    expect(await exists('family_plan_versions', ids.plan1)).toBe(false);
    expect(await exists('family_plan_progress', ids.progress1)).toBe(false);
    expect(await exists('family_plan_reviews', ids.review1)).toBe(false);
    expect(await exists('consent_records', ids.consentGiven)).toBe(false);
    expect(await bothFamilies()).toBe(0);

    // What stays: the current plan and its report, each member's latest consent of each kind.
    expect(await exists('family_plan_versions', ids.plan2)).toBe(true);
    expect(await exists('consent_records', ids.consentWithdrawn)).toBe(true);
    expect(await exists('consent_records', ids.consentToRecord)).toBe(true);
    const plan = await bob.client.familyPlan(f.id);
    expect(plan.plan).toMatchObject({ version: 2 });
    expect(plan.progress.map((p) => p.id)).toEqual([ids.progress2]);
    const reader = new SecureSession(bob.client, bobS.device, new MemoryTrustStore(), () => t.clock.now());
    sessions.push(reader);
    expect(
      await reader.openField(f.channelId, 'family-plan', plan.plan!, { recordId: f.id, version: 2 }),
    ).toMatchObject({ objectives: [expect.objectContaining({ objective: 'Sam attends school' })] });
    const register = await alice.client.consentRegister(f.id);
    expect(register.members[0].history.map((r) => r.id)).toEqual([ids.consentToRecord, ids.consentWithdrawn]);
    expect(register.members[0].consentToShare).toMatchObject({ id: ids.consentWithdrawn, status: 'withdrawn' });
  });

  it('counts an action from when it was cancelled, and never deletes one reopened or still open', async () => {
    await at(374);
    expect((await run()).deleted).toMatchObject({ actions: 0 });
    expect(await exists('actions', ids.cancelledLater)).toBe(true);
    await at(376);
    expect((await run()).deleted).toMatchObject({ actions: 1 });
    expect(await exists('actions', ids.cancelledLater)).toBe(false);
    await at(3000);
    // Even given a date by someone writing to the database, a live action and the current plan are not over.
    await t.sql('UPDATE retention_dates SET kept_until = $2 WHERE record_id = ANY ($1)', [
      [ids.open, ids.reopened, ids.plan2],
      new Date(t0),
    ]);
    await run();
    for (const id of [ids.open, ids.reopened]) expect(await exists('actions', id)).toBe(true);
    expect(await exists('family_plan_versions', ids.plan2)).toBe(true);
    expect(await exists('consent_records', ids.consentWithdrawn)).toBe(true);
  });
});
