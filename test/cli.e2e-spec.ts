import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { FileKeyStore } from '../client/sdk/node.js';
import { cli, cliAs, cliPerson, json } from './support/cli.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { totpAt, uniqueEmail, World } from './support/world.js';

const run = promisify(execFile);

describe('the strongroom CLI, driven as a person and a script would', () => {
  let t: TestApp;
  let w: World;
  let council: string;
  let adminHome: string;
  const admin = { email: '', password: '', totpSecret: '' };

  beforeAll(async () => {
    t = await startTestApp();
    w = new World(t);
    await w.agreement();
    council = await w.agency('Council Early Help');
    // The first ISA admin, as the demo seed makes one: MFA enrolled already.
    const acct = await w.account(council, 'isa_admin', 'cli-admin');
    const signedIn = await w.signIn(acct);
    Object.assign(admin, { email: acct.email, password: acct.password, totpSecret: signedIn.totpSecret });
    adminHome = await mkdtemp(path.join(os.tmpdir(), 'sr-cli-admin-'));
  });
  afterAll(async () => {
    await t.close();
    await rm(adminHome, { recursive: true, force: true });
  });

  const freshHome = () => mkdtemp(path.join(os.tmpdir(), 'sr-cli-'));

  async function adminLogin(): Promise<void> {
    t.clock.advance(30_000); // each TOTP code works once: move to a fresh time step
    const r = await cli(adminHome, t, ['login', '--email', admin.email], {
      STRONGROOM_PASSWORD: admin.password,
      STRONGROOM_TOTP: await totpAt(admin.totpSecret, t),
    });
    expect(r).toMatchObject({ code: 0 });
  }

  it('prints help for the program and every command, and a usage error for a missing option', async () => {
    const home = await freshHome();
    const top = await cli(home, t, ['--help']);
    expect(top.code).toBe(0);
    for (const cmd of [
      'login',
      'logout',
      'whoami',
      'attest',
      'mfa',
      'sessions',
      'device',
      'agencies',
      'agreements',
      'users',
      'sign-in-delays',
      'audit',
    ]) {
      expect(top.out).toContain(`  ${cmd}`);
    }
    for (const argv of [
      ['mfa', 'enrol'],
      ['mfa', 'verify'],
      ['sessions', 'list'],
      ['sessions', 'revoke'],
      ['device', 'init'],
      ['agencies', 'list'],
      ['agencies', 'register'],
      ['agencies', 'sign'],
      ['agencies', 'notice'],
      ['agencies', 'suspend'],
      ['agencies', 'reinstate'],
      ['agreements', 'list'],
      ['agreements', 'publish'],
      ['users', 'create'],
      ['users', 'disable'],
      ['users', 'hand-over'],
      ['users', 'list'],
      ['notifications'],
      ['notifications', 'read'],
      ['sign-in-delays', 'list'],
      ['sign-in-delays', 'clear'],
      ['audit', 'verify'],
    ]) {
      const help = await cli(home, t, [...argv, '--help']);
      expect({ argv, code: help.code }).toEqual({ argv, code: 0 });
      expect(help.out).toContain(`Usage: strongroom ${argv.join(' ')}`);
      expect(help.out).toContain('--json');
    }
    const missing = await cli(home, t, ['users', 'create', '--email', 'x@y.example']);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain("required option '--name <display name>' not specified");
  });

  it('signs in with secrets from the environment, asks for the TOTP code only when needed, and keeps the token private', async () => {
    const home = await freshHome();
    const noCode = await cli(home, t, ['login', '--email', admin.email], { STRONGROOM_PASSWORD: admin.password });
    // No terminal and no STRONGROOM_TOTP: it says how to pass the code rather than hanging.
    expect(noCode.code).toBe(2);
    expect(noCode.err).toContain('set STRONGROOM_TOTP');
    t.clock.advance(30_000);
    const code = await totpAt(admin.totpSecret, t);
    const prompted = await cli(home, t, ['login', '--email', admin.email], { STRONGROOM_PASSWORD: admin.password }, [
      code,
    ]);
    expect(prompted.code).toBe(0);
    expect(prompted.err).toContain('Authentication code:');
    expect(prompted.out).toContain('Signed in to');
    const file = path.join(home, 'session.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const saved = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    expect(Object.keys(saved).sort()).toEqual(['email', 'server', 'token', 'userId']); // never the password

    const who = await cli(home, t, ['whoami', '--json']);
    expect(json<{ user: { email: string; role: string } }>(who).user).toMatchObject({
      email: admin.email,
      role: 'isa_admin',
    });
  });

  it('refuses a wrong password with exit code 1 and the server’s words, in text and in JSON', async () => {
    const home = await freshHome();
    const r = await cli(home, t, ['login', '--email', admin.email], { STRONGROOM_PASSWORD: 'definitely-not-it' });
    expect(r.code).toBe(1);
    expect(r.err).toContain('The e-mail address or password is wrong. (invalid_credentials, HTTP 401)');
    const j = await cli(home, t, ['--json', 'login', '--email', admin.email], {
      STRONGROOM_PASSWORD: 'definitely-not-it',
    });
    expect(j.code).toBe(1);
    expect(json<{ error: { code: string; status: number } }>(j).error).toMatchObject({
      code: 'invalid_credentials',
      status: 401,
    });
  });

  it('says when the server cannot be reached (exit code 3)', async () => {
    const home = await freshHome();
    const r = await cli(home, t, ['--server', 'http://127.0.0.1:9', 'login', '--email', 'a@b.example'], {
      STRONGROOM_PASSWORD: 'whatever-it-is',
    });
    expect(r.code).toBe(3);
    expect(r.err).toContain('Cannot reach the Strongroom server at http://127.0.0.1:9');
  });

  it('`server`: checks an address answers as Strongroom before remembering it, and will not move a signed-in person', async () => {
    const home = await freshHome();
    const noUrl = { STRONGROOM_URL: '' };
    const set = await cli(home, t, ['server', t.baseUrl], noUrl);
    expect(set).toMatchObject({ code: 0 });
    expect(set.out).toContain(`From now on this command uses ${t.baseUrl}`);
    const shown = await cli(home, t, ['--json', 'server'], noUrl);
    expect(json(shown)).toMatchObject({ server: t.baseUrl, status: 'ok', serverApiVersion: 1, clientApiVersion: 1 });

    // Not a Strongroom server (nothing listens there): refused, the remembered one kept.
    const nothing = await cli(home, t, ['--json', 'server', 'http://127.0.0.1:9'], noUrl);
    expect(nothing.code).toBe(2);
    expect(JSON.parse(nothing.out)).toMatchObject({ error: { code: 'not_a_strongroom_server' } });
    // Plain http to another computer: refused before anything is asked of it.
    const plain = await cli(home, t, ['--json', 'server', 'http://strongroom.example'], noUrl);
    expect(plain.code).toBe(2);
    expect(JSON.parse(plain.out)).toMatchObject({ error: { code: 'insecure_server' } });
    expect(json(await cli(home, t, ['--json', 'server'], noUrl))).toMatchObject({ server: t.baseUrl });

    // Signed in here: moving to another server is refused until they sign out.
    t.clock.advance(30_000); // each TOTP code works once: move to a fresh time step
    const secrets = { STRONGROOM_PASSWORD: admin.password, STRONGROOM_TOTP: await totpAt(admin.totpSecret, t) };
    expect((await cli(home, t, ['login', '--email', admin.email], { ...noUrl, ...secrets })).code).toBe(0);
    const moved = await cli(home, t, ['--json', 'server', 'http://localhost:9'], noUrl);
    expect(moved.code).toBe(2);
    expect(JSON.parse(moved.out)).toMatchObject({ error: { code: 'signed_in_elsewhere' } });
    expect((JSON.parse(moved.out) as { error: { message: string } }).error.message).toContain('strongroom logout');
  });

  it('runs the ISA register end to end: register, sign, list, notice, suspend, reinstate, publish a version', async () => {
    await adminLogin();
    const reg = await cli(adminHome, t, [
      '--json',
      'agencies',
      'register',
      '--name',
      'Westvale Youth Service',
      '--sector',
      'other',
    ]);
    expect(reg.code).toBe(0);
    const agencyId = json<{ id: string; status: string }>(reg).id;
    expect(json<{ status: string }>(reg).status).toBe('registered');

    const bad = await cli(adminHome, t, [
      'agencies',
      'sign',
      agencyId,
      '--signatory-name',
      'J Doe',
      '--signatory-title',
      'Director',
      '--signed-on',
      '01/11/2026',
    ]);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('signedOn: must be a date as YYYY-MM-DD');

    // Named as a person names it; an id works too (above), and a name nobody has is a usage error.
    const unknown = await cli(adminHome, t, ['agencies', 'show', 'Westvale Youth Services']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('Nothing matches "Westvale Youth Services" among the agencies');
    const signed = await cli(adminHome, t, [
      'agencies',
      'sign',
      'Westvale Youth Service',
      '--signatory-name',
      'J Doe',
      '--signatory-title',
      'Director',
      '--signed-on',
      '2023-11-01',
    ]);
    expect(signed.code).toBe(0);
    expect(signed.out).toMatch(/ISA status:\s+signed/);

    const list = await cli(adminHome, t, ['agencies', 'list']);
    expect(list.out).toMatch(/Westvale Youth Service\s+other\s+signed\s+v10\.0/);

    const noticeArgs = [
      'agencies',
      'notice',
      'westvale youth service',
      '--given-at',
      '2024-01-31T10:00:00Z',
      '--reason',
      'Notice letter of 31 January 2024 recorded late',
    ];
    // Irreversible: a script that did not say --yes is refused, and nothing is recorded.
    const unconfirmed = await cli(adminHome, t, noticeArgs);
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.err).toContain('notice to withdraw');
    expect(unconfirmed.err).toContain('add --yes');
    expect(json<{ status: string }>(await cli(adminHome, t, ['--json', 'agencies', 'show', agencyId])).status).toBe(
      'signed',
    );
    // At a terminal the person is asked; anything but yes changes nothing.
    const declined = await cli(adminHome, t, noticeArgs, {}, ['n']);
    expect(declined.code).toBe(2);
    expect(declined.err).toContain('Continue? [y/N]');
    expect(declined.err).toContain('nothing was changed');
    expect(json<{ status: string }>(await cli(adminHome, t, ['--json', 'agencies', 'show', agencyId])).status).toBe(
      'signed',
    );
    const notice = await cli(adminHome, t, ['--json', ...noticeArgs, '--yes']);
    expect(json<{ status: string; withdrawalEffectiveAt: string }>(notice)).toMatchObject({
      status: 'notice_given',
      withdrawalEffectiveAt: '2024-02-29T10:00:00.000Z',
    });
    const suspended = await cli(adminHome, t, [
      '--json',
      'agencies',
      'suspend',
      agencyId.slice(0, 8),
      '--reason',
      'Data breach under investigation',
      '--yes',
    ]);
    expect(json<{ status: string }>(suspended).status).toBe('suspended');
    const reinstated = await cli(adminHome, t, ['--json', 'agencies', 'reinstate', agencyId]);
    expect(json<{ status: string }>(reinstated).status).toBe('notice_given');

    const published = await cli(adminHome, t, [
      'agreements',
      'publish',
      '--label',
      '10.1',
      '--published-on',
      '2025-01-01',
      '--text-ref',
      'ISA v10.1',
    ]);
    expect(published.code).toBe(0);
    expect(published.out).toContain('review due 2028-01-01');
    const versions = await cli(adminHome, t, ['--json', 'agreements', 'list']);
    expect(json<{ label: string }[]>(versions).map((v) => v.label)).toEqual(['10.1', '10.0']);
    // A new version needs a new confirmation: the admin attests again, from a script.
    const attest = await cli(adminHome, t, ['attest', '--yes']);
    expect(attest.code).toBe(0);
    expect(attest.out).toContain('you confirmed agreement v10.1');
  });

  it('creates a user with an invitation; the person sets a password, attests, makes device keys, and is off-boarded', async () => {
    await adminLogin();
    const email = uniqueEmail('cli-worker');
    const created = await cli(adminHome, t, [
      '--json',
      'users',
      'create',
      '--agency',
      'council early help',
      '--email',
      email,
      '--name',
      'Casey Worker',
      '--role',
      'practitioner',
    ]);
    expect(created.code).toBe(0);
    const { user, invitation } = json<{ user: { id: string; agencyId: string }; invitation: { token: string } }>(
      created,
    );
    expect(user.agencyId).toBe(council);

    const home = await freshHome();
    const password = 'a-long-and-private-passphrase';
    const typo = await cli(home, t, ['invitation', 'accept'], { STRONGROOM_INVITATION_TOKEN: invitation.token }, [
      password,
      'something-else-entirely',
    ]);
    expect(typo.code).toBe(2);
    expect(typo.err).toContain('The two passwords differ');
    const accepted = await cli(home, t, ['invitation', 'accept'], { STRONGROOM_INVITATION_TOKEN: invitation.token }, [
      password,
      password,
    ]);
    expect(accepted).toMatchObject({ code: 0 });

    const login = await cli(home, t, ['login', '--email', email], { STRONGROOM_PASSWORD: password });
    expect(login.code).toBe(0);
    expect(login.out).toContain('run `strongroom attest`');
    // Nothing shared before the attestation; declining at the prompt records nothing.
    const early = await cli(home, t, ['device', 'list']);
    expect(early.code).toBe(1);
    expect(early.err).toContain('attestation_required');
    const declined = await cli(home, t, ['attest'], {}, ['no']);
    expect(declined.code).toBe(2);
    expect((await cli(home, t, ['--json', 'whoami'])).out).toContain('"required": true');
    const agreed = await cli(home, t, ['attest'], {}, ['yes']);
    expect(agreed.code).toBe(0);
    expect(agreed.err).toContain('accept the duty of confidentiality');

    const passphrase = 'correct horse battery staple';
    // As a person runs it: no STRONGROOM_KDF (the test helper sets one for speed), so the default cost.
    const init = await cli(home, t, ['--json', 'device', 'init', '--label', 'Casey laptop'], {
      STRONGROOM_PASSPHRASE: passphrase,
      STRONGROOM_KDF: '',
    });
    expect(init.code).toBe(0);
    const { device, safetyNumber } = json<{ device: { id: string; ed25519PublicKey: string }; safetyNumber: string }>(
      init,
    );
    expect(safetyNumber).toMatch(/^(\d{5} ){11}\d{5}$/);
    // The private keys are on disk only encrypted: the file opens with the passphrase and not without it.
    const keyDir = path.join(home, 'keys');
    const [keyFile] = await readdir(keyDir);
    expect((await stat(path.join(keyDir, keyFile))).mode & 0o777).toBe(0o600);
    // Argon2id at libsodium's MODERATE limits: 3 passes over 256 MiB.
    expect(JSON.parse(await readFile(path.join(keyDir, keyFile), 'utf8'))).toMatchObject({
      kdf: 'argon2id13',
      opslimit: 3,
      memlimit: 256 * 1024 * 1024,
    });
    const stored = await new FileKeyStore(keyDir).load(user.id, passphrase);
    expect(stored.deviceId).toBe(device.id);
    expect(await readFile(path.join(keyDir, keyFile), 'utf8')).not.toContain(stored.keys.ed25519.privateKey);
    await expect(new FileKeyStore(keyDir).load(user.id, 'wrong passphrase here')).rejects.toThrow('passphrase');
    const again = await cli(home, t, ['device', 'init'], { STRONGROOM_PASSPHRASE: passphrase });
    expect(again.code).toBe(2);
    expect(again.err).toContain('already holds device keys');
    const devices = await cli(home, t, ['device', 'list']);
    expect(devices.out).toContain('Casey laptop');
    expect(devices.out).toContain(`Safety number: ${safetyNumber}`);

    const sessions = await cli(home, t, ['--json', 'sessions', 'list']);
    expect(json<unknown[]>(sessions)).toHaveLength(1);
    // A second sign-in elsewhere, ended from here by the first characters of its id.
    const elsewhere = await freshHome();
    expect((await cli(elsewhere, t, ['login', '--email', email], { STRONGROOM_PASSWORD: password })).code).toBe(0);
    const both = json<{ id: string; current: boolean }[]>(await cli(home, t, ['--json', 'sessions', 'list']));
    const other = both.find((x) => !x.current)!;
    const tooShort = await cli(home, t, ['sessions', 'revoke', other.id.slice(0, 2)]);
    expect(tooShort.code).toBe(2);
    expect(tooShort.err).toContain('at least its first 4 characters');
    const revoked = await cli(home, t, ['sessions', 'revoke', other.id.slice(0, 8)]);
    expect(revoked.code).toBe(0);
    expect(revoked.out).toContain(`Session ${other.id} ended`);
    expect((await cli(elsewhere, t, ['whoami'])).code).toBe(1);

    // Off-boarding from the admin's CLI ends the worker's session at once.
    // Named by e-mail address, and confirmed at the terminal.
    const disabled = await cli(adminHome, t, ['users', 'disable', email, '--reason', 'Left the council'], {}, ['y']);
    expect(disabled.code).toBe(0);
    expect(disabled.err).toContain(`Disabling ${email}`);
    expect(disabled.out).toContain('1 session(s) ended');
    const after = await cli(home, t, ['whoami']);
    expect(after.code).toBe(1);
    expect(after.err).toContain('invalid_session');
    // Logging out with a dead session still forgets it locally.
    expect((await cli(home, t, ['logout'])).code).toBe(0);
    expect((await cli(home, t, ['whoami'])).err).toContain('not signed in');
  });

  it('shows an ISA admin the accounts held back by failed sign-ins, and clears one so its owner can sign in', async () => {
    const victim = await w.account(council, 'practitioner', 'cli-delayed');
    for (let i = 0; i < 6; i++)
      await expect(w.client().login({ email: victim.email, password: 'a-wrong-guess' })).rejects.toThrow();
    await adminLogin();
    const list = await cli(adminHome, t, ['sign-in-delays', 'list']);
    expect(list.code).toBe(0);
    expect(list.out).toMatch(new RegExp(`^${victim.email.replace(/\./g, '\\.')}\\s+cli-delayed person\\s+6\\s+`, 'm'));
    const json = await cli(adminHome, t, ['--json', 'sign-in-delays', 'list']);
    expect(JSON.parse(json.out)).toMatchObject({ accounts: [{ user: { id: victim.id }, failures: 6 }] });

    const cleared = await cli(adminHome, t, ['sign-in-delays', 'clear', victim.email]);
    expect(cleared).toMatchObject({ code: 0, out: expect.stringContaining('its owner can sign in now') as unknown });
    await expect(w.client().login({ email: victim.email, password: victim.password })).resolves.toBeDefined();
    const again = await cli(adminHome, t, ['sign-in-delays', 'clear', victim.id]);
    expect(again.out).toContain('Nothing to clear');
    expect((await cli(adminHome, t, ['sign-in-delays', 'list'])).out).toBe('Nobody is held back from signing in.\n');
  });

  it('enrols MFA for a role that requires it, printing recovery codes once', async () => {
    const acct = await w.account(council, 'auditor', 'cli-auditor');
    const home = await freshHome();
    const login = await cli(home, t, ['login', '--email', acct.email], { STRONGROOM_PASSWORD: acct.password });
    expect(login.out).toContain('run `strongroom mfa enrol`');
    const enrol = await cli(home, t, ['--json', 'mfa', 'enrol']);
    const { secret } = json<{ secret: string }>(enrol);
    const wrong = await cli(home, t, ['mfa', 'verify'], { STRONGROOM_TOTP: '000000' });
    expect(wrong.code).toBe(1);
    const ok = await cli(home, t, ['mfa', 'verify'], { STRONGROOM_TOTP: await totpAt(secret, t) });
    expect(ok.code).toBe(0);
    expect(ok.out.match(/^ {2}\S+$/gm)).toHaveLength(10);
    const who = await cli(home, t, ['whoami']);
    expect(who.out).toMatch(/Two-factor:\s+enabled/);
  });

  it('audit verify checks the chain on the server and independently here, and both catch a row altered behind the trigger', async () => {
    await adminLogin();
    const intact = await cli(adminHome, t, ['--json', 'audit', 'verify']);
    expect(intact.code).toBe(0);
    const report = json<{
      ok: boolean;
      server: { head: { hash: string } };
      local: { head: { hash: string }; eventsChecked: number };
    }>(intact);
    expect(report.ok).toBe(true);
    expect(report.local.head.hash).toBe(report.server.head.hash);
    expect(report.local.eventsChecked).toBeGreaterThan(10);

    const { rows } = await t.sql('SELECT seq FROM audit_events ORDER BY seq LIMIT 1 OFFSET 4');
    const seq = Number((rows[0] as { seq: string }).seq);
    await t.sql(
      `BEGIN; SET LOCAL session_replication_role = replica;
       UPDATE audit_events SET outcome = 'failure' WHERE seq = ${seq}; COMMIT;`,
    );
    const broken = await cli(adminHome, t, ['audit', 'verify']);
    expect(broken.code).toBe(1);
    expect(broken.out).toMatch(new RegExp(`Server:\\s+BROKEN at event #${seq} \\(hash_mismatch\\)`));
    expect(broken.out).toMatch(new RegExp(`This computer:\\s+BROKEN at event #${seq} \\(hash_mismatch\\)`));
  });

  it('opens a key store written at the older interactive cost, and refuses an unknown STRONGROOM_KDF', async () => {
    const homes: string[] = [];
    // Made as the test helper makes every store: STRONGROOM_KDF=interactive, as stores were before MODERATE.
    const p = await cliPerson(t, w, council, 'cli-kdf', homes);
    const keyDir = path.join(p.home, 'keys');
    const keyFile = path.join(keyDir, (await readdir(keyDir))[0]);
    const before = await readFile(keyFile, 'utf8');
    expect(JSON.parse(before)).toMatchObject({ opslimit: 2, memlimit: 64 * 1024 * 1024 });

    // Opened by a CLI at the default cost: it unlocks with the limits the store records.
    const opened = await cliAs(t, p, ['channels', 'list'], { STRONGROOM_KDF: '' });
    expect(opened).toMatchObject({ code: 0, err: '' });
    expect(await readFile(keyFile, 'utf8')).toBe(before);

    const odd = await cliAs(t, p, ['channels', 'list'], { STRONGROOM_KDF: 'fast' });
    expect(odd.code).toBe(2);
    expect(odd.err).toContain('STRONGROOM_KDF must be "moderate" (the default) or "interactive" (for tests only)');
    await Promise.all(homes.map((h) => rm(h, { recursive: true, force: true })));
  });

  it('keeps STRONGROOM_HOME private on every write: a session, trust or key file loosened to 0644 in 0755 folders is set back to 0600 in 0700', async () => {
    const homes: string[] = [];
    const alice = await cliPerson(t, w, council, 'cli-modes-a', homes);
    const bob = await cliPerson(t, w, council, 'cli-modes-b', homes);
    /** What a restore from backup or a careless `chmod -R` leaves: folders 0755, files 0644. */
    const loosen = async (home: string) => {
      for (const entry of await readdir(home, { recursive: true })) {
        const p = path.join(home, entry);
        await chmod(p, (await stat(p)).isDirectory() ? 0o755 : 0o644);
      }
      await chmod(home, 0o755);
    };
    const modes = async (home: string, entries: string[]) =>
      Object.fromEntries(
        await Promise.all(entries.map(async (e) => [e, ((await stat(path.join(home, e))).mode & 0o777).toString(8)])),
      ) as Record<string, string>;

    // The session file: written again by a new sign-in.
    await loosen(alice.home);
    expect(await modes(alice.home, ['.', 'session.json'])).toEqual({ '.': '755', 'session.json': '644' });
    const again = await cli(alice.home, t, ['login', '--email', alice.email], { STRONGROOM_PASSWORD: alice.password });
    expect(again.code).toBe(0);
    expect(await modes(alice.home, ['.', 'session.json'])).toEqual({ '.': '700', 'session.json': '600' });

    // The trust store: written when alice verifies bob.
    const trustFile = `trust/${alice.id}.json`;
    expect((await cliAs(t, alice, ['verify', bob.email, '--yes'])).code).toBe(0);
    await loosen(alice.home);
    expect((await cliAs(t, alice, ['verify', bob.email, '--yes'])).code).toBe(0);
    expect(await modes(alice.home, ['.', 'trust', trustFile])).toEqual({
      '.': '700',
      trust: '700',
      [trustFile]: '600',
    });

    // The key store: written again on a second computer when it picks up its approval.
    const laptop = { ...alice, home: await freshHome() };
    homes.push(laptop.home);
    await cli(laptop.home, t, ['login', '--email', alice.email], { STRONGROOM_PASSWORD: alice.password });
    await cli(laptop.home, t, ['attest', '--yes']);
    const waiting = await cliAs(t, laptop, ['device', 'init', '--label', 'alice laptop']);
    const code = waiting.out.match(/strongroom device approve (\d{5}-\d{5}-\d{5})/)?.[1];
    expect(code).toBeDefined();
    expect((await cliAs(t, alice, ['device', 'approve', code!])).code).toBe(0);
    const keyFile = `keys/${alice.id}.keystore.json`;
    await loosen(laptop.home);
    expect(await modes(laptop.home, ['.', 'keys', keyFile])).toEqual({ '.': '755', keys: '755', [keyFile]: '644' });
    const pickedUp = await cliAs(t, laptop, ['channels', 'list']);
    expect(pickedUp.code).toBe(0);
    expect(pickedUp.err).toContain('This device has been approved');
    expect(await modes(laptop.home, ['.', 'keys', keyFile])).toEqual({ '.': '700', keys: '700', [keyFile]: '600' });
    expect((await readdir(path.join(laptop.home, 'keys'))).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    await Promise.all(homes.map((h) => rm(h, { recursive: true, force: true })));
  });

  it('a practitioner is refused the admin commands by the server (exit code 1)', async () => {
    const p = await w.account(council, 'practitioner', 'cli-prac');
    const home = await freshHome();
    await cli(home, t, ['login', '--email', p.email], { STRONGROOM_PASSWORD: p.password });
    await cli(home, t, ['attest', '--yes']);
    const r = await cli(home, t, ['agencies', 'register', '--name', 'Nope', '--sector', 'other']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('forbidden_role');
    const delays = await cli(home, t, ['sign-in-delays', 'list']);
    expect(delays.code).toBe(1);
    expect(delays.err).toContain('forbidden_role');
    const list = await cli(home, t, ['agencies', 'list']);
    expect(list.code).toBe(0);
    expect(list.out).toContain('Council Early Help');
  });

  it('runs as `npx strongroom` from the repository: the bin entry works without a build', async () => {
    const home = await freshHome();
    const root = path.join(__dirname, '..');
    const bin = path.join(root, 'client/cli/bin/strongroom.mjs');
    const env = { ...process.env, STRONGROOM_HOME: home, STRONGROOM_URL: t.baseUrl };
    const help = await run(process.execPath, [bin, '--help'], { cwd: root, env });
    expect(help.stdout).toContain('Usage: strongroom');
    const p = await w.account(council, 'practitioner', 'cli-bin');
    const login = await run(process.execPath, [bin, '--json', 'login', '--email', p.email], {
      cwd: root,
      env: { ...env, STRONGROOM_PASSWORD: p.password },
    });
    expect(JSON.parse(login.stdout)).toMatchObject({ user: { email: p.email } });
    await expect(
      run(process.execPath, [bin, 'whoami'], { cwd: root, env: { ...env, STRONGROOM_HOME: await freshHome() } }),
    ).rejects.toMatchObject({
      code: 2,
    });
  });
});
