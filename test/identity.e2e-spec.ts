import { StrongroomApiError } from '../client/sdk/index.js';
import { refused } from './support/refused.js';
import { approvedDevice } from './support/secure.js';
import { startInstance, startTestApp, type TestApp } from './support/test-app.js';
import { totpAt, uniqueEmail, World } from './support/world.js';

describe('identity: individual logins, MFA, sessions, attestation, off-boarding', () => {
  let t: TestApp;
  let w: World;
  let council: string;
  let police: string;
  let housing: string;

  beforeAll(async () => {
    t = await startTestApp();
    w = new World(t);
    await w.agreement();
    council = await w.agency('Council', { sector: 'local_authority' });
    police = await w.agency('Police', { sector: 'police' });
    housing = await w.agency('Housing', { sector: 'housing', signed: false });
  });
  afterAll(() => t.close());

  it('an invited person sets their own password, and the invitation works only once', async () => {
    const admin = await w.person(council, 'isa_admin');
    const email = uniqueEmail('new');
    const { user, invitation } = await admin.client.createUser({
      agencyId: police,
      email,
      displayName: 'New Officer',
      role: 'practitioner',
    });
    expect(user.status).toBe('invited');
    const anon = w.client();
    await refused(anon.login({ email, password: 'not-set-yet-at-all' }), 401, 'invalid_credentials');
    await anon.acceptInvitation(invitation.token, 'a-brand-new-secret-phrase');
    await refused(anon.acceptInvitation(invitation.token, 'another-new-secret-phrase'), 400, 'invitation_invalid');
    const login = await anon.login({ email, password: 'a-brand-new-secret-phrase' });
    expect(login.user.id).toBe(user.id);
  });

  it('refuses short and common passwords naming the field, and leaves the invitation usable', async () => {
    const { invitation } = await w.users.create(null, {
      agencyId: council,
      email: uniqueEmail('weak'),
      displayName: 'W',
      role: 'practitioner',
    });
    const anon = w.client();
    const short = await refused(anon.acceptInvitation(invitation.token, 'xq7-zv'), 400, 'weak_password');
    expect(short.details).toEqual({ fields: { password: ['must be at least 12 characters'] } });
    const common = await refused(anon.acceptInvitation(invitation.token, 'unbelievable'), 400, 'weak_password');
    expect((common.details as { fields: { password: string[] } }).fields.password).toContain(
      'is one of the most commonly used passwords',
    );
    await expect(anon.acceptInvitation(invitation.token, 'finally-a-good-passphrase')).resolves.toBeDefined();
  });

  it('an agency admin cannot create a user in another agency, nor a platform role', async () => {
    const dpLead = await w.person(police, 'agency_admin');
    await refused(
      dpLead.client.createUser({ agencyId: council, email: uniqueEmail('x'), displayName: 'X', role: 'practitioner' }),
      403,
      'other_agency',
    );
    await refused(
      dpLead.client.createUser({ email: uniqueEmail('x'), displayName: 'X', role: 'isa_admin' }),
      403,
      'role_not_grantable',
    );
    const ok = await dpLead.client.createUser({ email: uniqueEmail('own'), displayName: 'Own', role: 'practitioner' });
    expect(ok.user.agencyId).toBe(police);
    // and it can only list its own agency
    const listed = await dpLead.client.users();
    expect(listed.every((u) => u.agencyId === police)).toBe(true);
    await refused(dpLead.client.users(council), 403, 'other_agency');
  });

  it('two accounts for one e-mail address created at once: exactly one is made, the others get 409 email_taken', async () => {
    const admin = await w.person(council, 'isa_admin');
    const email = uniqueEmail('twice');
    const results = await Promise.all(
      Array.from({ length: 6 }, () =>
        admin.client.createUser({ agencyId: police, email, displayName: 'Twice', role: 'practitioner' }).then(
          () => 'created',
          (e: StrongroomApiError) => `${e.status} ${e.code}`,
        ),
      ),
    );
    expect(results.filter((r) => r === 'created')).toHaveLength(1);
    expect(results.filter((r) => r === '409 email_taken')).toHaveLength(5);
    await refused(
      admin.client.createUser({
        agencyId: council,
        email: email.toUpperCase(),
        displayName: 'T',
        role: 'practitioner',
      }),
      409,
      'email_taken',
    );
  });

  it('a practitioner cannot create users at all', async () => {
    const p = await w.person(council, 'practitioner');
    await refused(
      p.client.createUser({ email: uniqueEmail('x'), displayName: 'X', role: 'practitioner' }),
      403,
      'forbidden_role',
    );
  });

  it('a user of a registered-but-unsigned agency can sign in only to see why they cannot do anything else', async () => {
    const acct = await w.account(housing, 'practitioner');
    const p = await w.signIn(acct, { attest: false });
    const me = await p.client.me();
    expect(me.access.canShare).toBe(false);
    expect(me.access.reasons.join(' ')).toContain('has not signed the Information Sharing Agreement');
    await refused(
      p.client.attest(me.attestation.agreementVersionId!).then(() => p.client.myDevices()),
      403,
      'agency_not_signed',
    );
  });

  it('nothing shared is reachable before the first-sign-in attestation, and it is recorded per version', async () => {
    const p = await w.signIn(await w.account(council, 'practitioner'), { attest: false });
    const me = await p.client.me();
    expect(me.attestation.required).toBe(true);
    const err = await refused(p.client.myDevices(), 403, 'attestation_required');
    expect(err.details?.agreementVersionId).toBe(me.attestation.agreementVersionId);
    const bogus = '00000000-0000-4000-8000-000000000000';
    await refused(p.client.attest(bogus), 409, 'not_current_agreement');
    await p.client.attest(me.attestation.agreementVersionId!);
    await expect(p.client.myDevices()).resolves.toEqual([]);
    expect((await p.client.me()).attestation.required).toBe(false);
  });

  it('an unknown e-mail gets the same answer as a wrong password', async () => {
    await refused(
      w.client().login({ email: uniqueEmail('nobody'), password: 'whatever-password' }),
      401,
      'invalid_credentials',
    );
  });

  it('MFA roles must enrol before anything else; afterwards sign-in needs a fresh code, and a recovery code works once', async () => {
    const acct = await w.account(council, 'auditor');
    const c = w.client();
    const first = await c.login({ email: acct.email, password: acct.password });
    expect(first.session.stage).toBe('mfa_enrolment');
    await refused(c.sessions(), 403, 'mfa_enrolment_required');
    const { secret, otpauthUrl } = await c.mfaEnrol();
    expect(otpauthUrl).toMatch(/^otpauth:\/\/totp\/Strongroom/);
    await refused(c.mfaVerify('000000'), 400, 'invalid_mfa_code');
    const code = await totpAt(secret, t);
    const { recoveryCodes } = await c.mfaVerify(code);
    expect(recoveryCodes).toHaveLength(10);
    await expect(c.sessions()).resolves.toHaveLength(1);

    const c2 = w.client();
    await refused(c2.login({ email: acct.email, password: acct.password }), 401, 'mfa_required');
    // The code used for enrolment cannot be replayed.
    await refused(c2.login({ email: acct.email, password: acct.password, totp: code }), 401, 'invalid_mfa_code');
    t.clock.advance(30_000);
    const ok = await c2.login({ email: acct.email, password: acct.password, totp: await totpAt(secret, t) });
    expect(ok.session.stage).toBe('full');

    const c3 = w.client();
    await c3.login({ email: acct.email, password: acct.password, recoveryCode: recoveryCodes[0].toUpperCase() });
    await refused(
      w.client().login({ email: acct.email, password: acct.password, recoveryCode: recoveryCodes[0] }),
      401,
      'invalid_mfa_code',
    );
  });

  it('lists own sessions, revokes one, and logs out everywhere', async () => {
    const acct = await w.account(council, 'practitioner');
    const a = await w.signIn(acct);
    const b = await w.signIn(acct);
    const sessions = await a.client.sessions();
    expect(sessions).toHaveLength(2);
    expect(sessions.filter((s) => s.current)).toHaveLength(1);
    const other = sessions.find((s) => !s.current)!;
    await a.client.revokeSession(other.id);
    await refused(b.client.me(), 401, 'invalid_session');
    await refused(a.client.revokeSession(other.id), 404, 'not_found');
    const c = await w.signIn(acct);
    expect((await a.client.logoutEverywhere()).revoked).toBe(2);
    await refused(a.client.me(), 401, 'invalid_session');
    await refused(c.client.me(), 401, 'invalid_session');
  });

  it('a session expires after the idle timeout and at its absolute limit', async () => {
    const p = await w.person(council, 'practitioner');
    t.clock.advance(29 * 60_000);
    await expect(p.client.me()).resolves.toBeDefined(); // activity extends the idle window
    t.clock.advance(29 * 60_000);
    await expect(p.client.me()).resolves.toBeDefined();
    t.clock.advance(31 * 60_000);
    await refused(p.client.me(), 401, 'session_expired');
  });

  it("a session can't be used for another user's session", async () => {
    const a = await w.person(council, 'practitioner');
    const b = await w.person(council, 'practitioner');
    const bSession = (await b.client.sessions())[0];
    await refused(a.client.revokeSession(bSession.id), 404, 'not_found');
    await expect(b.client.me()).resolves.toBeDefined();
  });

  it('a disabled leaver is refused on the very next request, on every instance', async () => {
    const admin = await w.person(council, 'isa_admin');
    const leaver = await w.person(police, 'practitioner');
    const second = await startInstance(t.databaseUrl, t.clock);
    try {
      const onB = w.client(leaver.client.token ?? undefined);
      (onB.http as { baseUrl: string }).baseUrl = second.baseUrl;
      await expect(onB.me()).resolves.toBeDefined();
      const result = await admin.client.disableUser(leaver.id, 'Left the force');
      expect(result.sessionsRevoked).toBe(1);
      await refused(leaver.client.me(), 401, 'invalid_session');
      await refused(onB.me(), 401, 'invalid_session');
      await refused(w.client().login({ email: leaver.email, password: leaver.password }), 401, 'invalid_credentials');
      await refused(admin.client.disableUser(leaver.id), 409, 'already_disabled');
      await refused(admin.client.disableUser(admin.id), 409, 'cannot_disable_self');
    } finally {
      await second.app.close();
    }
  });

  it('an agency admin can off-board only their own agency’s users', async () => {
    const dpLead = await w.person(police, 'agency_admin');
    const councilWorker = await w.person(council, 'practitioner');
    await refused(dpLead.client.disableUser(councilWorker.id), 403, 'other_agency');
    await expect(councilWorker.client.me()).resolves.toBeDefined();
  });

  it('an agency admin cannot revoke an ISA admin’s or auditor’s device, even in their own agency; the ISA team can', async () => {
    const dpLead = await w.person(council, 'agency_admin');
    const isaTeam = await w.person(council, 'isa_admin');
    const reviewer = await w.person(council, 'auditor');
    const worker = await w.person(council, 'practitioner');
    const device = await approvedDevice(reviewer.client, 'reviewer laptop');
    const err = await refused(dpLead.client.revokeDevice(device.deviceId, 'lost'), 403, 'role_not_manageable');
    expect(err.details).toEqual({ role: 'auditor' });
    const { rows } = await t.sql('SELECT revoked_at FROM devices WHERE id = $1', [device.deviceId]);
    expect(rows).toEqual([{ revoked_at: null }]);
    // Their own agency's practitioner's device, they may; the ISA team may revoke the reviewer's.
    const workerDevice = await approvedDevice(worker.client, 'worker laptop');
    expect((await dpLead.client.revokeDevice(workerDevice.deviceId, 'lost')).revokedAt).not.toBeNull();
    expect((await isaTeam.client.revokeDevice(device.deviceId, 'lost')).revokedAt).not.toBeNull();
  });

  it('an agency admin cannot disable an ISA admin or auditor account, even in their own agency; the ISA team can', async () => {
    // The council runs the ISA: its data-protection lead and the ISA team work in the same agency.
    const dpLead = await w.person(council, 'agency_admin');
    const isaTeam = await w.person(council, 'isa_admin');
    const colleague = await w.person(council, 'isa_admin');
    const reviewer = await w.person(council, 'auditor');
    const statusOf = async (id: string) =>
      (await t.sql('SELECT status FROM users WHERE id = $1', [id])).rows[0] as { status: string };

    for (const target of [colleague, reviewer]) {
      const err = await refused(dpLead.client.disableUser(target.id, 'Left'), 403, 'role_not_manageable');
      expect(err.details).toEqual({ role: target.role });
      expect(await statusOf(target.id)).toEqual({ status: 'active' });
      await expect(target.client.me()).resolves.toMatchObject({ user: { id: target.id } });
    }

    // The roles an agency admin may create, they may still off-board.
    for (const role of ['practitioner', 'mash_worker', 'agency_admin'] as const) {
      const leaver = await w.account(council, role);
      await expect(dpLead.client.disableUser(leaver.id, 'Left')).resolves.toMatchObject({
        user: { id: leaver.id, status: 'disabled' },
      });
    }

    // The ISA team may disable both.
    for (const target of [colleague, reviewer]) {
      const result = await isaTeam.client.disableUser(target.id, 'Left the ISA team');
      expect(result).toMatchObject({
        user: { id: target.id, role: target.role, status: 'disabled' },
        sessionsRevoked: 1,
      });
      await refused(target.client.me(), 401, 'invalid_session');
    }
  });

  it('rate-limits sign-in attempts per address across instances', async () => {
    const limited = await startTestApp({ env: { LOGIN_RATE_LIMIT_PER_MINUTE: '3' } });
    try {
      const second = await startInstance(limited.databaseUrl, limited.clock, { LOGIN_RATE_LIMIT_PER_MINUTE: '3' });
      try {
        const a = new World(limited).client();
        const b = new World(limited).client();
        (b.http as { baseUrl: string }).baseUrl = second.baseUrl;
        await refused(a.login({ email: 'a@x.example', password: 'nope-nope-nope' }), 401, 'invalid_credentials');
        await refused(b.login({ email: 'a@x.example', password: 'nope-nope-nope' }), 401, 'invalid_credentials');
        await refused(a.login({ email: 'a@x.example', password: 'nope-nope-nope' }), 401, 'invalid_credentials');
        const err = await refused(b.login({ email: 'a@x.example', password: 'nope-nope-nope' }), 429, 'rate_limited');
        expect(err.details?.retryAfterSeconds).toBeGreaterThan(0);
      } finally {
        await second.app.close();
      }
    } finally {
      await limited.close();
    }
  });
});
