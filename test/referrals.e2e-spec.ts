import { randomUUID } from 'node:crypto';
import {
  decideReferral,
  RealtimeConnection,
  rateReferral,
  StrongroomClient,
  readReferral,
  shareReferral,
  submitReferral,
  type NewReferral,
  type RealtimeEventMap,
  type SecureSession,
} from '../client/sdk/index.js';
import type { ReferralView } from '../client/sdk/types.js';
import { ReferralRemindersService } from '../src/referrals/referral-reminders.service.js';
import { countOf } from './support/db.js';
import { refused } from './support/refused.js';
import { dumpDatabase, markerForms, secureSession } from './support/secure.js';
import { startInstance, startTestApp, type TestApp } from './support/test-app.js';
import { World, type Person } from './support/world.js';

const HOUR = 3_600_000;
const LONG_SESSIONS = { SESSION_IDLE_MINUTES: '1440', SESSION_ABSOLUTE_HOURS: '168' };

/**
 * The MASH hub (issue 14), end to end through the SDK and a real server: a school practitioner's referral
 * gets its reference at once, the hub screens, rates, shares on a recorded basis and decides early help;
 * the referrer sees the acknowledgement, rating and decision and nothing else. Then each rule is broken.
 */
describe('MASH referrals: intake, screening, sharing and decisions', () => {
  let t: TestApp;
  let w: World;
  const agency: Record<string, string> = {};
  let teacher: Person;
  let hub: Person;
  let hub2: Person;
  let officer: Person;
  let nurse: Person;
  let lead: Person;
  let outsider: Person;
  let policeAdmin: Person;
  let healthAdmin: Person;
  let policeAdminS: SecureSession;
  let healthAdminS: SecureSession;
  let teacherS: SecureSession;
  let hubS: SecureSession;
  let officerS: SecureSession;
  let nurseS: SecureSession;
  const sessions: SecureSession[] = [];
  const sockets: RealtimeConnection[] = [];
  const marker = `Referral-Marker-${randomUUID()}`;
  const nameMarker = `Child-Name-${randomUUID()}`;
  const rationaleMarker = `Rationale-${randomUUID()}`;
  const answerMarker = `Partner-Answer-${randomUUID()}`;
  const fileMarker = `File-Content-${randomUUID()}`;
  const fileNameMarker = `referral-form-${randomUUID()}.pdf`;
  /** A file of about 150 kB (three pieces) with a marker at its start. */
  const fileBytes = Buffer.concat([Buffer.from(fileMarker), Buffer.alloc(150_000, 0x41)]);
  async function* chunksOf(b: Buffer) {
    for (let i = 0; i < b.length; i += 40_000) {
      await Promise.resolve();
      yield new Uint8Array(b.subarray(i, i + 40_000));
    }
  }
  const readAll = async (gen: AsyncIterable<Uint8Array>) => {
    const parts: Buffer[] = [];
    for await (const p of gen) parts.push(Buffer.from(p));
    return Buffer.concat(parts);
  };

  const referral = (over: Partial<NewReferral> = {}): NewReferral => ({
    categories: ['neglect', 'school_attendance'],
    urgency: 'urgent',
    familyConsent: 'refused',
    subjects: [{ role: 'child', name: 'A Child', dateOfBirth: '2016-02-03' }],
    content: { concern: 'Arrives hungry most mornings.', when: 'Since September' },
    ...over,
  });

  beforeAll(async () => {
    // The deadline test moves the clock by hours: sessions must outlive that (their own rules are tested elsewhere).
    t = await startTestApp({ env: LONG_SESSIONS });
    w = new World(t);
    await w.agreement();
    agency.hub = await w.agency('Compass MASH', { mashHub: true });
    agency.school = await w.agency('Oak Primary', { sector: 'education' });
    agency.police = await w.agency('Constabulary', { sector: 'police' });
    agency.health = await w.agency('Health Trust', { sector: 'health' });
    agency.council = await w.agency('County Council');
    agency.unsigned = await w.agency('Not Yet Signed', { signed: false });
    hub = await w.person(agency.hub, 'mash_worker', 'hub');
    hub2 = await w.person(agency.hub, 'mash_worker', 'hub2');
    teacher = await w.person(agency.school, 'practitioner', 'teacher');
    officer = await w.person(agency.police, 'practitioner', 'officer');
    nurse = await w.person(agency.health, 'practitioner', 'nurse');
    lead = await w.person(agency.council, 'practitioner', 'lead');
    outsider = await w.signIn(await w.account(agency.unsigned, 'practitioner', 'outsider'), { attest: false });
    policeAdmin = await w.person(agency.police, 'agency_admin', 'policeadmin');
    healthAdmin = await w.person(agency.health, 'agency_admin', 'healthadmin');
    hubS = await secureSession(hub.client, 'hub laptop', t);
    await secureSession(hub2.client, 'hub2 laptop', t);
    teacherS = await secureSession(teacher.client, 'teacher laptop', t);
    officerS = await secureSession(officer.client, 'officer laptop', t);
    nurseS = await secureSession(nurse.client, 'nurse laptop', t);
    policeAdminS = await secureSession(policeAdmin.client, 'police admin laptop', t);
    healthAdminS = await secureSession(healthAdmin.client, 'health admin laptop', t);
    sessions.push(hubS, teacherS, officerS, nurseS, policeAdminS, healthAdminS);
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    for (const s of sessions) s.close();
    await t.close();
  });

  it('runs a referral from the school to an early-help family, and the referrer sees only the outcome', async () => {
    const year = t.clock.now().getUTCFullYear();
    const uploaded: number[] = [];
    const { receipt, channelId } = await submitReferral(
      teacherS,
      referral({
        subjects: [
          { role: 'child', name: nameMarker, dateOfBirth: '2016-02-03' },
          { role: 'adult', name: 'A Parent' },
        ],
        content: { concern: marker, when: 'This week', evidence: 'Seen by two staff' },
        files: [
          { source: chunksOf(fileBytes), name: fileNameMarker, mediaType: 'application/pdf', size: fileBytes.length },
        ],
        onProgress: (_i, p) => uploaded.push(p.bytes),
      }),
    );
    expect(uploaded.at(-1)).toBe(fileBytes.length);
    // At once: a reference and an acknowledgement.
    expect(receipt.ref).toMatch(new RegExp(`^MASH-${year}-\\d{6}$`));
    expect(receipt.state).toBe('received');
    expect(receipt.acknowledgedAt).toBe(receipt.receivedAt);
    const ref = receipt.ref!;

    // Before the hub takes it on, the referrer can read back what they wrote.
    const mine = await readReferral(teacherS, ref);
    expect(mine.opened?.content?.concern).toBe(marker);

    // The hub: in the queue with a provisional deadline from the urgency asked for (urgent → amber, 24 h).
    const queue = await hub.client.referralQueue();
    const entry = queue.entries.find((e) => e.ref === ref)!;
    expect(entry).toMatchObject({ state: 'received', rag: null, urgency: 'urgent', overdue: false });
    expect(Date.parse(entry.deadlineAt) - Date.parse(entry.receivedAt)).toBe(24 * HOUR);
    const seen = await readReferral(hubS, ref);
    expect(seen.opened!.content!.concern).toBe(marker);
    const file = seen.opened!.content!.files![0];
    expect(file).toMatchObject({ name: fileNameMarker, size: fileBytes.length });
    expect((await readAll(hubS.downloadFile(file))).equals(fileBytes)).toBe(true);
    expect(seen.opened!.subjects.map((s) => [s.role, s.details?.name])).toEqual([
      ['child', nameMarker],
      ['adult', 'A Parent'],
    ]);

    // Claimed: the referrer leaves the channel; from now on they get the receipt only.
    const claimed = await hub.client.claimReferral(ref);
    expect(claimed).toMatchObject({ state: 'screening', assignedTo: hub.id });
    await refused(teacher.client.messages(channelId), 403, 'not_a_member');
    expect((await teacher.client.referral(ref)).view).toBe('receipt');
    await refused(readAll(teacherS.downloadFile(file)), 403, 'not_a_member');

    // Rated red with a sealed rationale: the deadline is 4 hours from receipt; a re-rating moves it.
    let view = await rateReferral(hubS, claimed, 'red', rationaleMarker);
    expect(Date.parse(view.deadlineAt!) - Date.parse(view.receivedAt!)).toBe(4 * HOUR);
    view = await rateReferral(hubS, claimed, 'amber', 'Less urgent once the school nurse saw her.');
    expect(view.rag).toBe('amber');
    expect(Date.parse(view.deadlineAt!) - Date.parse(view.receivedAt!)).toBe(24 * HOUR);
    expect(view.ratings.map((r) => r.rag)).toEqual(['red', 'amber']);

    // Shared with police: the family did not agree, so consent is refused and a lawful basis is recorded.
    await refused(shareReferral(hubS, claimed, officer.id, { consent: true }), 409, 'no_consent_to_share');
    const shared = await shareReferral(hubS, claimed, officer.id, {
      lawfulBasis: 'safeguarding',
      justification: 'Risk of significant harm: police hold relevant incidents.',
    });
    expect(shared.view.state).toBe('information_gathering');
    expect(shared.recordKeysShared).toBeGreaterThan(0);
    expect(
      await countOf(t, 'SELECT count(*)::int AS n FROM sharing_decisions WHERE referral_id = $1 AND agency_id = $2', [
        claimed.id,
        agency.police,
      ]),
    ).toBe(1);
    // The officer reads the referral record, including what was written before they joined.
    const asOfficer = await readReferral(officerS, ref);
    expect(asOfficer.opened!.content!.concern).toBe(marker);
    expect(asOfficer.opened!.ratings[0].rationale).toBe(rationaleMarker);
    expect(asOfficer.opened!.shares[0].justification).toMatch(/significant harm/);
    expect((await readAll(officerS.downloadFile(asOfficer.opened!.content!.files![0]))).equals(fileBytes)).toBe(true);

    // A partner not asked learns nothing, not even that it exists.
    await refused(nurse.client.referral(ref), 404, 'not_found');
    await refused(nurse.client.messages(channelId), 403, 'not_a_member');
    await refused(readAll(nurseS.downloadFile(file)), 403, 'not_a_member');

    // Decided: early help, opening a family led by the council's practitioner.
    const decided = await decideReferral(hubS, claimed, 'early_help', 'Needs a family-wide plan.', {
      leadWorkerId: lead.id,
    });
    expect(decided.state).toBe('decided');
    const family = await lead.client.family(decided.familyId!);
    expect(family.leadWorker.userId).toBe(lead.id);
    expect((await readReferral(hubS, ref)).opened!.decisionRationale).toBe('Needs a family-wide plan.');

    // The referrer: acknowledgement, rating and decision, and nothing of what the hub or partners wrote.
    const outcome = await teacher.client.referral(ref);
    expect(outcome).toEqual({
      view: 'receipt',
      id: claimed.id,
      ref,
      state: 'decided',
      referrerUserId: teacher.id,
      referrerAgencyId: agency.school,
      categories: ['neglect', 'school_attendance'],
      urgency: 'urgent',
      receivedAt: receipt.receivedAt,
      acknowledgedAt: receipt.acknowledgedAt,
      rag: 'amber',
      ratedAt: view.ratedAt,
      decision: 'early_help',
      decidedAt: decided.decidedAt,
      closedAt: null,
    });
    expect((await teacher.client.referrals()).map((r) => r.ref)).toContain(ref);

    const closed = await hub.client.closeReferral(ref);
    expect(closed.state).toBe('closed');
    expect(closed.timeline.map((e) => e.kind)).toEqual([
      'submitted',
      'claimed',
      'rated',
      'rated',
      'shared',
      'decided',
      'closed',
    ]);

    // The server never had the concern, a name or a rationale.
    const dump = await dumpDatabase(t.databaseUrl);
    for (const m of [marker, nameMarker, rationaleMarker, fileMarker, fileNameMarker]) {
      for (const form of markerForms(m)) expect(dump).not.toContain(form);
    }
  });

  it('gathers what partners hold: police provide with a file, health decline with a reason; the referrer sees none of it', async () => {
    const { receipt } = await submitReferral(teacherS, referral({ urgency: 'immediate' }));
    const ref = receipt.ref!;
    // Only the hub asks, and only once it has taken the referral on.
    const ask = (s: SecureSession, toAgencyId: string, referralId: string) =>
      s.sendInformationRequest({
        subject: { kind: 'referral', referralId },
        toAgencyId,
        dueAt: new Date(t.clock.now().getTime() + 2 * HOUR),
        question: `What do you hold about the family? ${answerMarker}`,
        why: 'Screening a red referral from a school',
      });
    await refused(ask(hubS, agency.police, receipt.id), 409, 'referral_state');
    const claimed = await hub.client.claimReferral(ref);
    await rateReferral(hubS, claimed, 'red', 'Young child, daily concern');
    await refused(ask(officerS, agency.health, claimed.id), 404, 'not_found');
    await refused(ask(teacherS, agency.police, claimed.id), 404, 'not_found');
    const toPolice = (await ask(hubS, agency.police, claimed.id)).request;
    const toHealth = (await ask(hubS, agency.health, claimed.id)).request;
    expect(toPolice.subject).toEqual({ kind: 'referral', referralId: claimed.id, reference: ref });
    const gathering = (await hub.client.referral(ref)) as ReferralView;
    expect(gathering.state).toBe('information_gathering');
    expect(gathering.timeline.filter((e) => e.kind === 'information_requested')).toHaveLength(2);

    // Police: accept, then provide an answer with a file, encrypted for the request's two sides only.
    await policeAdmin.client.acceptInformationRequest(toPolice.id);
    const report = Buffer.concat([Buffer.from(answerMarker), Buffer.alloc(70_000, 0x43)]);
    const file = await policeAdminS.uploadFile(toPolice.channelId, chunksOf(report), {
      name: 'police-report.txt',
      size: report.length,
      purpose: 'record',
    });
    await policeAdminS.provideInformation(toPolice, { text: `Two incidents in 2026. ${answerMarker}`, files: [file] });

    // Health: a reason too short is refused before it is sent; a proper one reaches the hub.
    await expect(healthAdminS.declineInformationRequest(toHealth, 'No.')).rejects.toThrow(/20 characters|sentence/);
    const reason = 'We hold no records for this family since they moved to the area in 2025.';
    await healthAdminS.declineInformationRequest(toHealth, reason);

    // Another hub worker reads both: the answer with its file, and the reason.
    const hubSide = await hubS.openInformationRequest(await hub.client.informationRequest(toPolice.id));
    expect(hubSide.response?.text).toContain(answerMarker);
    const got = await readAll(hubS.downloadFile(hubSide.response!.files![0]));
    expect(got.equals(report)).toBe(true);
    const declined = await hubS.openInformationRequest(await hub.client.informationRequest(toHealth.id));
    expect(declined.decline).toMatchObject({ text: reason, warning: null });

    // Both are sharing decisions about the referral.
    const { rows } = await t.sql(
      'SELECT what, outcome FROM sharing_decisions WHERE referral_id = $1 AND information_request_id IS NOT NULL ORDER BY seq',
      [claimed.id],
    );
    expect(rows).toEqual([
      { what: 'information_requested', outcome: 'shared' },
      { what: 'information_requested', outcome: 'shared' },
      { what: 'information_provided', outcome: 'shared' },
      { what: 'information_declined', outcome: 'refused' },
    ]);

    // The referrer: none of it — not the request, its conversation, the answer or the file.
    await refused(teacher.client.informationRequest(toPolice.id), 404, 'not_found');
    await refused(teacher.client.messages(toPolice.channelId), 403, 'not_a_member');
    await refused(readAll(teacherS.downloadFile(file)), 403, 'not_a_member');
    // Nor a partner agency that was not asked.
    await refused(nurse.client.informationRequest(toPolice.id), 404, 'not_found');

    // Decided on what partners said; the referrer hears the decision only.
    await decideReferral(hubS, claimed, 'social_care_assessment', `Police incidents. ${answerMarker}`);
    const outcome = await teacher.client.referral(ref);
    expect(outcome).toMatchObject({ view: 'receipt', decision: 'social_care_assessment', rag: 'red' });
    expect(JSON.stringify(outcome)).not.toContain(answerMarker);
    const dump = await dumpDatabase(t.databaseUrl);
    for (const form of markerForms(answerMarker)) expect(dump).not.toContain(form);
  });

  it('refuses what the rules forbid, and changes nothing', async () => {
    // A user of an agency not party to the agreement cannot start one.
    await refused(outsider.client.startReferral(randomUUID()), 403, 'agency_not_signed');
    const { receipt } = await submitReferral(teacherS, referral());
    const ref = receipt.ref!;
    // Only the hub's staff screen, share and decide.
    await refused(officer.client.claimReferral(ref), 403, 'hub_only');
    await refused(teacher.client.claimReferral(ref), 403, 'hub_only');
    await refused(officer.client.referralQueue(), 403, 'hub_only');
    // Nothing is rated or decided before it is taken on; nothing decided before it is rated.
    const view = (await hub.client.referral(ref)) as ReferralView & { view: 'full' };
    await refused(rateReferral(hubS, view, 'red', 'too early'), 409, 'referral_state');
    const claimed = await hub.client.claimReferral(ref);
    await refused(decideReferral(hubS, claimed, 'no_further_action', 'why'), 409, 'not_screened');
    // The referral's channel takes members only through a share, which records the basis.
    await refused(hub.client.addMember(claimed.channelId, { userId: nurse.id }), 409, 'referral_channel');
    // Early help needs a family; other decisions take none.
    await rateReferral(hubS, claimed, 'green', 'Low level');
    await refused(
      hub.client.decideReferral(ref, {
        decision: 'no_further_action',
        rationale: { epoch: 1, ciphertext: 'A'.repeat(60) },
        leadWorkerId: lead.id,
      }),
      400,
      'validation_failed',
    );
    // Unknown concern categories and referrals about no child are refused before anything is stored.
    const before = await countOf(t, "SELECT count(*)::int AS n FROM referrals WHERE state <> 'draft'");
    await refused(submitReferral(teacherS, referral({ categories: ['gossip'] })), 400, 'concern_category');
    await refused(
      submitReferral(teacherS, referral({ subjects: [{ role: 'adult', name: 'Only an adult' }] })),
      400,
      'validation_failed',
    );
    expect(await countOf(t, "SELECT count(*)::int AS n FROM referrals WHERE state <> 'draft'")).toBe(before);
    // Someone else cannot submit your draft; a closed referral cannot be decided again.
    const draft = await teacher.client.startReferral(randomUUID());
    await refused(
      officer.client.submitReferral(draft.id, {
        categories: ['neglect'],
        urgency: 'standard',
        familyConsent: 'given',
        subjects: [{ id: randomUUID(), role: 'child', details: { epoch: 1, ciphertext: 'A'.repeat(60) } }],
        content: { epoch: 1, ciphertext: 'A'.repeat(60) },
      }),
      403,
      'not_the_referrer',
    );
    await decideReferral(hubS, claimed, 'signpost', 'Youth club and school nurse');
    await hub.client.closeReferral(ref);
    await refused(
      decideReferral(hubS, claimed, 'early_help', 'again', { leadWorkerId: lead.id }),
      409,
      'referral_state',
    );
  });

  it('shows what a database writer moved between records as not verified, part by part, and the rest as written', async () => {
    const two = referral({
      subjects: [
        { role: 'child', name: 'First Child', dateOfBirth: '2015-01-01' },
        { role: 'adult', name: 'A Parent' },
      ],
    });
    const a = (await submitReferral(teacherS, two)).receipt.ref!;
    const b = (await submitReferral(teacherS, referral({ content: { concern: 'Another school’s concern.' } }))).receipt
      .ref!;
    const claimed = await hub.client.claimReferral(a);
    await rateReferral(hubS, claimed, 'amber', 'First look: amber.');
    await rateReferral(hubS, (await hub.client.referral(a)) as ReferralView, 'red', 'Police hold two incidents.');
    const id = async (ref: string) =>
      (await t.sql('SELECT id FROM referrals WHERE ref = $1', [ref])).rows.map((r: { id: string }) => r.id)[0];
    const [idA, idB] = [await id(a), await id(b)];
    const clean = await readReferral(hubS, a);
    expect(clean.opened!.problems).toEqual([]);

    // Within one referral: the child's details put on the adult's row, and the second rating's reason on the first.
    await t.sql(
      `UPDATE referral_subjects s SET details = c.details, details_epoch = c.details_epoch
         FROM referral_subjects c WHERE s.referral_id = $1 AND c.referral_id = $1 AND s.role = 'adult' AND c.role = 'child'`,
      [idA],
    );
    await t.sql(
      `UPDATE referral_ratings r SET rationale = l.rationale, rationale_epoch = l.rationale_epoch
         FROM referral_ratings l WHERE r.referral_id = $1 AND l.referral_id = $1 AND r.rag = 'amber' AND l.rag = 'red'`,
      [idA],
    );
    const moved = (await readReferral(hubS, a)).opened!;
    expect(moved.problems).toEqual([
      'The details of person 2 could not be verified, so it is not shown: it was changed on the server, or moved there from another record.',
      'The reason for rating 1 (amber) could not be verified, so it is not shown: it was changed on the server, or moved there from another record.',
    ]);
    expect(moved.subjects.map((x) => x.details?.name ?? null)).toEqual(['First Child', null]);
    expect(moved.ratings.map((r) => r.rationale)).toEqual([null, 'Police hold two incidents.']);
    expect(moved.content!.concern).toBe('Arrives hungry most mornings.');

    // Across referrals (each in its own conversation): B's concern put into A cannot be read as A's.
    await t.sql(
      `UPDATE referrals a SET content = b.content, content_epoch = b.content_epoch FROM referrals b
        WHERE a.id = $1 AND b.id = $2`,
      [idA, idB],
    );
    const across = (await readReferral(hubS, a)).opened!;
    expect(across.problems[0]).toBe(
      'The concern could not be verified, so it is not shown: it was changed on the server, or moved there from another record.',
    );
    expect(across.content).toBeNull();
    expect(JSON.stringify(across)).not.toContain('Another school’s concern.');
  });

  it('runs deadlines from receipt, puts overdue first, and reminds once each', async () => {
    const a = await submitReferral(teacherS, referral({ urgency: 'standard' })); // green: 72 h
    t.clock.advance(HOUR);
    const b = await submitReferral(teacherS, referral({ urgency: 'immediate' })); // red: 4 h
    const rt = new RealtimeConnection(t.baseUrl, hub2.client.token!);
    sockets.push(rt);
    await rt.connect();
    const heard: RealtimeEventMap['referral.updated'][] = [];
    rt.on('referral.updated', (e) => {
      if (e.reminder) heard.push(e);
    });
    const reminders = t.app.get(ReferralRemindersService);

    // b is due in 4 hours: within the hour, the hub hears "due soon"; past it, "overdue"; once each.
    t.clock.advance(3 * HOUR + 1);
    await reminders.sendReminders();
    await reminders.sendReminders();
    t.clock.advance(HOUR);
    await reminders.sendReminders();
    await reminders.sendReminders();
    for (let i = 0; i < 100 && heard.filter((e) => e.ref === b.receipt.ref).length < 2; i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(heard.filter((e) => e.ref === b.receipt.ref).map((e) => e.reminder)).toEqual(['due_soon', 'overdue']);

    const queue = await hub.client.referralQueue();
    const refs = queue.entries.map((e) => e.ref);
    expect(refs.indexOf(b.receipt.ref!)).toBeLessThan(refs.indexOf(a.receipt.ref!));
    expect(queue.entries.find((e) => e.ref === b.receipt.ref)!.overdue).toBe(true);
    const firstNotOverdue = queue.entries.findIndex((e) => !e.overdue);
    expect(queue.entries.slice(firstNotOverdue).every((e) => !e.overdue)).toBe(true);
    expect(queue.overdue).toBe(queue.entries.filter((e) => e.overdue).length);
    expect(queue.byRag.unrated).toBeGreaterThanOrEqual(2);

    // Rating b green moves its deadline to 72 h from receipt: no longer overdue, and it may be reminded again.
    const claimed = await hub.client.claimReferral(b.receipt.ref!);
    const rated = await rateReferral(hubS, claimed, 'green', 'Seen by health visitor: not urgent');
    expect(rated.overdue).toBe(false);
    expect(Date.parse(rated.deadlineAt!) - Date.parse(rated.receivedAt!)).toBe(72 * HOUR);
  });

  it('numbers referrals gaplessly and uniquely when two instances take them at once', async () => {
    const second = await startInstance(t.databaseUrl, t.clock, LONG_SESSIONS);
    try {
      const other = new StrongroomClient(second.baseUrl);
      await other.login({ email: teacher.email, password: teacher.password });
      const otherS = await secureSession(other, 'teacher on the second instance', t);
      sessions.push(otherS);
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) => submitReferral(i % 2 ? otherS : teacherS, referral())),
      );
      const numbers = results.map((r) => Number(r.receipt.ref!.slice(-6))).sort((x, y) => x - y);
      expect(new Set(numbers).size).toBe(12);
      const { rows } = await t.sql('SELECT ref FROM referrals WHERE ref IS NOT NULL ORDER BY ref');
      const all = rows.map((r: { ref: string }) => Number(r.ref.slice(-6)));
      expect(all).toEqual(Array.from({ length: all.length }, (_, i) => i + 1));
    } finally {
      await second.app.close();
    }
  });
});
