import { randomUUID } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import {
  SubjectAccessExporter,
  type SecureSession,
  type SubjectAccessProgress,
  type SubjectAccessRequestView,
} from '../client/sdk/index.js';
import type { FamilyView } from '../client/sdk/types.js';
import { cliAgencyAdmin, cliAs, json } from './support/cli.js';
import { fieldsOf, refused } from './support/refused.js';
import { secureSession } from './support/secure.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { type Person, World } from './support/world.js';

const DAY = 86_400_000;

/**
 * The subject-access register (issue 16; ISA 10), on the real server and PostgreSQL through the SDK and
 * the CLI: deadlines one calendar month from receipt, extended once by at most two months with a reason;
 * another agency can neither read nor change a request; a consultation task reaches the agency the
 * information came from, due in 5 days, and shows when overdue; the export gathered on a member's device
 * holds what they can decrypt about the request's families and nothing about any other family; bad input
 * is refused and changes nothing.
 */
describe('subject access requests', () => {
  let t: TestApp;
  let w: World;
  let council: string;
  let police: string;
  let dp: Person;
  let policeDp: Person;
  let isaAdmin: Person;
  let lead: Person;
  let leadS: SecureSession;
  let dpS: SecureSession;
  const homes: string[] = [];
  let cliDp: Awaited<ReturnType<typeof cliAgencyAdmin>>;
  let famA: FamilyView;
  let famB: FamilyView;
  let famC: FamilyView;
  let childA: { id: string; ref: string };
  const marker = (name: string) => `${name}-${randomUUID()}`;
  const m = {
    childA: marker('ChildA'),
    parentA: marker('ParentA'),
    msgA: marker('MessageA'),
    actionA: marker('ActionA'),
    childB: marker('ChildB'),
    msgB: marker('MessageB'),
  };

  const today = () => t.clock.now().toISOString().slice(0, 10);
  const count = async (table: string) =>
    ((await t.sql(`SELECT count(*)::int AS n FROM ${table}`)).rows[0] as { n: number }).n;
  const state = async () => ({
    requests: (await t.sql('SELECT * FROM subject_access_requests ORDER BY id')).rows,
    subjects: await count('subject_access_subjects'),
    consultations: (await t.sql('SELECT * FROM subject_access_consultations ORDER BY id')).rows,
  });

  const addMember = async (family: FamilyView, role: 'child' | 'parent', name: string) => {
    const id = randomUUID();
    return leadS.sealedWrite(async () =>
      lead.client.addFamilyMember(family.id, {
        id,
        role,
        details: await leadS.sealField(
          family.channelId,
          'family-member',
          { name, dateOfBirth: '2014-05-06' },
          {
            recordId: id,
          },
        ),
      }),
    );
  };

  beforeAll(async () => {
    t = await startTestApp();
    w = new World(t);
    await w.agreement();
    council = await w.agency('County Council');
    police = await w.agency('Constabulary', { sector: 'police' });
    dp = await w.person(council, 'agency_admin', 'dp');
    policeDp = await w.person(police, 'agency_admin', 'policedp');
    isaAdmin = await w.person(council, 'isa_admin', 'isa');
    lead = await w.person(council, 'practitioner', 'lead');
    leadS = await secureSession(lead.client, 'lead laptop', t);
    dpS = await secureSession(dp.client, 'dp laptop', t);
    cliDp = await cliAgencyAdmin(t, w, council, 'clidp', homes);

    // Family A: the data-protection leads are in its channel; family B too (it must stay out of the export);
    // family C's channel they are not in.
    famA = await lead.client.createFamily();
    famB = await lead.client.createFamily();
    famC = await lead.client.createFamily();
    for (const f of [famA, famB]) {
      await leadS.addMember(f.channelId, { userId: dp.id });
      await leadS.addMember(f.channelId, { userId: cliDp.id });
    }
    childA = await addMember(famA, 'child', m.childA);
    await addMember(famA, 'parent', m.parentA);
    await addMember(famB, 'child', m.childB);
    await leadS.send(famA.channelId, m.msgA);
    await leadS.send(famB.channelId, m.msgB);
    const actionId = randomUUID();
    await leadS.sealedWrite(async () =>
      lead.client.createAction({
        id: actionId,
        channelId: famA.channelId,
        description: await leadS.sealField(famA.channelId, 'action', { text: m.actionA }, { recordId: actionId }),
        ownerId: lead.id,
        dueOn: today(),
      }),
    );
  });
  afterAll(async () => {
    leadS.close();
    dpS.close();
    for (const h of homes) await rm(h, { recursive: true, force: true });
    await t.close();
  });

  it('the deadline is one calendar month from receipt (31 January → 28 February); past it, the request is overdue', async () => {
    const late = await dp.client.createSubjectAccessRequest({
      receivedOn: '2026-01-31',
      requesterType: 'parent_guardian',
      refs: [famA.ref.toLowerCase()],
    });
    expect(late).toMatchObject({
      agencyId: council,
      receivedOn: '2026-01-31',
      deadline: '2026-02-28',
      status: 'open',
      overdue: today() > '2026-02-28',
      extension: null,
      families: [{ id: famA.id, ref: famA.ref, channelId: famA.channelId }],
      members: [],
    });
    const fresh = await dp.client.createSubjectAccessRequest({
      receivedOn: today(),
      requesterType: 'subject',
      refs: [childA.ref],
    });
    expect(fresh.families).toEqual([{ id: famA.id, ref: famA.ref, channelId: famA.channelId }]);
    expect(fresh.members).toEqual([{ id: childA.id, ref: childA.ref, familyId: famA.id }]);
    expect(fresh.overdue).toBe(false);

    expect((await dp.client.subjectAccessRequests({ overdue: 'true' })).map((r) => r.id)).toEqual([late.id]);
    await dp.client.setSubjectAccessStatus(late.id, 'answered');
    expect((await dp.client.subjectAccessRequests({ overdue: 'true' })).map((r) => r.id)).toEqual([]);
    await refused(dp.client.setSubjectAccessStatus(late.id, 'answered'), 409, 'invalid_status');
    await dp.client.setSubjectAccessStatus(late.id, 'closed');
    await refused(
      dp.client.extendSubjectAccessRequest(late.id, { months: 1, reason: 'Too late' }),
      409,
      'request_not_open',
    );
  });

  it('a deadline is extended once, by at most two months, with a reason kept with the request and not in the audit log', async () => {
    const r = await dp.client.createSubjectAccessRequest({
      receivedOn: '2026-01-31',
      requesterType: 'representative',
      refs: [famA.ref],
    });
    const before = await state();
    await refused(
      dp.client.extendSubjectAccessRequest(r.id, { months: 3, reason: 'Complex' }),
      400,
      'validation_failed',
    );
    const noReason = await refused(
      dp.client.extendSubjectAccessRequest(r.id, { months: 2, reason: '  ' }),
      400,
      'validation_failed',
    );
    expect(fieldsOf(noReason).reason).toBeDefined();
    expect(await state()).toEqual(before);

    const reason = `Many records across agencies ${randomUUID()}`;
    const extended = await dp.client.extendSubjectAccessRequest(r.id, { months: 2, reason });
    expect(extended).toMatchObject({
      deadline: '2026-04-30',
      extension: { months: 2, reason, extendedBy: dp.id },
    });
    const after = await state();
    await refused(dp.client.extendSubjectAccessRequest(r.id, { months: 1, reason: 'Again' }), 409, 'already_extended');
    expect(await state()).toEqual(after);

    const { rows } = await t.sql(
      'SELECT action, details::text AS details FROM audit_events WHERE target_id = $1 ORDER BY seq',
      [r.id],
    );
    expect((rows as { action: string }[]).map((x) => x.action)).toEqual([
      'subject_access.created',
      'subject_access.extended',
    ]);
    expect(JSON.stringify(rows)).not.toContain(reason);
    expect(JSON.stringify(rows)).not.toContain(famA.ref);
  });

  it('another agency cannot read, extend or change a request; an ISA administrator reads every agency’s', async () => {
    const r = await dp.client.createSubjectAccessRequest({
      receivedOn: today(),
      requesterType: 'other',
      refs: [famA.ref],
    });
    const before = await state();
    await refused(policeDp.client.subjectAccessRequest(r.id), 404, 'not_found');
    await refused(
      policeDp.client.extendSubjectAccessRequest(r.id, { months: 1, reason: 'Mine now' }),
      404,
      'not_found',
    );
    await refused(policeDp.client.setSubjectAccessStatus(r.id, 'closed'), 404, 'not_found');
    await refused(policeDp.client.consultOnSubjectAccess(r.id, council), 404, 'not_found');
    await refused(
      policeDp.client.recordSubjectAccessExport(r.id, { exportId: randomUUID(), families: 1, messages: 0, records: 0 }),
      404,
      'not_found',
    );
    expect((await policeDp.client.subjectAccessRequests()).map((x) => x.id)).not.toContain(r.id);
    await refused(lead.client.subjectAccessRequests(), 403, 'forbidden_role');
    await refused(
      lead.client.createSubjectAccessRequest({ receivedOn: today(), requesterType: 'other', refs: [famA.ref] }),
      403,
      'forbidden_role',
    );
    await refused(
      isaAdmin.client.extendSubjectAccessRequest(r.id, { months: 1, reason: 'Not theirs' }),
      403,
      'forbidden_role',
    );
    expect(await state()).toEqual(before);
    expect((await isaAdmin.client.subjectAccessRequest(r.id)).id).toBe(r.id);
    expect((await isaAdmin.client.subjectAccessRequests()).map((x) => x.id)).toContain(r.id);
  });

  it('the export holds what the member can decrypt about the request’s families, and nothing about other families', async () => {
    const r = await dp.client.createSubjectAccessRequest({
      receivedOn: today(),
      requesterType: 'subject',
      refs: [childA.ref, famC.ref],
    });
    const steps: SubjectAccessProgress[] = [];
    const doc = await new SubjectAccessExporter(dpS, () => t.clock.now()).export(r.id, (p) => steps.push(p));
    const text = JSON.stringify(doc);
    for (const k of ['childA', 'msgA', 'actionA'] as const) expect(text).toContain(m[k]);
    // The request named one member of family A: the other member's details are not gathered.
    expect(text).not.toContain(m.parentA);
    for (const k of ['childB', 'msgB'] as const) expect(text).not.toContain(m[k]);
    expect(text).not.toContain(famB.id);
    expect(doc.families.map((f) => [f.ref, f.readable])).toEqual([
      [famA.ref, true],
      [famC.ref, false],
    ]);
    expect(doc.counts).toMatchObject({ families: 1, messages: 1 });
    expect(steps.at(-1)).toMatchObject({ step: 'done', familiesDone: 2, families: 2, messages: 1 });

    const { rows } = await t.sql(
      "SELECT details FROM audit_events WHERE target_id = $1 AND action = 'subject_access.exported'",
      [r.id],
    );
    // Counts and the export's id only: nothing the export holds.
    expect((rows as { details: Record<string, unknown> }[]).map((x) => x.details)).toEqual([
      { exportId: doc.exportId, ...doc.counts },
    ]);
  });

  it('bad input is refused with what to fix, and changes nothing', async () => {
    const before = await state();
    const r = (await dp.client.subjectAccessRequests())[0];
    const tomorrow = new Date(t.clock.now().getTime() + DAY).toISOString().slice(0, 10);
    await refused(
      dp.client.createSubjectAccessRequest({ receivedOn: tomorrow, requesterType: 'subject', refs: [famA.ref] }),
      400,
      'received_in_future',
    );
    await refused(
      dp.client.createSubjectAccessRequest({ receivedOn: today(), requesterType: 'subject', refs: ['EH-2026-9999'] }),
      404,
      'not_found',
    );
    for (const body of [
      { receivedOn: '2026-02-30', requesterType: 'subject', refs: [famA.ref] },
      { receivedOn: today(), requesterType: 'neighbour', refs: [famA.ref] },
      { receivedOn: today(), requesterType: 'subject', refs: [] },
      { receivedOn: today(), requesterType: 'subject', refs: ['Jane Smith'] },
      { receivedOn: today(), requesterType: 'subject', refs: [famA.ref], name: 'Jane Smith' },
    ]) {
      await refused(dp.client.createSubjectAccessRequest(body as never), 400, 'validation_failed');
    }
    await refused(dp.client.setSubjectAccessStatus(r.id, 'open' as never), 400, 'validation_failed');
    await refused(
      dp.client.extendSubjectAccessRequest('not-an-id', { months: 1, reason: 'x' }),
      400,
      'validation_failed',
    );
    await refused(dp.client.extendSubjectAccessRequest(r.id, { months: 0, reason: 'x' }), 400, 'validation_failed');
    expect(await state()).toEqual(before);
  });

  it('the CLI records, lists, extends and exports, with a progress line and --json', async () => {
    const created = await cliAs(t, cliDp, [
      '--json',
      'sar',
      'create',
      '--received',
      '2026-01-31',
      '--requester',
      'subject',
      '--ref',
      famA.ref,
    ]);
    expect(created.code).toBe(0);
    const r = json<SubjectAccessRequestView>(created);
    expect(r.deadline).toBe('2026-02-28');
    const list = await cliAs(t, cliDp, ['sar', 'list', '--overdue']);
    expect(list.out).toContain(r.id.slice(0, 8));
    expect(list.out).toContain('2026-02-28 OVERDUE');
    const badMonths = await cliAs(t, cliDp, ['sar', 'extend', r.id.slice(0, 8), '--months', '3', '--reason', 'x']);
    expect(badMonths.code).toBe(2);
    const ext = await cliAs(t, cliDp, ['sar', 'extend', r.id.slice(0, 8), '--months', '2', '--reason', 'Complex']);
    expect(ext).toMatchObject({ code: 0 });
    expect(ext.out).toContain('due 2026-04-30');
    const again = await cliAs(t, cliDp, ['sar', 'extend', r.id.slice(0, 8), '--months', '1', '--reason', 'More']);
    expect(again.code).toBe(1);

    const out = path.join(cliDp.home, 'sar.json');
    const exported = await cliAs(t, cliDp, ['sar', 'export', r.id.slice(0, 8), '--out', out]);
    expect(exported.code).toBe(0);
    expect(exported.err).toMatch(/Family 1 of 1 \(EH-\d{4}-\d{4}\): .*messages/);
    const file = await readFile(out, 'utf8');
    expect(file).toContain(m.msgA);
    expect(file).not.toContain(m.msgB);
    const taken = await cliAs(t, cliDp, ['sar', 'export', r.id.slice(0, 8), '--out', out]);
    expect(taken.code).toBe(2);
  });

  it('a consultation task reaches the agency the information came from, due in 5 days, shown overdue after, and is marked done by it', async () => {
    const r = await dp.client.createSubjectAccessRequest({
      receivedOn: today(),
      requesterType: 'subject',
      refs: [childA.ref],
    });
    const c = await dp.client.consultOnSubjectAccess(r.id, police);
    const due = new Date(t.clock.now().getTime() + 5 * DAY).toISOString().slice(0, 10);
    expect(c).toMatchObject({
      requestId: r.id,
      agencyId: police,
      requestingAgencyId: council,
      dueOn: due,
      overdue: false,
      doneAt: null,
      familyRefs: [famA.ref],
      memberRefs: [childA.ref],
    });
    expect((await dp.client.subjectAccessRequest(r.id)).consultations).toEqual([c]);
    expect(await policeDp.client.subjectAccessConsultations()).toEqual([c]);
    expect(await dp.client.subjectAccessConsultations()).toEqual([]);
    // The consulted agency's data-protection lead is told (ids only, in their list); the asking side is not.
    expect((await policeDp.client.notifications()).filter((n) => n.kind === 'consultation_requested')).toEqual([
      expect.objectContaining({ refs: { consultationId: c.id, agencyId: council }, readAt: null }),
    ]);
    expect((await dp.client.notifications()).some((n) => n.kind === 'consultation_requested')).toBe(false);

    const before = await state();
    await refused(dp.client.consultOnSubjectAccess(r.id, police), 409, 'consultation_exists');
    await refused(dp.client.consultOnSubjectAccess(r.id, council), 400, 'consult_own_agency');
    await refused(dp.client.consultOnSubjectAccess(r.id, randomUUID()), 404, 'not_found');
    await refused(dp.client.consultationDone(c.id), 404, 'not_found');
    expect(await state()).toEqual(before);

    t.clock.set(new Date(`${due}T23:00:00Z`));
    policeDp = await w.signIn(policeDp);
    expect((await policeDp.client.subjectAccessConsultations())[0].overdue).toBe(false);
    t.clock.advance(2 * 3_600_000);
    policeDp = await w.signIn(policeDp);
    dp = await w.signIn(dp);
    expect((await policeDp.client.subjectAccessConsultations())[0].overdue).toBe(true);
    expect((await dp.client.subjectAccessRequest(r.id)).consultations[0].overdue).toBe(true);

    const done = await policeDp.client.consultationDone(c.id);
    expect(done).toMatchObject({ doneBy: policeDp.id, overdue: false });
    await refused(policeDp.client.consultationDone(c.id), 409, 'consultation_done');
    expect(await policeDp.client.subjectAccessConsultations()).toEqual([]);
    expect(await policeDp.client.subjectAccessConsultations({ open: 'false' })).toEqual([done]);
  });

  it('on its deadline day a request is in time; the day after, it is overdue (the clock moves)', async () => {
    const r = await dp.client.createSubjectAccessRequest({
      receivedOn: today(),
      requesterType: 'subject',
      refs: [famA.ref],
    });
    t.clock.set(new Date(`${r.deadline}T23:59:00Z`));
    dp = await w.signIn(dp);
    expect((await dp.client.subjectAccessRequest(r.id)).overdue).toBe(false);
    t.clock.advance(2 * 60_000);
    dp = await w.signIn(dp);
    expect((await dp.client.subjectAccessRequest(r.id)).overdue).toBe(true);
    expect((await dp.client.subjectAccessRequests({ overdue: 'true' })).map((x) => x.id)).toContain(r.id);
  });
});
