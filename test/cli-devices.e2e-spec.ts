import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  decodeRecoveryKey,
  encodeRecoveryKey,
  identityFromSeed,
  newIdentitySeed,
  signDevice,
} from '../client/sdk/crypto/identity.js';
import { CLI_PASSPHRASE, cli, cliAs, cliPerson, json, type CliAccount, type Result } from './support/cli.js';
import { countOf, firstRow } from './support/db.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { World } from './support/world.js';

/** 56 base32 characters in 14 groups of four (docs/protocol.md, "Recovery key"). */
const RECOVERY_KEY = /[A-Z2-7]{4}(?: [A-Z2-7]{4}){13}/g;
const SAFETY_NUMBER = /(\d{5} ){11}\d{5}/;
/** Words of the protocol that mean nothing to a practitioner. */
const JARGON = /epoch|envelope/i;

interface Msg {
  seq: number;
  content: { body: string } | null;
  error?: string;
}

/**
 * Devices from the CLI, as a person meets them (protocol v2): the first device and its recovery key, a
 * second computer waiting for approval by code, a third set up with the recovery key, and the password
 * asked again when the sign-in is old. Each "computer" is its own STRONGROOM_HOME against the real
 * server and PostgreSQL.
 */
describe('the strongroom CLI for devices: recovery key, approval by code, recovery, step-up', () => {
  let t: TestApp;
  let w: World;
  let council: string;
  let police: string;
  const homes: string[] = [];
  /** Alice's first computer (made in the first test, used by the others). */
  let alice: CliAccount;
  let aliceRecoveryKey = '';
  let bob: CliAccount;
  /** A channel of alice and bob, made from alice's first computer. */
  let channel = '';

  const as = (p: CliAccount, argv: string[], env: Record<string, string> = {}) => cliAs(t, p, argv, env);
  /** As `as`, with what the person types at the prompts (there is a terminal). */
  const typing = (p: CliAccount, argv: string[], answers: string[]) =>
    cli(p.home, t, argv, { STRONGROOM_PASSPHRASE: CLI_PASSPHRASE }, answers);

  /** A fresh computer for a person: signed in there (the password just entered), no device keys yet. */
  async function newComputer(acct: { email: string; password: string; id: string }, name: string) {
    const home = await mkdtemp(path.join(os.tmpdir(), `sr-dev-${name}-`));
    homes.push(home);
    const login = await cli(home, t, ['login', '--email', acct.email], { STRONGROOM_PASSWORD: acct.password });
    expect(login.code).toBe(0);
    const attest = await cli(home, t, ['attest', '--yes']);
    expect(attest.code).toBe(0);
    return { ...acct, home } satisfies CliAccount;
  }

  const devicesOf = (userId: string) =>
    countOf(t, 'SELECT count(*)::int AS n FROM devices WHERE user_id = $1', [userId]);

  /** Every file under a directory, read as text (to prove a secret was never written down). */
  async function allText(dir: string): Promise<string> {
    let text = '';
    for (const entry of await readdir(dir, { recursive: true })) {
      const file = path.join(dir, entry);
      if ((await stat(file)).isFile()) text += await readFile(file, 'utf8');
    }
    return text;
  }

  const bodies = (r: Result) =>
    json<{ messages: Msg[] }>(r)
      .messages.filter((m) => m.content)
      .map((m) => m.content!.body);

  beforeAll(async () => {
    t = await startTestApp();
    w = new World(t);
    await w.agreement();
    council = await w.agency('Council');
    police = await w.agency('Police', { sector: 'police' });
    bob = await cliPerson(t, w, police, 'bob', homes);
  });
  afterAll(async () => {
    await t.close();
    for (const h of homes) await rm(h, { recursive: true, force: true });
  });

  it('a person’s first device prints the recovery key once and the safety number; --json gives both', async () => {
    alice = await newComputer(await w.account(council, 'practitioner', 'alice'), 'alice1');
    // Typed at the terminal: before the passphrase is asked for, she is told what losing it means.
    const init = await cli(alice.home, t, ['device', 'init', '--label', 'alice desk'], {}, [
      CLI_PASSPHRASE,
      CLI_PASSPHRASE,
    ]);
    expect(init.code).toBe(0);
    const warning = init.err.indexOf('If you lose both this passphrase and your recovery key');
    expect(warning).toBeGreaterThanOrEqual(0);
    expect(warning).toBeLessThan(init.err.indexOf('New passphrase: '));
    const keys: string[] = init.out.match(RECOVERY_KEY) ?? [];
    expect(keys).toHaveLength(1);
    aliceRecoveryKey = keys[0];
    expect(init.out).toContain('RECOVERY KEY, shown this once');
    const number = init.out.match(/Your safety number: ((\d{5} ){11}\d{5})/)?.[1];
    expect(number).toBeDefined();

    // The recovery key carries the seed of the identity key the server now publishes for alice.
    const published = await firstRow<{ k: Buffer }>(t, 'SELECT identity_public_key AS k FROM users WHERE id = $1', [
      alice.id,
    ]);
    const fromKey = await identityFromSeed(await decodeRecoveryKey(aliceRecoveryKey));
    expect(fromKey.publicKey).toBe(published.k.toString('base64url'));
    // Partners see the same safety number for her.
    const seenByBob = await as(bob, ['fingerprint', alice.email]);
    expect(seenByBob.out).toContain(`Safety number: ${number}`);

    // Shown once: not written anywhere on this computer, not shown again.
    expect(await allText(alice.home)).not.toContain(aliceRecoveryKey);
    expect(await allText(alice.home)).not.toContain(aliceRecoveryKey.replace(/ /g, ''));
    const list = await as(alice, ['device', 'list']);
    expect(list.out).toContain(`Safety number: ${number}`);
    expect(list.out).not.toMatch(RECOVERY_KEY);
    expect(list.out).toMatch(/alice desk\s+approved/);

    const carol = await newComputer(await w.account(council, 'practitioner', 'carol'), 'carol');
    const asJson = await as(carol, ['--json', 'device', 'init', '--label', 'carol desk']);
    expect(asJson.code).toBe(0);
    const body = json<{ recoveryKey: string; safetyNumber: string; device: { id: string; label: string } }>(asJson);
    expect(body.recoveryKey).toMatch(new RegExp(`^${RECOVERY_KEY.source}$`));
    expect(body.safetyNumber).toMatch(new RegExp(`^${SAFETY_NUMBER.source}$`));
    expect(body.device.label).toBe('carol desk');
    expect((await identityFromSeed(await decodeRecoveryKey(body.recoveryKey))).publicKey).toBe(
      (
        await firstRow<{ k: Buffer }>(t, 'SELECT identity_public_key AS k FROM users WHERE id = $1', [carol.id])
      ).k.toString('base64url'),
    );
  });

  it('a second computer waits for approval by code, reads nothing until then, and picks up its approval by itself', async () => {
    const created = await as(alice, ['--json', 'channels', 'create', '--kind', 'professionals_meeting']);
    channel = json<{ id: string }>(created).id;
    expect((await as(alice, ['channels', 'add', channel, bob.email])).code).toBe(0);
    expect((await as(bob, ['send', channel, 'before the laptop'])).code).toBe(0);

    const laptop = await newComputer(alice, 'alice2');
    const init = await as(laptop, ['device', 'init', '--label', 'alice laptop']);
    expect(init.code).toBe(0);
    expect(init.out).toContain('waiting for approval');
    expect(init.out).not.toMatch(RECOVERY_KEY);
    const code = init.out.match(/strongroom device approve (\d{5}-\d{5}-\d{5})/)?.[1];
    expect(code).toBeDefined();
    const laptopId = init.out.match(/alice laptop \(([0-9a-f-]{36})\)/)?.[1];
    expect(laptopId).toBeDefined();

    // Until it is approved, every command that needs the keys says what to do, in plain words.
    for (const argv of [
      ['read', channel],
      ['send', channel, 'from the laptop, too early'],
    ]) {
      const refused = await as(laptop, argv);
      expect({ argv, code: refused.code }).toEqual({ argv, code: 2 });
      expect(refused.err).toContain(`strongroom device approve ${code}`);
      expect(refused.err).not.toMatch(JARGON);
    }
    expect(await countOf(t, 'SELECT count(*)::int AS n FROM messages WHERE channel_id = $1', [channel])).toBe(1);

    const list = await as(alice, ['device', 'list']);
    expect(list.out).toMatch(/alice laptop\s+WAITING FOR APPROVAL/);
    expect(list.out).toMatch(/alice desk\s+approved/);

    // A wrong code approves nothing, even one differing in a single digit.
    const lastDigit = Number(code!.slice(-1));
    for (const wrong of ['12345-67890-12345', `${code!.slice(0, -1)}${(lastDigit + 1) % 10}`]) {
      const refused = await as(alice, ['device', 'approve', wrong]);
      expect(refused.code).toBe(2);
      expect(refused.err).toContain('None of your devices waiting for approval shows that code');
    }
    expect(await firstRow(t, 'SELECT approved_at, identity_signature FROM devices WHERE id = $1', [laptopId])).toEqual({
      approved_at: null,
      identity_signature: null,
    });

    expect((await as(bob, ['send', channel, 'while the laptop waits'])).code).toBe(0);
    const approved = await as(alice, ['device', 'approve', code!]);
    expect(approved.code).toBe(0);
    expect(approved.out).toContain('Approved: alice laptop');
    expect((await as(alice, ['device', 'list'])).out).toMatch(/alice laptop\s+approved/);
    const twice = await as(alice, ['device', 'approve', code!]);
    expect(twice.code).toBe(2);
    expect(twice.err).toContain('(alice laptop) is already approved');

    expect((await as(bob, ['send', channel, 'after the approval'])).code).toBe(0);
    const first = await as(laptop, ['--json', 'read', channel]);
    expect(first.code).toBe(0);
    expect(first.err).toContain('This device has been approved');
    // What was sent before the approval was never sealed to it; what follows is.
    expect(bodies(first)).toEqual(['after the approval']);
    const again = await as(laptop, ['send', channel, 'hello from the laptop']);
    expect(again.code).toBe(0);
    expect(again.err).not.toContain('has been approved');
    expect(bodies(await as(bob, ['--json', 'read', channel, '--since', '3']))).toEqual(['hello from the laptop']);
  });

  it('a third computer set up with the recovery key reads what follows; a wrong or mistyped key registers nothing', async () => {
    const spare = await newComputer(alice, 'alice3');
    const before = await devicesOf(alice.id);

    const other = await encodeRecoveryKey(await newIdentitySeed());
    const wrong = await as(spare, ['device', 'init', '--recover'], { STRONGROOM_RECOVERY_KEY: other });
    expect(wrong.code).not.toBe(0);
    expect(wrong.err).toContain('does not belong to this account');

    // One character changed: the check in the key catches it.
    // (in the middle of the seed, not the version at the start)
    const at = 30;
    const swap = aliceRecoveryKey[at] === 'A' ? 'B' : 'A';
    const mistyped = aliceRecoveryKey.slice(0, at) + swap + aliceRecoveryKey.slice(at + 1);
    expect(mistyped.replace(/ /g, '')).toHaveLength(56);
    const typo = await typing(spare, ['device', 'init', '--recover'], [mistyped]);
    expect(typo.code).not.toBe(0);
    expect(typo.err).toContain('Recovery key:');
    expect(typo.err).toContain('mistyped');
    const short = await as(spare, ['device', 'init', '--recover'], {
      STRONGROOM_RECOVERY_KEY: aliceRecoveryKey.slice(5),
    });
    expect(short.code).not.toBe(0);
    expect(short.err).toContain('A recovery key has 56 letters and digits');
    for (const r of [wrong, typo, short]) expect(r.err).not.toMatch(JARGON);

    expect(await devicesOf(alice.id)).toBe(before);
    await expect(readdir(path.join(spare.home, 'keys'))).rejects.toThrow(); // no key file either

    // Typed as people do: lower case, with hyphens.
    const typed = aliceRecoveryKey.toLowerCase().replace(/ /g, '-');
    const recovered = await typing(spare, ['device', 'init', '--recover', '--label', 'alice spare'], [typed]);
    expect(recovered.code).toBe(0);
    expect(recovered.out).toContain('approved with your recovery key: alice spare');
    expect(recovered.out).toMatch(/Your safety number is unchanged: (\d{5} ){11}\d{5}/);
    expect(await devicesOf(alice.id)).toBe(before + 1);
    expect((await as(alice, ['device', 'list'])).out).toMatch(/alice spare\s+approved/);

    expect((await as(bob, ['send', channel, 'for the spare too'])).code).toBe(0);
    const read = await as(spare, ['--json', 'read', channel]);
    expect(read.code).toBe(0);
    expect(read.err).not.toContain('has been approved'); // it approved itself: there was nothing to pick up
    expect(bodies(read)).toEqual(['for the spare too']);
  });

  it('a computer already waiting for approval is approved with the recovery key instead, registering nothing more', async () => {
    const waiting = await newComputer(alice, 'alice5');
    const init = await as(waiting, ['--json', 'device', 'init', '--label', 'alice kitchen']);
    const { device } = json<{ device: { id: string } }>(init);
    const before = await devicesOf(alice.id);
    const refused = await as(waiting, ['read', channel]);
    expect(refused.err).toContain('strongroom device init --recover');

    const wrong = await as(waiting, ['device', 'init', '--recover'], {
      STRONGROOM_RECOVERY_KEY: await encodeRecoveryKey(await newIdentitySeed()),
    });
    expect(wrong.code).not.toBe(0);
    expect(wrong.err).toContain('does not belong to this account');
    expect(await firstRow(t, 'SELECT approved_at FROM devices WHERE id = $1', [device.id])).toEqual({
      approved_at: null,
    });
    expect((await as(waiting, ['read', channel])).code).toBe(2);

    // The advice the refusal gives works as it says.
    const recovered = await as(waiting, ['device', 'init', '--recover'], { STRONGROOM_RECOVERY_KEY: aliceRecoveryKey });
    expect(recovered.code).toBe(0);
    expect(recovered.out).toContain('approved with your recovery key: alice kitchen');
    expect(await devicesOf(alice.id)).toBe(before);
    expect((await as(alice, ['device', 'list'])).out).toMatch(/alice kitchen\s+approved/);
    const again = await as(waiting, ['device', 'init', '--recover'], { STRONGROOM_RECOVERY_KEY: aliceRecoveryKey });
    expect(again.code).toBe(2);
    expect(again.err).toContain('approved already');

    expect((await as(bob, ['send', channel, 'for the kitchen too'])).code).toBe(0);
    const read = await as(waiting, ['--json', 'read', channel]);
    expect(read.code).toBe(0);
    expect(bodies(read)).toEqual(['for the kitchen too']);
  });

  it('channels show says in plain words whom this computer trusts: new devices, a changed identity, no approved device', async () => {
    const erin = await cliPerson(t, w, police, 'erin', homes);
    const frankAcct = await w.account(police, 'practitioner', 'frank');
    await newComputer(frankAcct, 'frank'); // signed in, but never made device keys
    for (const who of [erin.email, frankAcct.email]) {
      expect((await as(alice, ['channels', 'add', channel, who])).code).toBe(0);
    }
    expect((await as(bob, ['send', channel, 'meets erin'])).code).toBe(0);

    // Bob met alice (her identity and her desk) ten days ago; her other devices turned up since.
    const ids = new Map(
      (
        (await t.sql('SELECT id, label FROM devices WHERE user_id = $1', [alice.id])).rows as {
          id: string;
          label: string;
        }[]
      ).map((d) => [d.label, d.id]),
    );
    const ago = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();
    const trustFile = path.join(bob.home, 'trust', `${bob.id}.json`);
    const pins = JSON.parse(await readFile(trustFile, 'utf8')) as {
      identities: { userId: string; firstSeenAt: string }[];
      devices: { deviceId: string; userId: string; firstSeenAt: string }[];
    };
    const met = ago(10);
    pins.identities.find((i) => i.userId === alice.id)!.firstSeenAt = met;
    const seenAt: Record<string, string> = {
      'alice desk': met,
      'alice spare': new Date(Date.parse(met) + 30_000).toISOString(), // seen with her: not new
      'alice kitchen': ago(8), // new once, but more than 7 days ago
      'alice laptop': ago(2),
    };
    for (const [label, at] of Object.entries(seenAt)) {
      const pin = pins.devices.find((d) => d.deviceId === ids.get(label));
      expect({ label, pinned: Boolean(pin) }).toEqual({ label, pinned: true });
      pin!.firstSeenAt = at;
    }
    await writeFile(trustFile, JSON.stringify(pins));

    const shown = await as(bob, ['channels', 'show', channel]);
    expect(shown.code).toBe(0);
    const laptop = ids.get('alice laptop')!;
    expect(shown.out).toMatch(/alice person\s+Council\s+chair\s+4\s+trusted, 1 new device/);
    expect(shown.out).toContain(
      `alice person (Council): new device since ${seenAt['alice laptop'].replace('T', ' ').slice(0, 16)} (${laptop.slice(0, 8)}).`,
    );
    expect(shown.out.match(/new device since/g)).toHaveLength(1);
    expect(shown.out).toMatch(/bob person\s+Police\s+member\s+1\s+you/);
    expect(shown.out).toMatch(/erin person\s+Police\s+member\s+1\s+trusted/);
    expect(shown.out).toMatch(/frank person\s+Police\s+member\s+0\s+no approved device/);
    expect(shown.out).toContain('frank person (Police): no approved device: cannot read new messages.');
    expect(shown.out).not.toMatch(JARGON);

    type Shown = {
      members: {
        userId: string;
        trust: { state: string; verified: boolean; devices: { deviceId: string; state: string }[]; notes: string[] };
      }[];
    };
    const trustOf = (r: Result, userId: string) => json<Shown>(r).members.find((m) => m.userId === userId)!.trust;
    const asJson = await as(bob, ['--json', 'channels', 'show', channel]);
    expect(trustOf(asJson, alice.id).state).toBe('trusted');
    expect(Object.fromEntries(trustOf(asJson, alice.id).devices.map((d) => [d.deviceId, d.state]))).toEqual({
      [ids.get('alice desk')!]: 'trusted',
      [ids.get('alice spare')!]: 'trusted',
      [ids.get('alice kitchen')!]: 'trusted',
      [laptop]: 'new',
    });
    expect(trustOf(asJson, frankAcct.id)).toMatchObject({ state: 'no_approved_device', devices: [] });
    expect(trustOf(asJson, bob.id).state).toBe('you');

    // Someone with the database swaps erin's identity key and signs her device with it.
    const [erinDevice] = (
      await t.sql('SELECT id, x25519_public_key AS x, ed25519_public_key AS ed FROM devices WHERE user_id = $1', [
        erin.id,
      ])
    ).rows as { id: string; x: Buffer; ed: Buffer }[];
    const fake = await identityFromSeed(await newIdentitySeed());
    const signature = await signDevice(fake, {
      userId: erin.id,
      deviceId: erinDevice.id,
      x25519PublicKey: erinDevice.x.toString('base64url'),
      ed25519PublicKey: erinDevice.ed.toString('base64url'),
    });
    await t.sql('UPDATE users SET identity_public_key = $2 WHERE id = $1', [
      erin.id,
      Buffer.from(fake.publicKey, 'base64url'),
    ]);
    await t.sql('UPDATE devices SET identity_signature = $2 WHERE id = $1', [
      erinDevice.id,
      Buffer.from(signature, 'base64url'),
    ]);

    const changed = await as(bob, ['channels', 'show', channel]);
    expect(changed.out).toMatch(/erin person\s+Police\s+member\s+1\s+IDENTITY CHANGED/);
    expect(changed.out).toContain(
      `erin person (Police): identity changed — compare safety numbers (strongroom fingerprint ${erin.id}, ` +
        `then strongroom verify ${erin.id}); nothing new is encrypted to them until then.`,
    );
    expect(changed.out).not.toMatch(JARGON);
    expect(trustOf(await as(bob, ['--json', 'channels', 'show', channel]), erin.id)).toMatchObject({
      state: 'identity_changed',
      devices: [{ deviceId: erinDevice.id, state: 'identity_changed' }],
    });

    // Once bob has compared safety numbers and verified her, she is trusted again, and shown as verified.
    expect((await as(bob, ['verify', erin.email, '--yes'])).code).toBe(0);
    const verified = await as(bob, ['channels', 'show', channel]);
    expect(verified.out).toMatch(/erin person\s+Police\s+member\s+1\s+verified/);
    expect(verified.out).not.toContain('erin person (Police): identity changed');
  });

  it('asks for the password again when the sign-in is more than 10 minutes old, and adds nothing without it', async () => {
    const late = await newComputer(alice, 'alice4');
    t.clock.advance(11 * 60_000);
    const before = await devicesOf(alice.id);

    const noPassword = await as(late, ['device', 'init', '--label', 'alice late']);
    expect(noPassword.code).toBe(2);
    expect(noPassword.err).toContain('To add a device, confirm it is you.');
    expect(noPassword.err).toContain('set STRONGROOM_PASSWORD');
    const badPassword = await as(late, ['device', 'init', '--label', 'alice late'], {
      STRONGROOM_PASSWORD: 'not her password at all',
    });
    expect(badPassword.code).toBe(1);
    expect(badPassword.err).toContain('invalid_credentials');
    expect(await devicesOf(alice.id)).toBe(before);
    await expect(readdir(path.join(late.home, 'keys'))).rejects.toThrow();

    const withPassword = await as(late, ['device', 'init', '--label', 'alice late'], {
      STRONGROOM_PASSWORD: alice.password,
    });
    expect(withPassword.code).toBe(0);
    expect(withPassword.out).toContain('alice late');
    expect(withPassword.out).toContain('waiting for approval');
    expect(await devicesOf(alice.id)).toBe(before + 1);
  });
});
