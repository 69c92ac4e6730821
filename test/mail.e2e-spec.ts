import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { cli, json } from './support/cli.js';
import { refused } from './support/refused.js';
import { linkIn, startSmtpServer } from './support/smtp.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { totpAt, uniqueEmail, World, type Person } from './support/world.js';
import { eventually } from './support/eventually.js';

const PUBLIC_URL = 'https://strongroom.council.test';

/**
 * Invitations and password resets by e-mail (issue 15), sent through a real SMTP server started here: the
 * server's mailer connects, authenticates with the credentials in SMTP_URL and hands each message over.
 */
describe('e-mail: invitations and password resets through SMTP', () => {
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  let t: TestApp;
  let w: World;
  let council: string;
  let admin: Person;
  const homes: string[] = [];

  beforeAll(async () => {
    smtp = await startSmtpServer();
    t = await startTestApp({
      // Links expire and e-mails are counted by the hour: the test clock moves hours, sessions must outlast it.
      env: {
        SMTP_URL: smtp.url,
        MAIL_FROM: 'Strongroom <noreply@council.test>',
        SESSION_IDLE_MINUTES: '1440',
        SESSION_ABSOLUTE_HOURS: '168',
      },
    });
    w = new World(t);
    await w.agreement();
    council = await w.agency('Council', { sector: 'local_authority' });
    admin = await w.person(council, 'isa_admin');
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
    for (const h of homes) await rm(h, { recursive: true, force: true });
  });

  const auditOf = async (action: string, userId: string | null) =>
    (
      await t.sql(
        `SELECT outcome, details FROM audit_events WHERE action = $1 AND target_id IS NOT DISTINCT FROM $2 ORDER BY seq`,
        [action, userId],
      )
    ).rows as { outcome: string; details: Record<string, unknown> }[];

  it('an invitation is e-mailed with a link to the web client’s invitation page whose code sets the password', async () => {
    const email = uniqueEmail('invited');
    const created = await admin.client.createUser({ email, displayName: 'Ivy Invited', role: 'practitioner' });
    expect(created.invitation.emailed).toBe(true);
    expect(created.invitation.token).toBeTruthy(); // still answered, for scripts and for carrying by hand
    const mail = await smtp.mailTo(email);
    expect(mail.from).toBe('noreply@council.test');
    expect(mail.subject).toMatch(/account/i);
    expect(mail.text).toContain('Ivy Invited');
    expect(mail.text).toContain('Council');
    // Without PUBLIC_URL, the link uses the address the administrator reached the server at.
    const { link, token } = linkIn(mail.text, '/invitation');
    expect(link.startsWith(`${t.baseUrl}/invitation#code=`)).toBe(true);
    expect(token).toBe(created.invitation.token);
    // The page the link opens is the web client's (served for any path); the code in it works.
    const anon = w.client();
    await anon.acceptInvitation(token, 'a-brand-new-secret-phrase');
    await expect(anon.login({ email, password: 'a-brand-new-secret-phrase' })).resolves.toBeDefined();
  });

  it('`users create` says the invitation was e-mailed and still prints the token', async () => {
    const home = await mkdtemp(path.join(os.tmpdir(), 'sr-mail-admin-'));
    homes.push(home);
    t.clock.advance(30_000);
    const login = await cli(home, t, ['login', '--email', admin.email], {
      STRONGROOM_PASSWORD: admin.password,
      STRONGROOM_TOTP: await totpAt(admin.totpSecret!, t),
    });
    expect(login.code).toBe(0);
    const email = uniqueEmail('clinvite');
    const r = await cli(home, t, [
      'users',
      'create',
      '--email',
      email,
      '--name',
      'Cal Invite',
      '--role',
      'practitioner',
    ]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain(`The invitation was e-mailed to ${email}`);
    const mail = await smtp.mailTo(email);
    expect(r.out).toContain(linkIn(mail.text, '/invitation').token);
  });

  it('a reset link works once: the new password signs in, the old does not, sessions end, and the second use is refused', async () => {
    const pat = await w.person(council, 'practitioner', 'resetme');
    const answer = await w.client().requestPasswordReset(pat.email.toUpperCase());
    expect(answer.message).toMatch(/If an active account has that address/);
    const mail = await smtp.mailTo(pat.email, (m) => m.subject.includes('new Strongroom password'));
    const { token } = linkIn(mail.text, '/password-reset');
    expect(mail.text).toContain('works once, for 30 minutes');
    // Only a hash is kept.
    const stored = await t.sql(`SELECT token_hash FROM password_resets WHERE user_id = $1`, [pat.id]);
    expect(stored.rows).toHaveLength(1);
    expect((stored.rows[0] as { token_hash: Buffer }).token_hash.toString('utf8')).not.toContain(token);

    const anon = w.client();
    // A weak password is refused by the invitation's rules, and the link still works afterwards.
    const weak = await refused(anon.completePasswordReset({ token, newPassword: 'password' }), 400, 'weak_password');
    expect((weak.details as { fields: { newPassword: string[] } }).fields.newPassword).toContain(
      'must be at least 12 characters',
    );
    const done = await anon.completePasswordReset({ token, newPassword: 'a-fresh-reset-passphrase' });
    expect(done).toEqual({ email: pat.email, sessionsRevoked: 1 });
    await refused(pat.client.me(), 401, 'invalid_session');
    await refused(anon.login({ email: pat.email, password: pat.password }), 401, 'invalid_credentials');
    await expect(anon.login({ email: pat.email, password: 'a-fresh-reset-passphrase' })).resolves.toBeDefined();

    const again = await refused(
      anon.completePasswordReset({ token, newPassword: 'yet-another-passphrase' }),
      400,
      'password_reset_invalid',
    );
    expect(again.message).toMatch(/already used/);
    await expect(anon.login({ email: pat.email, password: 'a-fresh-reset-passphrase' })).resolves.toBeDefined();
    expect((await auditOf('auth.password_reset_requested', pat.id)).map((e) => e.outcome)).toEqual(['success']);
    const completed = await auditOf('auth.password_reset_completed', pat.id);
    expect(completed.map((e) => [e.outcome, e.details.reason ?? null, e.details.sessionsRevoked ?? null])).toEqual([
      ['success', null, 1],
      ['failure', 'used', null],
    ]);
  });

  it('an expired link is refused in plain words and changes nothing', async () => {
    const pat = await w.account(council, 'practitioner', 'expiry');
    await w.client().requestPasswordReset(pat.email);
    const { token } = linkIn((await smtp.mailTo(pat.email)).text, '/password-reset');
    t.clock.advance(30 * 60_000 + 1000);
    const err = await refused(
      w.client().completePasswordReset({ token, newPassword: 'too-late-for-this-one' }),
      400,
      'password_reset_invalid',
    );
    expect(err.message).toMatch(/expired/);
    await expect(w.client().login({ email: pat.email, password: pat.password })).resolves.toBeDefined();
  });

  it('only the newest link works: asking again makes the earlier one useless', async () => {
    const pat = await w.account(council, 'practitioner', 'twice');
    await w.client().requestPasswordReset(pat.email);
    const first = linkIn((await smtp.mailTo(pat.email)).text, '/password-reset').token;
    await w.client().requestPasswordReset(pat.email);
    const second = linkIn((await smtp.mailTo(pat.email, (m) => !m.text.includes(first))).text, '/password-reset').token;
    await refused(
      w.client().completePasswordReset({ token: first, newPassword: 'the-first-link-fails' }),
      400,
      'password_reset_invalid',
    );
    await expect(
      w.client().completePasswordReset({ token: second, newPassword: 'the-second-link-works' }),
    ).resolves.toBeDefined();
  });

  it('an account with two-factor sign-in needs its code too; a wrong one is refused and leaves the link usable', async () => {
    const boss = await w.person(council, 'agency_admin', 'mfareset');
    await w.client().requestPasswordReset(boss.email);
    const { token } = linkIn((await smtp.mailTo(boss.email)).text, '/password-reset');
    const anon = w.client();
    await refused(anon.completePasswordReset({ token, newPassword: 'no-second-factor-here' }), 401, 'mfa_required');
    await refused(
      anon.completePasswordReset({ token, newPassword: 'a-wrong-second-factor', totp: '000000' }),
      401,
      'invalid_mfa_code',
    );
    await expect(
      anon.login({ email: boss.email, password: boss.password, totp: await totpAt(boss.totpSecret!, t) }),
    ).resolves.toBeDefined();
    t.clock.advance(30_000);
    const done = await anon.completePasswordReset({
      token,
      newPassword: 'with-the-right-code-now',
      totp: await totpAt(boss.totpSecret!, t),
    });
    expect(done.email).toBe(boss.email);
    const events = await auditOf('auth.password_reset_completed', boss.id);
    expect(events.map((e) => [e.outcome, e.details.reason ?? e.details.mfa])).toEqual([
      ['denied', 'mfa_missing'],
      ['failure', 'bad_totp'],
      ['success', 'totp'],
    ]);
  });

  it('a link for an account disabled since is refused, saying so', async () => {
    const leaver = await w.account(council, 'practitioner', 'leaver');
    await w.client().requestPasswordReset(leaver.email);
    const { token } = linkIn((await smtp.mailTo(leaver.email)).text, '/password-reset');
    await admin.client.disableUser(leaver.id);
    const err = await refused(
      w.client().completePasswordReset({ token, newPassword: 'a-leavers-new-password' }),
      403,
      'account_disabled',
    );
    expect(err.message).toMatch(/disabled/);
    // A disabled account's address gets no link at all, with the same answer as anyone.
    const before = smtp.received.length;
    const answer = await w.client().requestPasswordReset(leaver.email);
    expect(answer.message).toMatch(/If an active account has that address/);
    expect((await auditOf('auth.password_reset_requested', leaver.id)).map((e) => e.outcome)).toEqual([
      'success',
      'denied',
    ]);
    expect(smtp.received.length).toBe(before);
  });

  it('an unknown address gets the same answer as a known one, and nothing is sent', async () => {
    const known = await w.account(council, 'practitioner', 'known');
    const anon = w.client();
    const forKnown = await anon.requestPasswordReset(known.email);
    await smtp.mailTo(known.email);
    const before = smtp.received.length;
    const nobody = uniqueEmail('nobody');
    const forUnknown = await anon.requestPasswordReset(nobody);
    expect(forUnknown).toEqual(forKnown);
    // The unknown address's request is recorded (without the address) once it has been handled in full.
    await eventually(async () => {
      const rows = (
        await t.sql(
          `SELECT details FROM audit_events WHERE action = 'auth.password_reset_requested' AND target_id IS NULL`,
        )
      ).rows as { details: { reason?: string } }[];
      expect(rows.map((r) => r.details.reason)).toContain('unknown_email');
      expect(JSON.stringify(rows)).not.toContain(nobody);
    });
    // A known address's mail arrives within moments of its answer (above); after the same wait, none came here.
    await anon.requestPasswordReset(known.email);
    await smtp.mailTo(known.email, (m) => smtp.received.indexOf(m) >= before);
    expect(smtp.received.filter((m) => m.to.includes(nobody))).toEqual([]);
  });

  it('an account gets at most PASSWORD_RESETS_PER_HOUR e-mails an hour, with the same answer after', async () => {
    const pat = await w.account(council, 'practitioner', 'flood');
    const anon = w.client();
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await anon.requestPasswordReset(pat.email));
    expect(new Set(answers.map((a) => a.message)).size).toBe(1);
    expect((await auditOf('auth.password_reset_requested', pat.id)).map((e) => e.outcome)).toEqual([
      'success',
      'success',
      'success',
      'denied',
    ]);
    await eventually(() => expect(smtp.received.filter((m) => m.to.includes(pat.email))).toHaveLength(3));
    t.clock.advance(60 * 60_000 + 1000);
    await anon.requestPasswordReset(pat.email);
    await eventually(() => expect(smtp.received.filter((m) => m.to.includes(pat.email))).toHaveLength(4));
  });

  it('the CLI asks for a reset, then sets the new password with the e-mailed code (never on the command line)', async () => {
    const pat = await w.account(council, 'practitioner', 'clireset');
    const home = await mkdtemp(path.join(os.tmpdir(), 'sr-mail-pat-'));
    homes.push(home);
    const asked = await cli(home, t, ['password', 'reset', pat.email]);
    expect(asked.code).toBe(0);
    expect(asked.out).toContain('strongroom password reset --token');
    const { token } = linkIn((await smtp.mailTo(pat.email)).text, '/password-reset');
    const done = await cli(home, t, ['--json', 'password', 'reset', '--token'], {
      STRONGROOM_RESET_TOKEN: token,
      STRONGROOM_PASSWORD: 'a-cli-chosen-passphrase',
    });
    expect(done.err).toBe('');
    expect(json(done)).toEqual({ email: pat.email, sessionsRevoked: 0 });
    const again = await cli(home, t, ['password', 'reset', '--token'], {
      STRONGROOM_RESET_TOKEN: token,
      STRONGROOM_PASSWORD: 'a-cli-chosen-passphrase',
    });
    expect(again.code).not.toBe(0);
    expect(again.err).toContain('already used');
    const login = await cli(home, t, ['login', '--email', pat.email], {
      STRONGROOM_PASSWORD: 'a-cli-chosen-passphrase',
    });
    expect(login.code).toBe(0);
  });

  it('with PUBLIC_URL set, links use it', async () => {
    const other = await startTestApp({ env: { SMTP_URL: smtp.url, PUBLIC_URL: `${PUBLIC_URL}/` } });
    try {
      const ow = new World(other);
      await ow.agreement();
      const agency = await ow.agency('Borough');
      const pat = await ow.account(agency, 'practitioner', 'publicurl');
      await ow.client().requestPasswordReset(pat.email);
      const { link } = linkIn((await smtp.mailTo(pat.email)).text, '/password-reset');
      expect(link.startsWith(`${PUBLIC_URL}/password-reset#token=`)).toBe(true);
    } finally {
      await other.close();
    }
  });
});

