import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { messageSigningBytes, signDetached } from '../client/sdk/crypto/channel-crypto.js';
import { FileKeyStore } from '../client/sdk/node.js';
import { CLI_PASSPHRASE, cli, cliAs, cliPerson, json, type CliAccount, type Result } from './support/cli.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { World } from './support/world.js';

describe('the strongroom CLI for encrypted channels', () => {
  let t: TestApp;
  let w: World;
  const homes: string[] = [];
  let alice: CliAccount;
  let bob: CliAccount;
  let carol: CliAccount;
  let policeId: string;

  const person = (agencyId: string, prefix: string) => cliPerson(t, w, agencyId, prefix, homes);
  const as = (p: CliAccount, argv: string[], env: Record<string, string> = {}) => cliAs(t, p, argv, env);

  beforeAll(async () => {
    t = await startTestApp();
    w = new World(t);
    await w.agreement();
    const council = await w.agency('Council');
    const police = await w.agency('Police', { sector: 'police' });
    policeId = police;
    alice = await person(council, 'alice');
    bob = await person(police, 'bob');
    carol = await person(police, 'carol');
  });
  afterAll(async () => {
    await t.close();
    for (const h of homes) await rm(h, { recursive: true, force: true });
  });

  it('creates a titled channel with members by e-mail, sends, reads and follows it, all decrypted on the client', async () => {
    const created = await as(alice, [
      '--json',
      'channels',
      'create',
      '--kind',
      'locality_meeting',
      '--title',
      'North locality',
      '--member',
      bob.email,
    ]);
    expect(created.code).toBe(0);
    const { id } = json<{ id: string }>(created);

    const list = await as(bob, ['channels', 'list']);
    expect(list.out).toMatch(/North locality\s+locality_meeting\s+member\s+2/);

    const sent = await as(alice, ['send', id, 'Strategy meeting moved to 2pm']);
    expect(sent.out).toContain('Sent as #1');
    const piped = await as(alice, ['send', id, '-'], { STDIN: 'Minutes follow\n' });
    expect(piped.code).toBe(0);

    const read = await as(bob, ['read', id]);
    expect(read.out).toMatch(/#1 .* alice person: Strategy meeting moved to 2pm/);
    expect(read.out).toMatch(/#2 .* alice person: Minutes follow/);
    const since = await as(bob, ['--json', 'read', id, '--since', '1']);
    expect(
      json<{ messages: { seq: number; content: { body: string } }[] }>(since).messages.map((m) => m.content.body),
    ).toEqual(['Minutes follow']);

    const tail = as(bob, ['--json', 'tail', id, '--since', '2', '--exit-after', '2']);
    await new Promise((r) => setTimeout(r, 300));
    await as(alice, ['send', id, 'live one']);
    await as(alice, ['send', id, 'live two']);
    const followed = await tail;
    expect(followed.code).toBe(0);
    expect(
      followed.out
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { content: { body: string } }).content.body),
    ).toEqual(['live one', 'live two']);

    const show = await as(bob, ['channels', 'show', id]);
    expect(show.out).toMatch(/Channel:\s+North locality/);
    expect(show.out).toContain('alice person');
  });

  it('names channels by title, id prefix or the other person, and people by name; lists the choices when a name fits several', async () => {
    const created = await as(alice, [
      '--json',
      'channels',
      'create',
      '--kind',
      'locality_meeting',
      '--title',
      'Oak Street review',
      '--member',
      'bob person',
    ]);
    expect(created.code).toBe(0);
    const { id } = json<{ id: string }>(created);
    // The title is encrypted: it is matched here, on the client, whatever its case.
    expect((await as(alice, ['send', 'oak street review', 'Named by its title'])).code).toBe(0);
    const read = await as(bob, ['read', id.slice(0, 8)]);
    expect(read.code).toBe(0);
    expect(read.out).toContain('Named by its title');
    const tailed = await as(bob, ['--json', 'tail', 'Oak Street review', '--since', '0', '--exit-after', '1']);
    expect(tailed.code).toBe(0);
    expect(tailed.out).toContain('Named by its title');
    expect((await as(alice, ['channels', 'add', 'Oak Street review', 'carol person'])).code).toBe(0);
    expect((await as(alice, ['share-history', 'Oak Street review', 'carol person', '--yes'])).code).toBe(0);
    expect((await as(carol, ['read', 'Oak Street review'])).out).toContain('Named by its title');

    // A direct channel is listed, and named, by the other person.
    expect((await as(alice, ['channels', 'create', '--kind', 'direct', '--member', carol.email])).code).toBe(0);
    expect((await as(alice, ['channels', 'list'])).out).toMatch(/with carol person \(Police\)\s+direct/);
    expect((await as(alice, ['send', 'Carol Person', 'Just between us'])).code).toBe(0);
    expect((await as(carol, ['read', 'alice person'])).out).toContain('Just between us');

    // Two channels of the same title: which one did you mean? Nothing is sent.
    const twins: string[] = [];
    for (let i = 0; i < 2; i++) {
      const made = await as(alice, ['--json', 'channels', 'create', '--kind', 'locality_meeting', '--title', 'Twins']);
      twins.push(json<{ id: string }>(made).id);
    }
    const ambiguous = await as(alice, ['send', 'twins', 'Which one?']);
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.err).toContain('"twins" could be any of 2 channels. Which one did you mean?');
    for (const twin of twins) expect(ambiguous.err).toMatch(new RegExp(`Twins \\(locality meeting\\)\\s+${twin}`));
    const asJson = json<{ error: { code: string; details: { candidates: { id: string }[] } } }>(
      await as(alice, ['--json', 'read', 'Twins']),
    );
    expect(asJson.error.code).toBe('ambiguous');
    expect(asJson.error.details.candidates.map((c) => c.id).sort()).toEqual([...twins].sort());
    for (const twin of twins)
      expect(json<{ lastSeq: number }>(await as(alice, ['--json', 'read', twin])).lastSeq).toBe(0);
    const none = await as(alice, ['read', 'No such channel']);
    expect(none.code).toBe(2);
    expect(none.err).toContain('Nothing matches "No such channel" among the channels `strongroom channels list` shows');

    // Two people of the same name: listed with their agency, and nobody is added.
    await w.account(policeId, 'practitioner', 'twin-a', { displayName: 'Sam Twin' });
    await w.account(policeId, 'practitioner', 'twin-b', { displayName: 'Sam Twin' });
    const who = await as(alice, ['channels', 'add', 'Oak Street review', 'sam twin']);
    expect(who.code).toBe(2);
    expect(who.err).toContain('"sam twin" could be any of 2 people');
    expect(who.err).toMatch(/Sam Twin \(Police\)/);
    const nobody = await as(alice, ['channels', 'add', 'Oak Street review', 'Nobody Called This']);
    expect(nobody.code).toBe(2);
    expect(nobody.err).toContain('Nothing matches "Nobody Called This" among the people');
  });

  it('send with the same --client-message-id twice (a script running it again) stores the message once', async () => {
    const { id } = json<{ id: string }>(
      await as(alice, ['--json', 'channels', 'create', '--kind', 'locality_meeting', '--member', bob.email]),
    );
    const clientMessageId = '6f1d2b3c-4a5e-4f60-8a7b-9c0d1e2f3a4b';
    const first = await as(alice, ['--json', 'send', id, 'only once', '--client-message-id', clientMessageId]);
    const again = await as(alice, ['--json', 'send', id, 'only once', '--client-message-id', clientMessageId]);
    expect([first.code, again.code]).toEqual([0, 0]);
    expect(json<{ seq: number }>(again).seq).toBe(json<{ seq: number }>(first).seq);
    const read = json<{ messages: { content: { body: string } }[] }>(await as(bob, ['--json', 'read', id]));
    expect(read.messages.map((m) => m.content.body)).toEqual(['only once']);
    const bad = await as(alice, ['send', id, 'x', '--client-message-id', 'not-a-uuid']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--client-message-id must be a UUID');
  });

  it('adds a newcomer who sees only new messages until history is shared with them (after a confirmation)', async () => {
    const { id } = json<{ id: string }>(
      await as(alice, ['--json', 'channels', 'create', '--kind', 'family_meeting', '--member', bob.email]),
    );
    await as(alice, ['send', id, 'before carol']);
    expect((await as(alice, ['channels', 'add', id, carol.email])).code).toBe(0);
    await as(alice, ['send', id, 'after carol']);
    const first = await as(carol, ['--json', 'read', id]);
    const bodies = (r: Result) =>
      json<{ messages: { content: { body: string } }[] }>(r).messages.map((m) => m.content.body);
    expect(bodies(first)).toEqual(['after carol']);
    // Sharing history cannot be taken back: a script must say --yes, and without it nothing is shared.
    const unconfirmed = await as(alice, ['share-history', id, carol.email]);
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.err).toContain('add --yes');
    expect(bodies(await as(carol, ['--json', 'read', id]))).toEqual(['after carol']);
    const share = await as(alice, ['share-history', id, carol.email, '--yes']);
    expect(share.out).toContain('recorded in the audit log');
    const all = await as(carol, ['--json', 'read', id]);
    expect(json<{ messages: { content: { body: string } }[] }>(all).messages.map((m) => m.content.body)).toEqual([
      'before carol',
      'after carol',
    ]);

    expect((await as(alice, ['channels', 'remove', id, carol.email, '--yes'])).code).toBe(0);
    const gone = await as(carol, ['read', id]);
    expect(gone.code).toBe(1);
    expect(gone.err).toContain('not_a_member');
  });

  it('shows safety numbers, and encrypts nothing to a person whose identity changed until they are re-verified', async () => {
    const fp = await as(alice, ['fingerprint', bob.email]);
    expect(fp.out).toMatch(/Safety number: (\d{5} ){11}\d{5}/);
    const { id } = json<{ id: string }>(
      await as(alice, ['--json', 'channels', 'create', '--kind', 'professionals_meeting', '--member', bob.email]),
    );
    await as(alice, ['send', id, 'pins bob’s identity']);
    const trust = JSON.parse(
      await readFile(path.join(alice.home, 'trust', `${(await aliceUserId()).id}.json`), 'utf8'),
    ) as { v: 2; identities: { userId: string }[]; devices: { deviceId: string; userId: string }[] };
    expect(trust.identities.map((i) => i.userId)).toContain(bob.id);
    const bobDevice = trust.devices.find((d) => d.userId === bob.id)!.deviceId;

    // The server (or someone who broke into it) swaps bob's identity key for one they control, and signs
    // bob's device with it, so that the server itself counts the device as approved.
    const { identityFromSeed, newIdentitySeed, signDevice } = await import('../client/sdk/crypto/identity.js');
    const fake = await identityFromSeed(await newIdentitySeed());
    const { rows: keys } = await t.sql(
      'SELECT x25519_public_key AS x, ed25519_public_key AS ed FROM devices WHERE id = $1',
      [bobDevice],
    );
    const row = keys[0] as { x: Buffer; ed: Buffer };
    const signature = await signDevice(fake, {
      userId: bob.id,
      deviceId: bobDevice,
      x25519PublicKey: row.x.toString('base64url'),
      ed25519PublicKey: row.ed.toString('base64url'),
    });
    await t.sql('UPDATE users SET identity_public_key = $2 WHERE id = $1', [
      bob.id,
      Buffer.from(fake.publicKey, 'base64url'),
    ]);
    await t.sql('UPDATE devices SET identity_signature = $2 WHERE id = $1', [
      bobDevice,
      Buffer.from(signature, 'base64url'),
    ]);
    await t.sql('UPDATE channels SET rotation_required = true WHERE id = $1', [id]);

    const withheld = await as(alice, ['send', id, 'must not be sealed to the swapped identity']);
    expect(withheld.code).toBe(0);
    expect(withheld.err).toContain(`identity of user ${bob.id} changed — compare safety numbers`);
    const epochNow = (await t.sql('SELECT current_epoch AS e FROM channels WHERE id = $1', [id])).rows[0] as {
      e: number;
    };
    const { rows } = await t.sql(
      'SELECT count(*)::int AS n FROM key_envelopes WHERE channel_id = $1 AND epoch = $2 AND device_id = $3',
      [id, epochNow.e, bobDevice],
    );
    expect(rows[0]).toEqual({ n: 0 });
    const changed = await as(alice, ['fingerprint', bob.email]);
    expect(changed.out).not.toBe(fp.out);
    // bob's own number comes from his computer, not the server: he reads the real one, and sees a warning.
    const own = await as(bob, ['fingerprint', bob.email]);
    expect(own.out).toContain(fp.out.trim());
    expect(own.out).toContain('WARNING: the server shows a different identity key for you');
    // The number bob reads out does not match what alice's server shows: verify refuses it.
    const realNumber = /Safety number: ([\d ]+)/.exec(fp.out)![1];
    const mismatch = await as(alice, ['verify', bob.email, '--safety-number', realNumber]);
    expect(mismatch.code).toBe(2);
    expect(mismatch.err).toContain('not the safety number the server now gives');

    const verified = await as(alice, ['verify', bob.email, '--yes']);
    expect(verified.code).toBe(0);
    expect(verified.out).toMatch(/New keys made for [1-9]\d* conversation\(s\) you share with them/);
    expect((await as(alice, ['send', id, 'after re-verifying'])).code).toBe(0);
    const { rows: after } = await t.sql(
      'SELECT count(*)::int AS n FROM key_envelopes WHERE channel_id = $1 AND device_id = $2 AND epoch > $3',
      [id, bobDevice, epochNow.e],
    );
    expect(after[0]).toEqual({ n: 1 });
  });

  it('read shows no sender for a message altered in the database, and exits 5 (could not be verified)', async () => {
    const { id } = json<{ id: string }>(
      await as(alice, ['--json', 'channels', 'create', '--kind', 'professionals_meeting', '--member', bob.email]),
    );
    for (const text of ['first, untouched', 'a byte flipped', 'signature flipped', 'moved to bob', 're-signed'])
      expect((await as(alice, ['send', id, text])).code).toBe(0);
    expect((await as(bob, ['send', id, 'bob, untouched'])).code).toBe(0);
    type Row = {
      id: string;
      epoch: number;
      client_message_id: string;
      sender_device_id: string;
      nonce: Buffer;
      ciphertext: Buffer;
      signature: Buffer;
      n: string;
      prev: Buffer | null;
      sent_at: Date;
    };
    const row = async (seq: number) =>
      (
        await t.sql(
          `SELECT id, epoch, client_message_id, sender_device_id, nonce, ciphertext, signature, n, prev, sent_at
           FROM messages WHERE channel_id = $1 AND seq = $2`,
          [id, seq],
        )
      ).rows[0] as Row;
    const flip = (b: Buffer, at: number) => {
      const out = Buffer.from(b);
      out[at] ^= 1;
      return out;
    };
    // Someone with the database: one byte of a ciphertext, one of a signature, and a message put in bob's name.
    const [two, three] = [await row(2), await row(3)];
    await t.sql('UPDATE messages SET ciphertext = $2 WHERE id = $1', [two.id, flip(two.ciphertext, 7)]);
    await t.sql('UPDATE messages SET signature = $2 WHERE id = $1', [three.id, flip(three.signature, 9)]);
    await t.sql('UPDATE messages SET sender_user_id = $2 WHERE channel_id = $1 AND seq = 4', [id, bob.id]);
    // And a ciphertext altered and signed again with alice's own device key (taken from her computer): the
    // signature holds, the ciphertext does not open.
    const five = await row(5);
    const device = await new FileKeyStore(path.join(alice.home, 'keys')).load(alice.id, CLI_PASSPHRASE);
    const header = {
      v: 2 as const,
      channelId: id,
      epoch: five.epoch,
      senderDeviceId: five.sender_device_id,
      clientMessageId: five.client_message_id,
      n: Number(five.n),
      prev: five.prev ? five.prev.toString('base64url') : null,
      sentAt: five.sent_at.toISOString(),
    };
    const altered = flip(five.ciphertext, 3);
    const resigned = await signDetached(
      messageSigningBytes(header, five.nonce, altered),
      device.keys.ed25519.privateKey,
    );
    await t.sql('UPDATE messages SET ciphertext = $2, signature = $3 WHERE id = $1', [
      five.id,
      altered,
      Buffer.from(resigned, 'base64url'),
    ]);

    const read = await as(bob, ['read', id]);
    expect(read.code).toBe(6);
    const lines = read.out.trim().split('\n');
    expect(lines).toHaveLength(6);
    expect(lines[0]).toMatch(/^#1 .* alice person: first, untouched$/);
    for (const l of lines.slice(1, 5)) {
      expect(l).toMatch(/^#[2-5] +\S+ \S+ +\(could not be verified: .+\)$/);
      expect(l).not.toMatch(/alice|bob/);
    }
    expect(lines[1]).toContain('The sender signature does not verify');
    expect(lines[3]).toContain('The sender device belongs to someone else');
    expect(lines[4]).toContain('does not decrypt with the conversation’s key');
    expect(lines[5]).toMatch(/^#6 .* bob person: bob, untouched$/);
    expect(read.err).toContain('4 message(s) could not be verified');

    const asJson = await as(bob, ['--json', 'read', id]);
    expect(asJson.code).toBe(6);
    const messages = json<{ messages: { seq: number; senderUserId: string | null; unverified?: boolean }[] }>(
      asJson,
    ).messages;
    expect(messages.map((m) => [m.seq, m.senderUserId, m.unverified ?? false])).toEqual([
      [1, alice.id, false],
      [2, null, true],
      [3, null, true],
      [4, null, true],
      [5, null, true],
      [6, bob.id, false],
    ]);
    // A page without them reads as before.
    const after = await as(bob, ['read', id, '--since', '5']);
    expect(after.code).toBe(0);
    expect(after.err).toBe('');
  });

  async function aliceUserId() {
    return json<{ user: { id: string } }>(await as(alice, ['--json', 'whoami'])).user;
  }

  it('says what to do when the device keys are missing or the passphrase is wrong', async () => {
    const acct = await w.account((await w.agencies.list())[0].id, 'practitioner', 'nodevice');
    const home = await mkdtemp(path.join(os.tmpdir(), 'sr-nodevice-'));
    homes.push(home);
    await cli(home, t, ['login', '--email', acct.email], { STRONGROOM_PASSWORD: acct.password });
    await cli(home, t, ['attest', '--yes']);
    const none = await cli(home, t, ['channels', 'list'], { STRONGROOM_PASSPHRASE: CLI_PASSPHRASE });
    expect(none.code).toBe(2);
    expect(none.err).toContain('strongroom device init');
    const wrong = await as(alice, ['channels', 'list'], { STRONGROOM_PASSPHRASE: 'not the passphrase' });
    expect(wrong.code).toBe(4);
    expect(wrong.err).toContain('passphrase does not open');
  });
});
