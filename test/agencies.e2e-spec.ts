import { AgenciesService } from '../src/agencies/agencies.service.js';
import { countOf } from './support/db.js';
import { fieldsOf, refused } from './support/refused.js';
import { FakeClock, startInstance, startTestApp, type TestApp } from './support/test-app.js';
import { type Person, World } from './support/world.js';

/**
 * The ISA signatory register (DESIGN.md §4): who may change it, what a signature records, re-signature
 * after a new agreement version, and withdrawal exactly one calendar month after notice, applied once
 * even when several job runners race.
 */
describe('agencies: the ISA register, signatures, notice, withdrawal and suspension', () => {
  let t: TestApp;
  let w: World;
  let isaTeam: string;
  let admin: Person;

  const today = () => t.clock.now().toISOString().slice(0, 10);

  /** An agency that has signed the current agreement version today. */
  async function signedAgency(name: string): Promise<string> {
    const id = await w.agency(name, { signed: false });
    await w.agencies.sign(null, id, { signatoryName: 'A Signatory', signatoryTitle: 'Director', signedOn: today() });
    return id;
  }

  /** Moves the clock forward (sessions idle out, so everyone used afterwards signs in again). */
  async function moveTo(iso: string): Promise<void> {
    const target = new Date(iso);
    expect(target.getTime() - 5 * 60_000).toBeGreaterThanOrEqual(t.clock.now().getTime());
    // The admin signs in a little before the target: a TOTP sign-in moves the clock past its time step.
    t.clock.set(new Date(target.getTime() - 5 * 60_000));
    admin = await w.signIn(admin);
    t.clock.set(target);
  }

  beforeAll(async () => {
    t = await startTestApp({ clock: new FakeClock(new Date('2026-01-10T09:00:00.000Z')) });
    w = new World(t);
    await w.agreement('10.0', '2020-04-01');
    isaTeam = await w.agency('ISA Team');
    admin = await w.person(isaTeam, 'isa_admin');
  });
  afterAll(() => t.close());

  it('an ISA admin registers an agency and records who signed, with title, organisation, date and agreement version', async () => {
    const registered = await admin.client.registerAgency({ name: 'North Academy Trust', sector: 'education' });
    expect(registered).toMatchObject({
      name: 'North Academy Trust',
      sector: 'education',
      deaS35Partner: false,
      status: 'registered',
      signedVersion: null,
      resignatureDue: false,
    });
    const signed = await admin.client.signAgency(registered.id, {
      signatoryName: 'Jo Bloggs',
      signatoryTitle: 'Chief Executive',
      signatoryOrganisation: 'North Academy Trust Ltd',
      signedOn: '2025-12-01',
    });
    expect(signed).toMatchObject({ status: 'signed', signedVersion: '10.0', signedOn: '2025-12-01' });
    const signatures = await admin.client.agencySignatures(registered.id);
    expect(signatures).toHaveLength(1);
    expect(signatures[0]).toMatchObject({
      agencyId: registered.id,
      agreementVersionId: w.agreementId,
      agreementLabel: '10.0',
      signatoryName: 'Jo Bloggs',
      signatoryTitle: 'Chief Executive',
      signatoryOrganisation: 'North Academy Trust Ltd',
      signedOn: '2025-12-01',
    });

    // Without an organisation, the signature is recorded for the agency itself.
    const other = await admin.client.registerAgency({
      name: 'South Health Trust',
      sector: 'health',
      deaS35Partner: true,
    });
    expect(other.deaS35Partner).toBe(true);
    await admin.client.signAgency(other.id, {
      signatoryName: 'Sam Doe',
      signatoryTitle: 'Caldicott Guardian',
      signedOn: today(),
    });
    expect((await admin.client.agencySignatures(other.id))[0].signatoryOrganisation).toBe('South Health Trust');
  });

  it('refuses a second agency with the same name in any letter case, even when both are registered at once', async () => {
    await admin.client.registerAgency({ name: 'Riverside Housing', sector: 'housing' });
    await refused(admin.client.registerAgency({ name: 'riverside HOUSING', sector: 'housing' }), 409, 'agency_exists');
    await refused(
      admin.client.registerAgency({ name: '  Riverside Housing  ', sector: 'other' }),
      409,
      'agency_exists',
    );

    // Ten concurrent registrations of one new name: exactly one wins, the others get the same 409.
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        admin.client.registerAgency({ name: 'Lakeside Police', sector: 'police' }).then(
          () => 'created',
          (e: { status?: number; code?: string }) => `${e.status} ${e.code}`,
        ),
      ),
    );
    expect(results.filter((r) => r === 'created')).toHaveLength(1);
    expect(results.filter((r) => r === '409 agency_exists')).toHaveLength(9);
    expect(await countOf(t, `SELECT count(*)::int AS n FROM agencies WHERE lower(name) = 'lakeside police'`)).toBe(1);
  });

  it('refuses a signature dated in the future or before its version was published, naming signedOn, and records nothing', async () => {
    const a = await admin.client.registerAgency({ name: 'Eastfield College', sector: 'education' });
    const input = { signatoryName: 'Pat Lee', signatoryTitle: 'Principal' };
    const future = await refused(
      admin.client.signAgency(a.id, { ...input, signedOn: '2026-01-11' }),
      400,
      'validation_failed',
    );
    expect(fieldsOf(future)).toEqual({ signedOn: ['must not be in the future'] });
    const early = await refused(
      admin.client.signAgency(a.id, { ...input, signedOn: '2020-03-31' }),
      400,
      'validation_failed',
    );
    expect(fieldsOf(early)).toEqual({ signedOn: ['must be on or after 2020-04-01'] });
    expect(await admin.client.agencySignatures(a.id)).toEqual([]);
    expect((await admin.client.agency(a.id)).status).toBe('registered');

    // Both bounds are inclusive: the publication day and today are fine.
    await expect(admin.client.signAgency(a.id, { ...input, signedOn: '2020-04-01' })).resolves.toMatchObject({
      status: 'signed',
    });
    await expect(admin.client.signAgency(a.id, { ...input, signedOn: today() })).resolves.toMatchObject({
      signedOn: today(),
    });
  });

  it('only an ISA admin changes the register; every signed-in user, even of an unsigned agency, can read it', async () => {
    const police = await signedAgency('Metro Police');
    const unsigned = await w.agency('Unsigned Charity', { sector: 'voluntary', signed: false });
    const practitioner = await w.person(police, 'practitioner');
    const dpLead = await w.person(police, 'agency_admin');
    const outsider = await w.person(unsigned, 'practitioner', 'outsider', { attest: false });
    const before = await countOf(t, 'SELECT count(*)::int AS n FROM agencies');

    for (const p of [practitioner, dpLead]) {
      await refused(p.client.registerAgency({ name: `By ${p.role}`, sector: 'other' }), 403, 'forbidden_role');
      await refused(
        p.client.signAgency(unsigned, { signatoryName: 'X', signatoryTitle: 'Y', signedOn: today() }),
        403,
        'forbidden_role',
      );
      await refused(p.client.giveNotice(police), 403, 'forbidden_role');
      await refused(p.client.suspendAgency(police, 'no'), 403, 'forbidden_role');
      await refused(p.client.reinstateAgency(police), 403, 'forbidden_role');
      await refused(
        p.client.publishAgreement({ label: 'rogue', publishedOn: '2025-01-01', textRef: 'x' }),
        403,
        'forbidden_role',
      );
    }
    await refused(practitioner.client.agencySignatures(police), 403, 'forbidden_role');
    await refused(dpLead.client.agencySignatures(isaTeam), 403, 'other_agency');
    await expect(dpLead.client.agencySignatures(police)).resolves.toHaveLength(1);

    expect(await countOf(t, 'SELECT count(*)::int AS n FROM agencies')).toBe(before);
    expect((await admin.client.agency(unsigned)).status).toBe('registered');
    expect((await admin.client.agency(police)).status).toBe('signed');

    for (const p of [practitioner, dpLead, outsider]) {
      const names = (await p.client.agencies()).map((a) => a.name);
      expect(names).toEqual(expect.arrayContaining(['Metro Police', 'Unsigned Charity', 'ISA Team']));
      await expect(p.client.agency(police)).resolves.toMatchObject({ name: 'Metro Police' });
      await expect(p.client.agreements()).resolves.toHaveLength(1);
    }
  });

  it('suspension shuts an agency’s users out until reinstatement restores the status it had, notice date included', async () => {
    const s = await signedAgency('Suspended Services');
    const p = await w.person(s, 'practitioner');
    await expect(p.client.myDevices()).resolves.toEqual([]);

    const suspended = await admin.client.suspendAgency(s, 'Data breach under investigation');
    expect(suspended).toMatchObject({ status: 'suspended', suspendedReason: 'Data breach under investigation' });
    const blocked = await refused(p.client.myDevices(), 403, 'agency_not_signed');
    expect(blocked.details?.agencyStatus).toBe('suspended');
    expect((await p.client.me()).access.reasons.join(' ')).toContain('is suspended');

    expect(await admin.client.reinstateAgency(s)).toMatchObject({ status: 'signed', suspendedReason: null });
    await expect(p.client.myDevices()).resolves.toEqual([]);

    // An agency suspended during its notice month goes back to its notice month, same effective date.
    const n = await signedAgency('Noticed Services');
    const noticed = await admin.client.giveNotice(n);
    expect(noticed.status).toBe('notice_given');
    expect((await admin.client.suspendAgency(n, 'Audit finding')).status).toBe('suspended');
    const back = await admin.client.reinstateAgency(n);
    expect(back).toMatchObject({ status: 'notice_given', withdrawalEffectiveAt: noticed.withdrawalEffectiveAt });
  });

  it('refuses status changes the life cycle does not allow with 409 invalid_status, leaving the status as it was', async () => {
    const expectInvalid = async (call: Promise<unknown>, id: string, status: string) => {
      const err = await refused(call, 409, 'invalid_status');
      expect(err.details?.status).toBe(status);
      expect((await admin.client.agency(id)).status).toBe(status);
    };
    const sig = { signatoryName: 'A', signatoryTitle: 'B', signedOn: today() };

    const registered = (await admin.client.registerAgency({ name: 'Only Registered', sector: 'other' })).id;
    await expectInvalid(admin.client.giveNotice(registered), registered, 'registered');
    await expectInvalid(admin.client.suspendAgency(registered, 'x'), registered, 'registered');
    await expectInvalid(admin.client.reinstateAgency(registered), registered, 'registered');

    const signed = await signedAgency('Plainly Signed');
    await expectInvalid(admin.client.reinstateAgency(signed), signed, 'signed');

    const noticed = await signedAgency('Already Noticed');
    await admin.client.giveNotice(noticed);
    await expectInvalid(admin.client.giveNotice(noticed), noticed, 'notice_given');
    await expectInvalid(admin.client.signAgency(noticed, sig), noticed, 'notice_given');

    const suspended = await signedAgency('Already Suspended');
    await admin.client.suspendAgency(suspended, 'x');
    await expectInvalid(admin.client.suspendAgency(suspended, 'again'), suspended, 'suspended');
    await expectInvalid(admin.client.giveNotice(suspended), suspended, 'suspended');
    await expectInvalid(admin.client.signAgency(suspended, sig), suspended, 'suspended');

    const missing = '00000000-0000-4000-8000-000000000000';
    await refused(admin.client.suspendAgency(missing, 'x'), 404, 'not_found');
    await refused(admin.client.giveNotice(missing), 404, 'not_found');

    const inAMinute = new Date(t.clock.now().getTime() + 60_000).toISOString();
    const future = await refused(admin.client.giveNotice(signed, inAMinute), 400, 'validation_failed');
    expect(fieldsOf(future)).toEqual({ noticeGivenAt: ['must not be in the future'] });
    expect((await admin.client.agency(signed)).status).toBe('signed');
  });

  it('a notice is dated neither in the future nor before the agency signed; a back-dated one needs a reason, which the audit log keeps', async () => {
    const leaving = await w.agency('Backdating Trust', { signed: false });
    await w.agencies.sign(null, leaving, { signatoryName: 'A', signatoryTitle: 'B', signedOn: '2025-12-01' });
    const noticeEvents = async () =>
      (await admin.client.auditEvents({ limit: 1000 })).filter(
        (e) => e.action === 'agency.notice_given' && e.targetId === leaving,
      );
    const expectRefused = async (call: Promise<unknown>, fields: Record<string, string[]>) => {
      expect(fieldsOf(await refused(call, 400, 'validation_failed'))).toEqual(fields);
      expect(await admin.client.agency(leaving)).toMatchObject({ status: 'signed', noticeGivenAt: null });
    };
    const now = t.clock.now();

    // In the future, by a millisecond.
    await expectRefused(admin.client.giveNotice(leaving, new Date(now.getTime() + 1).toISOString()), {
      noticeGivenAt: ['must not be in the future'],
    });
    // Before the signature, reason or not: the register would say it signed while under notice.
    await expectRefused(admin.client.giveNotice(leaving, '2025-11-30T23:59:59Z', 'Letter found in a drawer'), {
      noticeGivenAt: ['must be on or after 2025-12-01, when the agency signed the agreement'],
    });
    // In the past with no reason: it brings the withdrawal closer, so the ISA team must say why.
    await expectRefused(admin.client.giveNotice(leaving, '2025-12-20T10:00:00Z'), {
      reason: ['is required when the notice is dated in the past'],
    });
    await expectRefused(admin.client.giveNotice(leaving, new Date(now.getTime() - 5 * 60_000 - 1).toISOString()), {
      reason: ['is required when the notice is dated in the past'],
    });
    expect(await noticeEvents()).toEqual([]);

    // With a reason it is recorded, the reason and the back-dating kept in the audit event.
    const reason = 'Letter dated 20 December, opened after the holidays';
    expect(await admin.client.giveNotice(leaving, '2025-12-20T10:00:00Z', reason)).toMatchObject({
      status: 'notice_given',
      noticeGivenAt: '2025-12-20T10:00:00.000Z',
      withdrawalEffectiveAt: '2026-01-20T10:00:00.000Z',
    });
    expect(await noticeEvents()).toEqual([
      expect.objectContaining({
        actorUserId: admin.id,
        details: expect.objectContaining({
          noticeGivenAt: '2025-12-20T10:00:00.000Z',
          backdated: true,
          reason,
        }) as unknown,
      }),
    ]);

    // Dated now (the default), or within a few minutes of it, is not back-dating: no reason needed.
    const onTime = await signedAgency('On Time Trust');
    const alsoOnTime = await signedAgency('Nearly On Time Trust');
    await admin.client.giveNotice(onTime);
    await admin.client.giveNotice(alsoOnTime, new Date(t.clock.now().getTime() - 4 * 60_000).toISOString());
    const events = (await admin.client.auditEvents({ limit: 1000 })).filter(
      (e) => e.action === 'agency.notice_given' && [onTime, alsoOnTime].includes(e.targetId!),
    );
    expect(events.map((e) => e.details)).toEqual([
      expect.objectContaining({ backdated: false }),
      expect.objectContaining({ backdated: false }),
    ]);
    expect(events.every((e) => !('reason' in e.details))).toBe(true);
  });

  it('a new agreement version makes agencies signed on the old one due to re-sign, and every user attest again', async () => {
    const old = await signedAgency('Old Signatory');
    const p = await w.person(old, 'practitioner');
    await expect(p.client.myDevices()).resolves.toEqual([]);

    // A version dated in the future would be current at once yet impossible to sign: refused.
    const future = await refused(
      admin.client.publishAgreement({ label: '11.0', publishedOn: '2026-02-01', textRef: 'ISA v11' }),
      400,
      'validation_failed',
    );
    expect(fieldsOf(future)).toEqual({ publishedOn: ['must not be in the future'] });
    expect((await admin.client.currentAgreement())?.label).toBe('10.0');

    const v11 = await admin.client.publishAgreement({ label: '11.0', publishedOn: '2026-01-05', textRef: 'ISA v11' });
    expect(v11.reviewDue).toBe('2029-01-05');
    await refused(
      admin.client.publishAgreement({ label: '11.0', publishedOn: '2026-01-05', textRef: 'again' }),
      403,
      'attestation_required',
    );
    await admin.client.attest(v11.id);
    await refused(
      admin.client.publishAgreement({ label: '11.0', publishedOn: '2026-01-05', textRef: 'again' }),
      409,
      'agreement_version_exists',
    );

    const listed = await p.client.agencies();
    const byName = new Map(listed.map((a) => [a.name, a]));
    expect(byName.get('Old Signatory')).toMatchObject({
      signedVersion: '10.0',
      resignatureDue: true,
      status: 'signed',
    });
    expect(byName.get('Only Registered')).toMatchObject({ resignatureDue: false });

    const err = await refused(p.client.myDevices(), 403, 'attestation_required');
    expect(err.details).toMatchObject({ agreementVersionId: v11.id, agreementVersion: '11.0' });
    expect((await p.client.me()).attestation).toMatchObject({ required: true, agreementVersionId: v11.id });
    // Attesting is idempotent, even when the same person's attestations arrive at once (a double click).
    const attested = await Promise.all(Array.from({ length: 5 }, () => p.client.attest(v11.id)));
    expect(new Set(attested.map((a) => a.id)).size).toBe(1);
    const rows = await t.sql(
      `SELECT (SELECT count(*)::int FROM attestations WHERE user_id = $1 AND agreement_version_id = $2) AS stored,
              (SELECT count(*)::int FROM audit_events WHERE action = 'user.attested' AND actor_user_id = $1
                  AND target_id = $2::text) AS audited`,
      [p.id, v11.id],
    );
    expect(rows.rows[0]).toEqual({ stored: 1, audited: 1 });
    await expect(p.client.myDevices()).resolves.toEqual([]);

    const early = await refused(
      admin.client.signAgency(old, { signatoryName: 'A', signatoryTitle: 'B', signedOn: '2026-01-04' }),
      400,
      'validation_failed',
    );
    expect(fieldsOf(early)).toEqual({ signedOn: ['must be on or after 2026-01-05'] });
    const resigned = await admin.client.signAgency(old, { signatoryName: 'A', signatoryTitle: 'B', signedOn: today() });
    expect(resigned).toMatchObject({ signedVersion: '11.0', resignatureDue: false });
    expect(await admin.client.agencySignatures(old)).toHaveLength(2);

    // The same label published twice at once: one version, the others the same 409 as in sequence.
    const label = await Promise.all(
      Array.from({ length: 6 }, () =>
        admin.client.publishAgreement({ label: '12.0', publishedOn: today(), textRef: 'ISA v12' }).then(
          () => 'created',
          (e: { status?: number; code?: string }) => `${e.status} ${e.code}`,
        ),
      ),
    );
    // Every outcome in the failure message, so a stray one (a 500, a dropped connection) is named. A request
    // that reaches the guard after the winner committed meets a version its sender has not attested yet:
    // 403 attestation_required, exactly as in sequence above. Either way, no second version.
    expect(label.filter((x) => x === 'created')).toHaveLength(1);
    expect(
      label.filter((x) => x !== 'created' && x !== '409 agreement_version_exists' && x !== '403 attestation_required'),
    ).toEqual([]);
    expect(await countOf(t, `SELECT count(*)::int AS n FROM agreement_versions WHERE label = '12.0'`)).toBe(1);
  });

  it('withdrawal takes effect exactly one calendar month after notice (31 Jan 10:00 → 28 Feb 10:00), not a millisecond before', async () => {
    await moveTo('2026-01-31T10:00:00.000Z');
    const leaving = await signedAgency('Leaving Trust');
    let p = await w.person(leaving, 'practitioner');
    const jobs = t.app.get(AgenciesService);

    const noticed = await admin.client.giveNotice(leaving, '2026-01-31T10:00:00Z');
    expect(noticed).toMatchObject({
      status: 'notice_given',
      noticeGivenAt: '2026-01-31T10:00:00.000Z',
      withdrawalEffectiveAt: '2026-02-28T10:00:00.000Z',
    });
    // During the notice month the agency is still a party to the ISA.
    await expect(p.client.myDevices()).resolves.toEqual([]);
    expect((await p.client.me()).agency.withdrawalEffectiveAt).toBe('2026-02-28T10:00:00.000Z');

    await moveTo('2026-02-28T09:59:59.999Z');
    p = await w.signIn(p);
    await expect(p.client.myDevices()).resolves.toEqual([]);
    expect(await jobs.applyDueWithdrawals()).not.toContain(leaving);
    expect((await admin.client.agency(leaving)).status).toBe('notice_given');

    t.clock.set(new Date('2026-02-28T10:00:00.000Z'));
    // At the effective moment access ends, whether or not the job has run yet...
    const atMoment = await refused(p.client.myDevices(), 403, 'agency_not_signed');
    expect(atMoment.details?.agencyStatus).toBe('notice_given');
    // ...and the job records the withdrawal.
    expect(await jobs.applyDueWithdrawals()).toEqual([leaving]);
    expect(await admin.client.agency(leaving)).toMatchObject({
      status: 'withdrawn',
      withdrawnAt: '2026-02-28T10:00:00.000Z',
      resignatureDue: false,
    });
    const after = await refused(p.client.myDevices(), 403, 'agency_not_signed');
    expect(after.details?.agencyStatus).toBe('withdrawn');
    expect(await jobs.applyDueWithdrawals()).toEqual([]);

    // A withdrawn agency can do nothing more on its own: it cannot sign, give notice or be suspended.
    for (const call of [
      () => admin.client.signAgency(leaving, { signatoryName: 'A', signatoryTitle: 'B', signedOn: today() }),
      () => admin.client.giveNotice(leaving),
      () => admin.client.suspendAgency(leaving, 'x'),
      () => admin.client.reinstateAgency(leaving),
    ]) {
      expect((await refused(call(), 409, 'invalid_status')).details?.status).toBe('withdrawn');
    }
  });

  it('two job runners racing apply each due withdrawal exactly once, with exactly one audit event each', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 45; i++) ids.push(await signedAgency(`Racing Agency ${i}`));
    for (const id of ids) await admin.client.giveNotice(id);
    const notYet = await signedAgency('Noticed Later');
    t.clock.advance(60_000);
    await admin.client.giveNotice(notYet);

    await moveTo(
      new Date(new Date((await admin.client.agency(ids[0])).withdrawalEffectiveAt!).getTime() + 30_000).toISOString(),
    );
    const due = await t.sql(
      `SELECT id FROM agencies WHERE status = 'notice_given' AND withdrawal_effective_at <= $1 ORDER BY id`,
      [t.clock.now()],
    );
    const dueIds = due.rows.map((r: { id: string }) => r.id);
    expect(dueIds).toEqual(expect.arrayContaining(ids));

    const second = await startInstance(t.databaseUrl, t.clock);
    try {
      const [a, b] = await Promise.all([
        t.app.get(AgenciesService).applyDueWithdrawals(),
        second.app.get(AgenciesService).applyDueWithdrawals(),
      ]);
      const union = [...a, ...b];
      expect(new Set(union).size).toBe(union.length);
      expect([...union].sort()).toEqual(dueIds);
    } finally {
      await second.app.close();
    }

    const audited = await t.sql(
      `SELECT target_id, count(*)::int AS n FROM audit_events
        WHERE action = 'agency.withdrawn' AND target_id = ANY($1) GROUP BY target_id`,
      [ids],
    );
    expect(audited.rows).toHaveLength(ids.length);
    expect(audited.rows.every((r: { n: number }) => r.n === 1)).toBe(true);
    const statuses = await t.sql(`SELECT DISTINCT status FROM agencies WHERE id = ANY($1)`, [ids]);
    expect(statuses.rows).toEqual([{ status: 'withdrawn' }]);
    expect((await admin.client.agency(notYet)).status).toBe('notice_given');
    // The concurrent appends left one unbroken chain.
    expect(await admin.client.auditVerify()).toMatchObject({ ok: true, firstBroken: null });
  });
});
