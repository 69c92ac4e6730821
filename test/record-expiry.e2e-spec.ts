import { randomUUID } from 'node:crypto';
import {
  decideReferral,
  MemoryTrustStore,
  rateReferral,
  SecureSession as Session,
  submitReferral,
  type DisposalView,
  type SecureSession,
} from '../client/sdk/index.js';
import { RecordExpiryService } from '../src/retention/record-expiry.service.js';
import { countOf } from './support/db.js';
import { refused } from './support/refused.js';
import { secureSession } from './support/secure.js';
import { startInstance, startTestApp, type TestApp } from './support/test-app.js';
import { type Person, World } from './support/world.js';

const DAY = 86_400_000;

/**
 * Dated records expire (issue 16; ISA 7), on a real server, PostgreSQL and the SDK, with the clock moved:
 * a closed meeting past the date its chair's agency's schedule keeps it until goes with its minutes,
 * amendments, entries and attendance (its actions stay, detached); a closed referral with its parts; an ended
 * information request. Each leaves a disposal record and an audit event; a legal hold on the record's
 * family, channel or class keeps it until released; a meeting not yet due, or never closed, stays; the keys
 * only the deleted records needed go, and every live record in the channel still opens for its members.
 * Two instances running the job at once delete each record once.
 */
describe('dated records expire: minutes, referrals and information requests', () => {
  let t: TestApp;
  let w: World;
  let council: string;
  let police: string;
  let hubAgency: string;
  let isaAdmin: Person;
  let councilLead: Person;
  let hubLead: Person;
  let alice: Person;
  let manager: Person;
  let bob: Person;
  let hub: Person;
  let teacher: Person;
  let aliceS: SecureSession;
  let bobS: SecureSession;
  let second: Awaited<ReturnType<typeof startInstance>> | undefined;
  const sessions: SecureSession[] = [];

  /** Family F: meeting A (due), C (a longer period), B (never closed), an action made at A, a member's details. */
  const f = { id: '', channelId: '' };
  const ids = {
    a: '',
    b: '',
    c: '',
    h: '',
    action: '',
    member: '',
    referral: '',
    request: '',
    referral2: '',
    request2: '',
  };
  let requestChannel = '';
  const batch: string[] = [];
  let familyH = { id: '', ref: '', channelId: '' };
  let channelHeld = '';
  let t0 = 0;
  const minutesA = { sections: [{ item: 'plan', notes: 'Attendance up to 92%' }], familyVoice: 'We are trying' };

  beforeAll(async () => {
    t = await startTestApp({ env: { EXPIRY_BATCH_SIZE: '2' } });
    w = new World(t);
    await w.agreement();
    council = await w.agency('Council');
    police = await w.agency('Police', { sector: 'police' });
    hubAgency = await w.agency('Compass MASH', { mashHub: true });
    const school = await w.agency('Oak Primary', { sector: 'education' });
    isaAdmin = await w.person(council, 'isa_admin', 'isa');
    councilLead = await w.person(council, 'agency_admin', 'councillead');
    hubLead = await w.person(hubAgency, 'agency_admin', 'hublead');
    alice = await w.person(council, 'practitioner', 'alice');
    manager = await w.person(council, 'practitioner', 'manager');
    bob = await w.person(council, 'practitioner', 'bob');
    await w.person(police, 'agency_admin', 'policeadmin');
    hub = await w.person(hubAgency, 'mash_worker', 'hub');
    teacher = await w.person(school, 'practitioner', 'teacher');
    aliceS = await secureSession(alice.client, 'alice laptop', t);
    bobS = await secureSession(bob.client, 'bob laptop', t);
    const hubS = await secureSession(hub.client, 'hub laptop', t);
    const teacherS = await secureSession(teacher.client, 'teacher laptop', t);
    sessions.push(aliceS, bobS, hubS, teacherS);
    // The shortest periods the classes allow, so that a year and a few days is enough.
    await councilLead.client.setRetentionPeriod(council, 'minutes', 365);
    await councilLead.client.setRetentionPeriod(council, 'information_requests', 365);
    await hubLead.client.setRetentionPeriod(hubAgency, 'referrals', 365);
    await hubLead.client.setRetentionPeriod(hubAgency, 'information_requests', 365);

    const closedMeeting = async (channelId: string, opts: { entry?: boolean; amend?: boolean } = {}) => {
      const id = randomUUID();
      await alice.client.scheduleMeeting({
        id,
        channelId,
        kind: 'family',
        scheduledAt: new Date(t.clock.now().getTime() + 3_600_000).toISOString(),
        place: await aliceS.sealField(channelId, 'meeting-place', { text: 'Family Hub' }, { recordId: id }),
        agenda: await aliceS.sealField(channelId, 'meeting-agenda', [{ id: 'plan', title: 'The plan' }], {
          recordId: id,
        }),
        invitees: [bob.id],
      });
      await alice.client.startMeeting(id);
      await aliceS.saveMinutes(id, minutesA, 0);
      if (opts.entry) {
        const entryId = randomUUID();
        await alice.client.addMeetingEntry(id, {
          id: entryId,
          agendaItem: 'plan',
          kind: 'decision',
          content: await aliceS.sealField(
            channelId,
            'meeting-entry',
            { text: 'Weekly check-ins' },
            { recordId: entryId },
          ),
        });
      }
      await aliceS.closeMeeting(id);
      if (opts.amend) await aliceS.amendMinutes(id, { text: 'Check-ins are fortnightly', reason: 'Recorded wrongly' });
      return id;
    };

    // Family F. Everything of meeting A is sealed under the channel's first key; the rest under the next.
    const family = await alice.client.createFamily();
    Object.assign(f, { id: family.id, channelId: family.channelId });
    await alice.client.addMember(f.channelId, { userId: bob.id });
    ids.a = await closedMeeting(f.channelId, { entry: true, amend: true });
    await aliceS.rotate(f.channelId);
    ids.action = randomUUID();
    await alice.client.createAction({
      id: ids.action,
      channelId: f.channelId,
      meetingId: ids.a,
      description: await aliceS.sealField(
        f.channelId,
        'action',
        { text: 'Book the school nurse' },
        { recordId: ids.action },
      ),
      ownerId: bob.id,
      dueOn: t.clock.now().toISOString().slice(0, 10),
    });
    ids.member = randomUUID();
    await aliceS.sealedWrite(async () =>
      alice.client.addFamilyMember(f.id, {
        id: ids.member,
        role: 'child',
        details: await aliceS.sealField(f.channelId, 'family-member', { name: 'Sam Carter' }, { recordId: ids.member }),
      }),
    );
    ids.b = randomUUID();
    await alice.client.scheduleMeeting({
      id: ids.b,
      channelId: f.channelId,
      kind: 'family',
      scheduledAt: new Date(t.clock.now().getTime() + 3_600_000).toISOString(),
      place: await aliceS.sealField(f.channelId, 'meeting-place', { text: 'School hall' }, { recordId: ids.b }),
    });
    // Meeting C takes a longer period: it is due a month after A.
    await councilLead.client.setRetentionPeriod(council, 'minutes', 400);
    ids.c = await closedMeeting(f.channelId);
    await councilLead.client.setRetentionPeriod(council, 'minutes', 365);

    // An information request about family F, withdrawn: over, dated from its withdrawal.
    const basisId = randomUUID();
    await alice.client.recordLawfulBasis(f.id, {
      id: basisId,
      agencyId: police,
      basis: 'safeguarding',
      justification: await aliceS.sealField(
        f.channelId,
        'lawful-basis',
        { text: 'Risk of harm' },
        { recordId: basisId },
      ),
      approvedBy: manager.id,
    });
    const { request } = await aliceS.sendInformationRequest({
      subject: { kind: 'family', familyId: f.id },
      toAgencyId: police,
      dueAt: new Date(t.clock.now().getTime() + 7 * DAY).toISOString(),
      question: 'Anything known about the household?',
      why: 'Planning the family’s support',
    });
    ids.request = request.id;
    await alice.client.withdrawInformationRequest(request.id);

    // A referral the hub has decided and closed.
    /** A referral from the school, taken on by the hub for screening. */
    const screened = async (name: string) => {
      const { receipt } = await submitReferral(teacherS, {
        categories: ['neglect'],
        urgency: 'standard',
        familyConsent: 'given',
        subjects: [{ role: 'child', name, dateOfBirth: '2016-02-03' }],
        content: { concern: 'Arrives hungry.', when: 'This term' },
      });
      return hub.client.claimReferral(receipt.ref!);
    };
    const claimed = await screened('A Child');
    await rateReferral(hubS, claimed, 'green', 'Low level');
    await decideReferral(hubS, claimed, 'signpost', 'Youth club');
    await hub.client.closeReferral(claimed.ref!);
    ids.referral = claimed.id;

    // A second referral the hub asked the police about while screening it; the request is withdrawn, the
    // referral closed. The request's own channel is held (below): the referral waits for the request.
    const screening = await screened('B Child');
    const asked = await hubS.sendInformationRequest({
      subject: { kind: 'referral', referralId: screening.id },
      toAgencyId: police,
      dueAt: new Date(t.clock.now().getTime() + 7 * DAY).toISOString(),
      question: 'Anything known?',
      why: 'Screening a concern',
    });
    await hub.client.withdrawInformationRequest(asked.request.id);
    await rateReferral(hubS, screening, 'green', 'Low level');
    await decideReferral(hubS, screening, 'signpost', 'Youth club');
    await hub.client.closeReferral(screening.ref!);
    ids.referral2 = screening.id;
    ids.request2 = asked.request.id;
    requestChannel = asked.request.channelId;

    // Family H: one closed meeting, to be held. Another family's channel: four closed meetings, held too.
    familyH = await alice.client.createFamily();
    await alice.client.addMember(familyH.channelId, { userId: bob.id });
    ids.h = await closedMeeting(familyH.channelId);
    const other = await alice.client.createFamily();
    channelHeld = other.channelId;
    await alice.client.addMember(channelHeld, { userId: bob.id });
    for (let i = 0; i < 4; i++) batch.push(await closedMeeting(channelHeld));
    t0 = t.clock.now().getTime();
  });
  afterAll(async () => {
    for (const s of sessions) s.close();
    await second?.app.close();
    await t.close();
  });

  const run = () => t.app.get(RecordExpiryService).expireRecords();
  const exists = async (table: string, id: string) =>
    (await countOf(t, `SELECT count(*)::int AS n FROM ${table} WHERE id = $1`, [id])) > 0;
  const meetingRows = (table: string, id: string) =>
    countOf(t, `SELECT count(*)::int AS n FROM ${table} WHERE meeting_id = $1`, [id]);
  const envelopes = (channelId: string, epoch: number) =>
    countOf(t, 'SELECT count(*)::int AS n FROM key_envelopes WHERE channel_id = $1 AND epoch = $2', [channelId, epoch]);
  const disposalsSince = async (since: number) =>
    (await isaAdmin.client.disposals({ from: new Date(since).toISOString() })).filter((d) => d.rule === 'schedule');
  /** The clock moves to `days` after the fixtures were made; everyone signs in again. */
  const at = async (days: number) => {
    t.clock.advance(t0 + days * DAY - t.clock.now().getTime());
    [isaAdmin, alice, bob] = await Promise.all([isaAdmin, alice, bob].map((p) => w.signIn(p)));
  };

  it('keeps everything before the dates pass, and a meeting never closed or a record under hold afterwards', async () => {
    const holdH = await isaAdmin.client.placeHold({
      scope: 'family',
      family: familyH.ref,
      reason: 'Court proceedings',
    });
    const holdChannel = await isaAdmin.client.placeHold({
      scope: 'channel',
      channelId: channelHeld,
      reason: 'Complaint review',
    });
    await isaAdmin.client.placeHold({ scope: 'channel', channelId: requestChannel, reason: 'Complaint review' });
    expect(holdH.scopeId).toBe(familyH.id);
    expect(holdChannel.scopeId).toBe(channelHeld);
    await at(360);
    expect(await run()).toMatchObject({ deleted: { minutes: 0, referrals: 0, information_requests: 0 } });
    for (const id of [ids.a, ids.b, ids.c, ids.h]) expect(await exists('meetings', id)).toBe(true);
    expect(await exists('referrals', ids.referral)).toBe(true);
    expect(await exists('information_requests', ids.request)).toBe(true);
  });

  it('deletes a closed meeting past its date with its minutes, amendments, entries and attendance; keeps its action, and the channel’s other records still open', async () => {
    const epochA = (await t.sql('SELECT DISTINCT epoch FROM minutes_versions WHERE meeting_id = $1', [ids.a])).rows as {
      epoch: number;
    }[];
    expect(epochA).toHaveLength(1);
    const oldEpoch = epochA[0].epoch;
    expect(await envelopes(f.channelId, oldEpoch)).toBeGreaterThan(0);
    const createdA = (
      (await t.sql('SELECT created_at FROM retention_dates WHERE record_id = $1', [ids.a])).rows[0] as {
        created_at: Date;
      }
    ).created_at.toISOString();
    expect(await meetingRows('meeting_entries', ids.a)).toBe(1);
    expect(await meetingRows('minutes_amendments', ids.a)).toBe(1);

    await at(370);
    const from = t.clock.now().getTime();
    const report = await run();
    expect(report).toMatchObject({ deleted: { minutes: 1, referrals: 1, information_requests: 1 } });
    expect(report.envelopesDeleted).toBeGreaterThan(0);

    expect(await exists('meetings', ids.a)).toBe(false);
    for (const table of [
      'minutes_versions',
      'minutes_amendments',
      'meeting_entries',
      'meeting_invitations',
      'meeting_family_attendance',
    ]) {
      expect({ table, left: await meetingRows(table, ids.a) }).toEqual({ table, left: 0 });
    }
    await refused(alice.client.meeting(ids.a), 404, 'not_found');
    // Not due (C), never closed (B), or held (H and the held channel's): still there.
    for (const id of [ids.b, ids.c, ids.h, ...batch]) expect(await exists('meetings', id)).toBe(true);
    // The action made at the meeting is its own record: kept, without the link to the meeting that went.
    expect(await bob.client.action(ids.action)).toMatchObject({ id: ids.action, meetingId: null });

    const records = await disposalsSince(from);
    expect(records.filter((d) => d.recordClass === 'minutes')).toEqual([
      expect.objectContaining({
        recordClass: 'minutes',
        rule: 'schedule',
        channelId: f.channelId,
        count: 1,
        oldestCreatedAt: createdA,
        newestCreatedAt: createdA,
      }) as DisposalView,
    ]);
    const { rows: audits } = await t.sql(
      "SELECT target_type, target_id, details FROM audit_events WHERE action = 'retention.record_expired' AND target_id = $1",
      [ids.a],
    );
    expect(audits).toEqual([
      {
        target_type: 'meeting',
        target_id: ids.a,
        details: {
          recordClass: 'minutes',
          rule: 'schedule',
          channelId: f.channelId,
          minutes_versions: 1,
          minutes_amendments: 1,
          meeting_entries: 1,
          meeting_invitations: 2, // the chair and Bob
          meeting_family_attendance: 0,
          actions_kept: 1,
        },
      },
    ]);

    // The keys only meeting A needed are gone; the ones the live records need stay, and open them.
    expect(await envelopes(f.channelId, oldEpoch)).toBe(0);
    const { rows: needed } = await t.sql('SELECT DISTINCT epoch FROM record_epochs WHERE channel_id = $1', [
      f.channelId,
    ]);
    expect(needed.length).toBeGreaterThan(0);
    for (const { epoch } of needed as { epoch: number }[])
      expect(await envelopes(f.channelId, epoch)).toBeGreaterThan(0);
    const fresh = new Session(bob.client, bobS.device, new MemoryTrustStore(), () => t.clock.now());
    sessions.push(fresh);
    const a = await bob.client.action(ids.action);
    expect(await fresh.openField(f.channelId, 'action', a.description, { recordId: a.id })).toEqual({
      text: 'Book the school nurse',
    });
    const b = await bob.client.meeting(ids.b);
    expect(await fresh.openField(f.channelId, 'meeting-place', b.place!, { recordId: b.id })).toEqual({
      text: 'School hall',
    });
    const c = await bob.client.meeting(ids.c);
    expect((await fresh.verifiedMinutes(ids.c, c)).document).toEqual(minutesA);
    const family = await alice.client.family(f.id);
    const freshAlice = new Session(alice.client, aliceS.device, new MemoryTrustStore(), () => t.clock.now());
    sessions.push(freshAlice);
    expect(
      await freshAlice.openField(f.channelId, 'family-member', family.members[0].details!, {
        recordId: family.members[0].id,
      }),
    ).toEqual({ name: 'Sam Carter' });
  });

  it('deletes a closed referral with its parts, and a withdrawn information request, each with a disposal record', async () => {
    expect(await exists('referrals', ids.referral)).toBe(false);
    for (const table of ['referral_subjects', 'referral_ratings', 'referral_events']) {
      expect({
        table,
        left: await countOf(t, `SELECT count(*)::int AS n FROM ${table} WHERE referral_id = $1`, [ids.referral]),
      }).toEqual({ table, left: 0 });
    }
    expect(await exists('information_requests', ids.request)).toBe(false);
    // The sharing decision about the request is a consent record: kept, without the link.
    expect(
      await countOf(t, 'SELECT count(*)::int AS n FROM sharing_decisions WHERE information_request_id = $1', [
        ids.request,
      ]),
    ).toBe(0);
    const records = await disposalsSince(t0);
    expect(records.filter((d) => d.recordClass !== 'minutes')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ recordClass: 'referrals', rule: 'schedule', count: 1 }),
        expect.objectContaining({ recordClass: 'information_requests', rule: 'schedule', count: 1 }),
      ]),
    );
    expect(
      await countOf(t, 'SELECT count(*)::int AS n FROM retention_dates WHERE record_id = ANY($1)', [
        [ids.a, ids.referral, ids.request],
      ]),
    ).toBe(0);
    const { rows } = await t.sql(
      "SELECT target_type FROM audit_events WHERE action = 'retention.record_expired' AND target_id = ANY($1) ORDER BY target_type",
      [[ids.referral, ids.request]],
    );
    expect(rows).toEqual([{ target_type: 'information_request' }, { target_type: 'referral' }]);
  });

  it('keeps a closed referral while an information request about it remains; both go once the request’s hold is released', async () => {
    expect(await exists('information_requests', ids.request2)).toBe(true);
    expect(await exists('referrals', ids.referral2)).toBe(true);
    const hold = (await isaAdmin.client.holds()).find((h) => h.scopeId === requestChannel)!;
    await isaAdmin.client.releaseHold(hold.id, { reason: 'Review finished' });
    expect((await run()).deleted).toMatchObject({ information_requests: 1, referrals: 1 });
    expect(await exists('information_requests', ids.request2)).toBe(false);
    expect(await exists('referrals', ids.referral2)).toBe(false);
  });

  it('a hold on the family, then on the owning agency, then on the class of minutes, keeps a due meeting; released, the next run deletes it', async () => {
    const agencyHold = await isaAdmin.client.placeHold({ scope: 'agency', agencyId: council, reason: 'Complaint' });
    const familyHold = (await isaAdmin.client.holds()).find((h) => h.scope === 'family')!;
    await isaAdmin.client.releaseHold(familyHold.id, { reason: 'Proceedings ended' });
    expect((await run()).deleted.minutes).toBe(0);
    expect(await exists('meetings', ids.h)).toBe(true);
    const classHold = await isaAdmin.client.placeHold({ scope: 'class', recordClass: 'minutes', reason: 'Inquiry' });
    await isaAdmin.client.releaseHold(agencyHold.id, { reason: 'Complaint answered' });
    expect((await run()).deleted.minutes).toBe(0);
    expect(await exists('meetings', ids.h)).toBe(true);
    await isaAdmin.client.releaseHold(classHold.id, { reason: 'Inquiry closed' });
    t.clock.advance(60_000);
    const from = t.clock.now().getTime();
    expect((await run()).deleted.minutes).toBe(1);
    expect(await exists('meetings', ids.h)).toBe(false);
    expect(await disposalsSince(from)).toEqual([
      expect.objectContaining({ recordClass: 'minutes', channelId: familyH.channelId, count: 1 }) as DisposalView,
    ]);
  });

  it('two instances running the job at once delete each record once, with one disposal record each', async () => {
    second = await startInstance(t.databaseUrl, t.clock, { EXPIRY_BATCH_SIZE: '2' });
    const hold = (await isaAdmin.client.holds()).find((h) => h.scope === 'channel')!;
    await isaAdmin.client.releaseHold(hold.id, { reason: 'Review finished' });
    t.clock.advance(60_000);
    const from = t.clock.now().getTime();
    const reports = await Promise.all([run(), second.app.get(RecordExpiryService).expireRecords()]);
    expect(reports.reduce((n, r) => n + r.deleted.minutes, 0)).toBe(batch.length);
    for (const id of batch) expect(await exists('meetings', id)).toBe(false);
    const records = await disposalsSince(from);
    expect(records.every((d) => d.channelId === channelHeld)).toBe(true);
    expect(records.reduce((n, d) => n + d.count, 0)).toBe(batch.length);
    const { rows } = await t.sql(
      "SELECT target_id, count(*)::int AS n FROM audit_events WHERE action = 'retention.record_expired' AND target_id = ANY($1) GROUP BY target_id",
      [batch],
    );
    expect(rows).toHaveLength(batch.length);
    expect((rows as { n: number }[]).every((r) => r.n === 1)).toBe(true);
  });

  it('a meeting with a longer period goes when its own date passes; one never closed never does', async () => {
    await at(395);
    expect((await run()).deleted.minutes).toBe(0);
    expect(await exists('meetings', ids.c)).toBe(true);
    await at(410);
    expect((await run()).deleted.minutes).toBe(1);
    expect(await exists('meetings', ids.c)).toBe(false);
    await at(5000);
    expect((await run()).deleted.minutes).toBe(0);
    expect(await exists('meetings', ids.b)).toBe(true);
  });
});
