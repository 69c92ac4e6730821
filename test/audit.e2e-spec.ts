import pg from 'pg';
import type { AuditEventView, StrongroomClient } from '../client/sdk/index.js';
import { chainHash, findBreak, GENESIS_HASH } from '../src/audit/audit-chain.js';
import { firstRow } from './support/db.js';
import { refused } from './support/refused.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { type Person, totpAt, uniqueEmail, World } from './support/world.js';

/** Every event the client may read, oldest first, paging through the API. */
async function allEvents(c: StrongroomClient, agencyId?: string): Promise<AuditEventView[]> {
  const out: AuditEventView[] = [];
  for (;;) {
    const page = await c.auditEvents({ afterSeq: out.at(-1)?.seq ?? 0, limit: 1000, agencyId });
    out.push(...page);
    if (page.length < 1000) return out;
  }
}

/**
 * The append-only, hash-chained audit log (DESIGN.md §4): what lands in it, who may read and verify it,
 * that the database refuses to change it, and that verification finds a change made behind the
 * trigger's back by a superuser. The tampering tests come last: they leave the chain broken.
 */
describe('audit: events, access, append-only storage and chain verification', () => {
  let t: TestApp;
  let w: World;
  let council: string;
  let police: string;
  let admin: Person;

  /** Runs statements as superuser on a connection of its own, with user triggers switched off. */
  async function behindTheTriggersBack(sql: string): Promise<void> {
    const c = new pg.Client({ connectionString: t.databaseUrl });
    await c.connect();
    try {
      await c.query(`BEGIN; SET LOCAL session_replication_role = replica; ${sql}; COMMIT;`);
    } finally {
      await c.end();
    }
  }

  const auditCount = async () =>
    (await t.sql('SELECT count(*)::int AS n, max(seq)::int AS head FROM audit_events')).rows[0] as {
      n: number;
      head: number;
    };

  beforeAll(async () => {
    t = await startTestApp();
    w = new World(t);
    await w.agreement();
    council = await w.agency('Council');
    police = await w.agency('Police', { sector: 'police' });
    admin = await w.person(council, 'isa_admin');
  });
  afterAll(() => t.close());

  it('records sign-in success and failure, MFA, sessions, users, agencies, attestation and devices', async () => {
    // A person invited over the API, who fails and then succeeds at signing in.
    const email = uniqueEmail('pat');
    const password = 'pat-correct-horse-battery';
    const created = await admin.client.createUser({
      agencyId: police,
      email,
      displayName: 'Pat',
      role: 'practitioner',
    });
    const patId = created.user.id;
    await w.client().acceptInvitation(created.invitation.token, password);
    await refused(w.client().login({ email, password: 'a-wrong-guess-here' }), 401, 'invalid_credentials');
    await refused(w.client().login({ email: uniqueEmail('ghost'), password }), 401, 'invalid_credentials');
    const pat = await w.signIn({ id: patId, email, password, role: 'practitioner', agencyId: police });

    // A second sign-in with MFA: a wrong code, then a right one.
    await refused(
      w.client().login({ email: admin.email, password: admin.password, totp: '000000' }),
      401,
      'invalid_mfa_code',
    );
    admin = await w.signIn(admin);

    // Sessions: one revoked from another, one logged out, then all of them.
    const other = await w.signIn(pat, { attest: false });
    const otherSession = (await pat.client.sessions()).find((s) => !s.current)!;
    await pat.client.revokeSession(otherSession.id);
    await refused(other.client.me(), 401, 'invalid_session');
    const third = await w.signIn(pat, { attest: false });
    await third.client.logout();

    // Devices, and a refusal by role.
    const { device } = await pat.client.createDevice(patId, 'Laptop');
    await pat.client.revokeDevice(device.id, 'Replaced');
    await refused(
      pat.client.createUser({ email: uniqueEmail('nope'), displayName: 'N', role: 'practitioner' }),
      403,
      'forbidden_role',
    );
    await pat.client.logoutEverywhere();

    // The register.
    const agency = await admin.client.registerAgency({ name: 'Audited Agency', sector: 'other' });
    await admin.client.signAgency(agency.id, {
      signatoryName: 'S',
      signatoryTitle: 'T',
      signedOn: t.clock.now().toISOString().slice(0, 10),
    });
    await admin.client.suspendAgency(agency.id, 'Checking');
    await admin.client.reinstateAgency(agency.id);
    await admin.client.giveNotice(agency.id);
    await admin.client.disableUser(patId, 'Left');

    const events = await allEvents(admin.client);
    const expectEvent = (match: Partial<AuditEventView>) =>
      expect(events).toContainEqual(
        expect.objectContaining({
          ...match,
          ...(match.details ? { details: expect.objectContaining(match.details) as unknown } : {}),
        }),
      );
    expectEvent({ action: 'user.created', actorUserId: admin.id, targetId: patId, details: { role: 'practitioner' } });
    expectEvent({ action: 'user.activated', actorUserId: patId, targetId: patId });
    expectEvent({ action: 'auth.login', actorUserId: patId, outcome: 'failure', details: { reason: 'bad_password' } });
    expectEvent({ action: 'auth.login', actorUserId: null, outcome: 'failure', details: { reason: 'unknown_email' } });
    expectEvent({ action: 'auth.login', actorUserId: patId, actorAgencyId: police, outcome: 'success' });
    expectEvent({ action: 'auth.login', actorUserId: admin.id, outcome: 'failure', details: { reason: 'bad_totp' } });
    expectEvent({ action: 'auth.login', actorUserId: admin.id, outcome: 'success', details: { mfa: 'totp' } });
    expectEvent({ action: 'mfa.enrolment_started', actorUserId: admin.id });
    expectEvent({ action: 'mfa.enabled', actorUserId: admin.id });
    expectEvent({ action: 'user.attested', actorUserId: patId, targetId: w.agreementId });
    expectEvent({ action: 'session.revoked', actorUserId: patId, targetId: otherSession.id });
    expectEvent({ action: 'session.revoked', actorUserId: patId, details: { reason: 'logout' } });
    expectEvent({ action: 'session.revoked_all', actorUserId: patId });
    expectEvent({ action: 'device.registered', actorUserId: patId, targetId: device.id });
    expectEvent({ action: 'device.revoked', actorUserId: patId, targetId: device.id });
    expectEvent({ action: 'access.denied', actorUserId: patId, outcome: 'denied' });
    for (const action of [
      'agency.registered',
      'agency.signed',
      'agency.suspended',
      'agency.reinstated',
      'agency.notice_given',
    ]) {
      expectEvent({ action, actorUserId: admin.id, targetType: 'agency', targetId: agency.id });
    }
    expectEvent({ action: 'user.disabled', actorUserId: admin.id, targetId: patId });

    // Events made over HTTP say where they came from.
    const login = events.find((e) => e.action === 'auth.login' && e.actorUserId === patId && e.outcome === 'success')!;
    expect(login.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(login.sourceIp).toMatch(/127\.0\.0\.1/);
    // The log is one gapless sequence.
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
  });

  it('verifies an intact chain end to end, agreeing with a recomputation from the events themselves', async () => {
    const report = await admin.client.auditVerify();
    const events = await allEvents(admin.client);
    const { n } = await auditCount();
    expect(report).toEqual({
      ok: true,
      eventsChecked: n,
      head: { seq: events.at(-1)!.seq, hash: events.at(-1)!.hash },
      firstBroken: null,
    });
    // Independently of the server's verdict: every link recomputes from the previous one.
    expect(findBreak(events, { seq: 0, hash: GENESIS_HASH }).break).toBeNull();
    expect(events[0].prevHash).toBe(GENESIS_HASH);
  });

  it('an agency admin reads only their own agency’s trail; practitioners and agency admins cannot verify', async () => {
    const dpLead = await w.person(police, 'agency_admin');
    const own = await allEvents(dpLead.client, police);
    expect(own.length).toBeGreaterThan(0);
    expect(own.every((e) => e.actorAgencyId === police)).toBe(true);
    expect(own.some((e) => e.actorUserId === dpLead.id && e.action === 'mfa.enabled')).toBe(true);
    const everyone = await allEvents(admin.client);
    expect(everyone.some((e) => e.actorAgencyId === council)).toBe(true);
    expect(own).toEqual(everyone.filter((e) => e.actorAgencyId === police));
    // Unfiltered, their trail also holds what others did to Police's people (test/audit-events.e2e-spec.ts
    // covers the whole rule): the ISA admin creating Pat, and nothing of Council's own.
    const trail = await allEvents(dpLead.client);
    expect(trail).toContainEqual(expect.objectContaining({ action: 'user.created', actorUserId: admin.id }));
    expect(trail.every((e) => e.actorAgencyId === police || e.targetType === 'user' || e.targetType === 'agency')).toBe(
      true,
    );

    await refused(dpLead.client.auditEvents({ agencyId: council }), 403, 'other_agency');
    await refused(dpLead.client.auditVerify(), 403, 'forbidden_role');
    const practitioner = await w.person(council, 'practitioner');
    await refused(practitioner.client.auditVerify(), 403, 'forbidden_role');
    await refused(practitioner.client.auditEvents(), 403, 'forbidden_role');

    const auditor = await w.person(police, 'auditor');
    await expect(auditor.client.auditVerify()).resolves.toMatchObject({ ok: true });
    expect((await allEvents(auditor.client)).some((e) => e.actorAgencyId === council)).toBe(true);
  });

  it('never stores passwords, tokens, e-mail addresses, MFA secrets or recovery codes', async () => {
    const email = uniqueEmail('Secretive.Person');
    const password = 'my-very-own-secret-passphrase';
    const wrongGuess = 'an-attempted-wrong-passphrase';
    const created = await admin.client.createUser({
      agencyId: council,
      email,
      displayName: 'Sam Secret',
      role: 'auditor',
    });
    const anon = w.client();
    await anon.acceptInvitation(created.invitation.token, password);
    await refused(anon.login({ email, password: wrongGuess }), 401, 'invalid_credentials');
    const first = await anon.login({ email, password });
    const { secret } = await anon.mfaEnrol();
    const { recoveryCodes } = await anon.mfaVerify(await totpAt(secret, t));
    t.clock.advance(30_000);
    const second = await w.client().login({ email, password, recoveryCode: recoveryCodes[0] });
    await refused(w.client().login({ email, password, recoveryCode: recoveryCodes[1] + 'x' }), 401, 'invalid_mfa_code');

    const needles = [
      password,
      wrongGuess,
      email.toLowerCase(),
      email.split('@')[0].toLowerCase(),
      created.invitation.token,
      first.token,
      second.token,
      secret,
      ...recoveryCodes,
    ].map((s) => s.toLowerCase());
    const dump = (await t.sql('SELECT row_to_json(e)::text AS row FROM audit_events e')).rows
      .map((r: { row: string }) => r.row)
      .join('\n')
      .toLowerCase();
    const viaApi = JSON.stringify(await allEvents(admin.client)).toLowerCase();
    // The searches are real: the dump does hold this person's events.
    expect(dump).toContain(created.user.id);
    for (const needle of needles) {
      expect(dump).not.toContain(needle);
      expect(viaApi).not.toContain(needle);
    }
  });

  it('the database refuses UPDATE, DELETE and TRUNCATE on audit_events, and nothing changes', async () => {
    const digest = async () =>
      (await firstRow<{ d: string }>(t, "SELECT md5(string_agg(hash, ',' ORDER BY seq)) AS d FROM audit_events")).d;
    const before = await digest();
    const count = await auditCount();
    await expect(t.sql(`UPDATE audit_events SET outcome = 'success' WHERE seq = 1`)).rejects.toThrow(
      /append-only: UPDATE refused/,
    );
    await expect(t.sql(`UPDATE audit_events SET details = '{}'::jsonb`)).rejects.toThrow(/append-only/);
    await expect(t.sql('DELETE FROM audit_events WHERE seq = $1', [count.head])).rejects.toThrow(
      /append-only: DELETE refused/,
    );
    await expect(t.sql('TRUNCATE audit_events')).rejects.toThrow(/append-only: TRUNCATE refused/);
    expect(await auditCount()).toEqual(count);
    expect(await digest()).toBe(before);
  });

  it('verification finds a row altered behind the trigger’s back as superuser, at exactly that row', async () => {
    const events = await allEvents(admin.client);
    const target = events.find((e) => e.action === 'user.disabled')!;
    expect(target.seq).toBeGreaterThan(1);
    expect(target.seq).toBeLessThan(events.at(-1)!.seq);
    const original = JSON.stringify(target.details);

    await behindTheTriggersBack(
      `UPDATE audit_events SET details = details || '{"sessionsRevoked": 0, "note": "nothing to see"}'::jsonb WHERE seq = ${target.seq}`,
    );
    // The trigger is still on for everyone else.
    await expect(t.sql('UPDATE audit_events SET outcome = outcome WHERE seq = 1')).rejects.toThrow(/append-only/);

    expect(await admin.client.auditVerify()).toEqual({
      ok: false,
      eventsChecked: target.seq - 1,
      head: { seq: target.seq - 1, hash: events[target.seq - 2].hash },
      firstBroken: { seq: target.seq, reason: 'hash_mismatch' },
    });

    // Put the row back as it was: the chain verifies again, so the verdict really comes from the data.
    await behindTheTriggersBack(
      `UPDATE audit_events SET details = '${original.replace(/'/g, "''")}'::jsonb WHERE seq = ${target.seq}`,
    );
    expect(await admin.client.auditVerify()).toMatchObject({ ok: true, firstBroken: null });

    // A forger who also recomputes the altered row's hash is caught at the next link.
    const forged = { ...target, details: { ...target.details, note: 'forged' } };
    const { prevHash, hash: _old, ...fields } = forged;
    const newHash = chainHash(prevHash, fields);
    await behindTheTriggersBack(
      `UPDATE audit_events SET details = details || '{"note": "forged"}'::jsonb, hash = '${newHash}' WHERE seq = ${target.seq}`,
    );
    expect((await admin.client.auditVerify()).firstBroken).toEqual({
      seq: target.seq + 1,
      reason: 'prev_hash_mismatch',
    });

    // A deleted row shows as a gap where it was.
    const early = events[2].seq;
    await behindTheTriggersBack(`DELETE FROM audit_events WHERE seq = ${early}`);
    expect(await admin.client.auditVerify()).toMatchObject({
      ok: false,
      firstBroken: { seq: early, reason: 'sequence_gap' },
    });
  });
});