describe('e-mail without an SMTP server', () => {
  it('in development, messages are written to DATA_DIR/outbox (owner-only) instead', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'sr-outbox-'));
    const t = await startTestApp({ env: { NODE_ENV: 'development', DATA_DIR: dataDir } });
    try {
      const w = new World(t);
      await w.agreement();
      const agency = await w.agency('Council');
      const admin = await w.person(agency, 'isa_admin');
      const email = uniqueEmail('outboxed');
      const created = await admin.client.createUser({ email, displayName: 'Otto Box', role: 'practitioner' });
      expect(created.invitation.emailed).toBe(true);
      const outbox = path.join(dataDir, 'outbox');
      const files = await readdir(outbox);
      expect(files).toHaveLength(1);
      expect(files[0]).toMatch(/invitation.*\.eml$/);
      expect((await stat(path.join(outbox, files[0]))).mode & 0o777).toBe(0o600);
      const message = await readFile(path.join(outbox, files[0]), 'utf8');
      expect(message).toContain(`To: ${email}`);
      expect(message.replace(/=\r?\n/g, '')).toContain(created.invitation.token);
    } finally {
      await t.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('with e-mail off, an invitation says it was not e-mailed, and a reset request says resets cannot be done here', async () => {
    const t = await startTestApp();
    try {
      const w = new World(t);
      await w.agreement();
      const agency = await w.agency('Council');
      const admin = await w.person(agency, 'isa_admin');
      const created = await admin.client.createUser({
        email: uniqueEmail('byhand'),
        displayName: 'B',
        role: 'practitioner',
      });
      expect(created.invitation.emailed).toBe(false);
      expect(created.invitation.emailNote).toMatch(/does not send e-mail/);
      const answer = await w.client().requestPasswordReset(admin.email);
      expect(answer.message).toMatch(/does not send e-mail/);
      expect((await t.sql(`SELECT count(*)::int AS n FROM password_resets`)).rows[0]).toEqual({ n: 0 });
    } finally {
      await t.close();
    }
  });
});
