import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  decideReferral,
  rateReferral,
  submitReferral,
  type DisposalView,
  type ScheduleView,
  type SecureSession,
} from '../client/sdk/index.js';
import { SCHEDULE_CLASSES } from '../contracts/retention.js';
import { RetentionService } from '../src/retention/retention.service.js';
import { cli, json } from './support/cli.js';
import { countOf } from './support/db.js';
import { fieldsOf, refused } from './support/refused.js';
import { secureSession } from './support/secure.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { type Person, totpAt, World } from './support/world.js';

const DAY = 86_400_000;

/**
 * Retention schedules by agency and record class (issue 16; ISA 7, each party's own schedule), on a real
 * server and the real expiry job: an agency's data-protection lead sets its own periods within each class's
 * bounds (an ISA administrator any agency's); a record takes its owning agency's period when it is made and
 * keeps it through later changes; a period counted from closure runs from the day the record closes; legal
 * holds still stop the expiry, and disposal records match what went. Refusals change nothing.
 */
describe('retention schedules by agency and record class', () => {
  let t: TestApp;
  let w: World;
  let council: string;
  let police: string;
  let hubAgency: string;
  let school: string;
  let isaAdmin: Person;
  let councilLead: Person;
  let policeLead: Person;
  let hubLead: Person;
  let alice: Person;
  let bob: Person;
  let hub: Person;
  let teacher: Person;
  const sessions: SecureSession[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    w = new World(t);
    await w.agreement();
    council = await w.agency('Council');
    police = await w.agency('Police', { sector: 'police' });
    hubAgency = await w.agency('Compass MASH', { mashHub: true });
    school = await w.agency('Oak Primary', { sector: 'education' });
    isaAdmin = await w.person(council, 'isa_admin', 'isa');
    councilLead = await w.person(council, 'agency_admin', 'councillead');
    policeLead = await w.person(police, 'agency_admin', 'policelead');
    hubLead = await w.person(hubAgency, 'agency_admin', 'hublead');
    alice = await w.person(council, 'practitioner', 'alice');
    bob = await w.person(police, 'practitioner', 'bob');
    hub = await w.person(hubAgency, 'mash_worker', 'hub');
    teacher = await w.person(school, 'practitioner', 'teacher');
  });
  afterAll(async () => {
    for (const s of sessions) s.close();
    await t.close();
  });

  const entry = (s: ScheduleView, cls: string) => s.classes.find((c) => c.recordClass === cls)!;
  const scheduleRows = () => countOf(t, 'SELECT count(*)::int AS n FROM retention_schedules');
  const scheduleAudits = () =>
    countOf(t, "SELECT count(*)::int AS n FROM audit_events WHERE action = 'retention.schedule_set'");
  /** Everyone signs in again after the clock moves past their sessions' end. */
  const signInAgain = async () => {
    await Promise.all([alice, bob].map((p) => p.client.login({ email: p.email, password: p.password })));
    isaAdmin = await w.signIn(isaAdmin);
  };

  it('shows each agency’s schedule: every class with its default, bounds, what it counts from and how it is applied', async () => {
    const own = await alice.client.retentionSchedule();
    expect(own).toMatchObject({ agencyId: council, agencyName: 'Council' });
    expect(own.classes.map((c) => c.recordClass)).toEqual(SCHEDULE_CLASSES);
    expect(entry(own, 'messages_direct')).toEqual({
      recordClass: 'messages_direct',
      days: 90,
      defaultDays: 90,
      minDays: 1,
      maxDays: 3650,
      anchor: 'creation',
      enforcement: 'deleted',
      setBy: null,
      setAt: null,
    });
    expect(entry(own, 'referrals')).toMatchObject({ anchor: 'closure', enforcement: 'deleted', minDays: 365 });
    expect(entry(own, 'consent_records')).toMatchObject({ anchor: 'creation', enforcement: 'deleted' });
    // A partner's schedule is readable by anyone signed in (ISA 7: the parties know each other's).
    expect(await bob.client.retentionSchedule({ agencyId: council })).toEqual(own);
    await refused(
      alice.client.retentionSchedule({ agencyId: '00000000-0000-4000-8000-000000000000' }),
      404,
      'not_found',
    );
  });

  it('refuses a period outside the class’s bounds in plain words, and nothing changes', async () => {
    const rows = await scheduleRows();
    const audits = await scheduleAudits();
    const tooLong = await refused(
      councilLead.client.setRetentionPeriod(council, 'messages_direct', 3651),
      400,
      'validation_failed',
    );
    expect(tooLong.message).toBe(
      'The period for direct messages must be between 1 and 3650 days: nothing was changed.',
    );
    expect(fieldsOf(tooLong)).toEqual({ days: ['must be between 1 and 3650'] });
    await refused(councilLead.client.setRetentionPeriod(council, 'minutes', 364), 400, 'validation_failed');
    await refused(councilLead.client.setRetentionPeriod(council, 'minutes', 0), 400, 'validation_failed');
    await refused(councilLead.client.setRetentionPeriod(council, 'gossip' as 'minutes', 400), 400, 'validation_failed');
    expect(await scheduleRows()).toBe(rows);
    expect(await scheduleAudits()).toBe(audits);
    expect(entry(await alice.client.retentionSchedule(), 'minutes').setBy).toBeNull();
  });

  it('lets an agency’s data-protection lead set only its own agency’s periods, an ISA administrator any, and nobody else', async () => {
    const rows = await scheduleRows();
    await refused(policeLead.client.setRetentionPeriod(council, 'messages_direct', 30), 403, 'other_agency');
    await refused(alice.client.setRetentionPeriod(council, 'messages_direct', 30), 403, 'forbidden_role');
    await refused(hub.client.setRetentionPeriod(hubAgency, 'referrals', 400), 403, 'forbidden_role');
    expect(await scheduleRows()).toBe(rows);

    const set = await policeLead.client.setRetentionPeriod(police, 'messages_locality_meeting', 20);
    expect(entry(set, 'messages_locality_meeting')).toMatchObject({ days: 20, defaultDays: 365, setBy: policeLead.id });
    const byIsa = await isaAdmin.client.setRetentionPeriod(police, 'actions', 400);
    expect(entry(byIsa, 'actions')).toMatchObject({ days: 400, setBy: isaAdmin.id });
    expect(entry(byIsa, 'messages_locality_meeting').days).toBe(20);
    // The council's schedule is untouched by the police's.
    expect(entry(await alice.client.retentionSchedule(), 'messages_locality_meeting').days).toBe(365);

    // Audited with ids and numbers only.
    const { rows: events } = await t.sql(
      `SELECT actor_user_id, target_type, target_id, details FROM audit_events
        WHERE action = 'retention.schedule_set' ORDER BY seq DESC LIMIT 2`,
    );
    expect(events).toEqual([
      {
        actor_user_id: isaAdmin.id,
        target_type: 'agency',
        target_id: police,
        details: { recordClass: 'actions', days: 400, previousDays: 2555 },
      },
      {
        actor_user_id: policeLead.id,
        target_type: 'agency',
        target_id: police,
        details: { recordClass: 'messages_locality_meeting', days: 20, previousDays: 365 },
      },
    ]);
  });

  it('gives a channel its creator’s agency’s period when it is made and keeps it through later changes; expiry follows it, holds still stop it, and disposal records match', async () => {
    const aliceS = await secureSession(alice.client, 'alice laptop', t);
    const bobS = await secureSession(bob.client, 'bob laptop', t);
    sessions.push(aliceS, bobS);
    await councilLead.client.setRetentionPeriod(council, 'messages_locality_meeting', 10);
    await councilLead.client.setRetentionPeriod(council, 'messages_family_meeting', 12);
    const early = await aliceS.createChannel({ kind: 'locality_meeting', members: [{ userId: bob.id }] });
    const held = await aliceS.createChannel({ kind: 'locality_meeting', members: [{ userId: bob.id }] });
    const byPolice = await bobS.createChannel({ kind: 'locality_meeting', members: [{ userId: alice.id }] });
    const family = await alice.client.createFamily();
    expect((await alice.client.channel(early)).retentionDays).toBe(10);
    expect((await bob.client.channel(byPolice)).retentionDays).toBe(20);
    expect((await alice.client.channel(family.channelId)).retentionDays).toBe(12);

    // The council lengthens its period: channels made before keep 10 days, new ones take 30.
    await councilLead.client.setRetentionPeriod(council, 'messages_locality_meeting', 30);
    const later = await aliceS.createChannel({ kind: 'locality_meeting', members: [{ userId: bob.id }] });
    expect((await alice.client.channel(later)).retentionDays).toBe(30);
    expect((await alice.client.channel(early)).retentionDays).toBe(10);

    const hold = await isaAdmin.client.placeHold({ scope: 'channel', channelId: held, reason: 'Complaint review' });
    const gone1 = await aliceS.send(early, 'goes after ten days');
    t.clock.advance(60_000);
    const gone2 = await bobS.send(early, 'also goes after ten days');
    const kept = await aliceS.send(held, 'kept by the hold');
    const stays = await aliceS.send(later, 'stays for thirty days');
    const runFrom = t.clock.now();
    t.clock.advance(11 * DAY);
    await signInAgain();

    expect(await t.app.get(RetentionService).expireMessages()).toMatchObject({ messagesDeleted: 2 });
    const left = async (ch: string) =>
      (
        (await t.sql('SELECT seq::int AS seq FROM messages WHERE channel_id = $1 ORDER BY seq', [ch])).rows as {
          seq: number;
        }[]
      ).map((r) => r.seq);
    expect(await left(early)).toEqual([]);
    expect(await left(held)).toEqual([kept.seq]);
    expect(await left(later)).toEqual([stays.seq]);
    const records = (await isaAdmin.client.disposals({ from: runFrom.toISOString() })).filter(
      (d) => d.recordClass === 'messages',
    );
    expect(records).toEqual([
      expect.objectContaining({
        rule: 'channel_retention',
        channelId: early,
        count: 2,
        oldestCreatedAt: gone1.createdAt,
        newestCreatedAt: gone2.createdAt,
      }) as DisposalView,
    ]);

    // Released, the held channel's message goes at the next run under its own ten days; the thirty-day one stays.
    await isaAdmin.client.releaseHold(hold.id, { reason: 'Review finished' });
    expect(await t.app.get(RetentionService).expireMessages()).toMatchObject({ messagesDeleted: 1 });
    expect(await left(held)).toEqual([]);
    expect(await left(later)).toEqual([stays.seq]);
  });

  it('dates a referral from its closure with the period the hub’s schedule gave it when it was made', async () => {
    [hub, teacher, hubLead] = await Promise.all([hub, teacher, hubLead].map((p) => w.signIn(p)));
    const hubS = await secureSession(hub.client, 'hub laptop', t);
    const teacherS = await secureSession(teacher.client, 'teacher laptop', t);
    sessions.push(hubS, teacherS);
    await hubLead.client.setRetentionPeriod(hubAgency, 'referrals', 400);
    const { receipt } = await submitReferral(teacherS, {
      categories: ['neglect'],
      urgency: 'standard',
      familyConsent: 'given',
      subjects: [{ role: 'child', name: 'A Child', dateOfBirth: '2016-02-03' }],
      content: { concern: 'Arrives hungry.', when: 'This term' },
    });
    const ref = receipt.ref!;
    // Changed after the referral was made: it keeps its 400 days.
    await hubLead.client.setRetentionPeriod(hubAgency, 'referrals', 3000);
    const dateOf = async () =>
      (
        await t.sql(
          `SELECT r.days, r.anchor, r.agency_id, r.closed_at, r.kept_until FROM retention_dates r
             JOIN referrals f ON f.id = r.record_id WHERE r.record_class = 'referrals' AND f.ref = $1`,
          [ref],
        )
      ).rows[0] as { days: number; anchor: string; agency_id: string; closed_at: Date | null; kept_until: Date | null };
    expect(await dateOf()).toEqual({
      days: 400,
      anchor: 'closure',
      agency_id: hubAgency,
      closed_at: null,
      kept_until: null,
    });

    const claimed = await hub.client.claimReferral(ref);
    await rateReferral(hubS, claimed, 'green', 'Low level');
    await decideReferral(hubS, claimed, 'signpost', 'Youth club');
    t.clock.advance(3 * DAY);
    hub = await w.signIn(hub);
    const closed = await hub.client.closeReferral(ref);
    const closedAt = new Date(closed.closedAt!);
    expect(await dateOf()).toEqual({
      days: 400,
      anchor: 'closure',
      agency_id: hubAgency,
      closed_at: closedAt,
      kept_until: new Date(closedAt.getTime() + 400 * DAY),
    });
  });

  it('the CLI: `retention show` and `retention set`, with --json; a period out of bounds or another agency’s schedule refused in plain words', async () => {
    const home = await mkdtemp(path.join(os.tmpdir(), 'sr-retention-cli-'));
    try {
      councilLead = await w.signIn(councilLead);
      t.clock.advance(30_000);
      const login = await cli(home, t, ['login', '--email', councilLead.email], {
        STRONGROOM_PASSWORD: councilLead.password,
        ...(councilLead.totpSecret ? { STRONGROOM_TOTP: await totpAt(councilLead.totpSecret, t) } : {}),
      });
      expect(login.code).toBe(0);
      const show = await cli(home, t, ['retention', 'show']);
      expect(show.code).toBe(0);
      expect(show.out).toContain('Retention schedule of Council');
      expect(show.out).toMatch(/minutes\s+minutes and decisions\s+2555\s+default\s+365–12784\s+closure\s+deleted/);
      const police = await cli(home, t, ['--json', 'retention', 'show', '--agency', 'Police']);
      expect(json<ScheduleView>(police).agencyName).toBe('Police');

      const set = await cli(home, t, ['retention', 'set', 'consent_records', '800']);
      expect(set).toMatchObject({ code: 0 });
      expect(set.out).toContain('Council now keeps consent records for 800 days, from when it is made.');
      const setJson = await cli(home, t, ['--json', 'retention', 'set', 'actions', '900']);
      expect(entry(json<ScheduleView>(setJson), 'actions')).toMatchObject({ days: 900, setBy: councilLead.id });

      const rows = await scheduleRows();
      const tooShort = await cli(home, t, ['retention', 'set', 'minutes', '30']);
      expect(tooShort.code).toBe(1);
      expect(tooShort.err).toContain('The period for minutes and decisions must be between 365 and 12784 days');
      const other = await cli(home, t, ['retention', 'set', 'minutes', '400', '--agency', 'Police']);
      expect(other.code).toBe(1);
      expect(other.err).toContain('You can only set your own agency');
      const badClass = await cli(home, t, ['retention', 'set', 'emails', '400']);
      expect(badClass.code).toBe(2);
      expect(badClass.err).toContain('"emails" is not a record class');
      const badDays = await cli(home, t, ['retention', 'set', 'minutes', 'a year']);
      expect(badDays.code).toBe(2);
      expect(badDays.err).toContain('whole number of days');
      expect(await scheduleRows()).toBe(rows);
      const help = await cli(home, t, ['retention', 'set', '--help']);
      expect(help.out).toContain('strongroom retention set messages_direct 60');
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });

  it('dates a meeting’s minutes and decisions from its closure with the period the chair’s agency had when it was scheduled', async () => {
    t.clock.advance(30_000); // past the time step of the code the CLI signed in with
    alice = await w.signIn(alice);
    councilLead = await w.signIn(councilLead);
    const aliceS = await secureSession(alice.client, 'alice tablet', t);
    sessions.push(aliceS);
    await councilLead.client.setRetentionPeriod(council, 'minutes', 4000);
    const family = await alice.client.createFamily();
    const meeting = await alice.client.scheduleMeeting({
      id: randomUUID(),
      channelId: family.channelId,
      kind: 'family',
      scheduledAt: new Date(t.clock.now().getTime() + DAY).toISOString(),
    });
    await councilLead.client.setRetentionPeriod(council, 'minutes', 5000);
    const dateOf = async () =>
      (
        await t.sql(
          `SELECT days, anchor, agency_id, closed_at, kept_until FROM retention_dates
            WHERE record_class = 'minutes' AND record_id = $1`,
          [meeting.id],
        )
      ).rows[0] as { days: number; closed_at: Date | null; kept_until: Date | null };
    expect(await dateOf()).toEqual({
      days: 4000,
      anchor: 'closure',
      agency_id: council,
      closed_at: null,
      kept_until: null,
    });
    await alice.client.startMeeting(meeting.id);
    await aliceS.saveMinutes(meeting.id, { sections: [], familyVoice: '' }, 0);
    t.clock.advance(2 * DAY);
    await alice.client.login({ email: alice.email, password: alice.password });
    const closed = await aliceS.closeMeeting(meeting.id);
    const closedAt = new Date(closed.closedAt!);
    expect(await dateOf()).toMatchObject({
      days: 4000,
      closed_at: closedAt,
      kept_until: new Date(closedAt.getTime() + 4000 * DAY),
    });
  });
});
