import { randomUUID } from 'node:crypto';
import {
  approveDeviceByCode,
  completeApproval,
  enrolFirstDevice,
  EpochRefusedError,
  generateDeviceKeys,
  IdentityChangedError,
  MemoryTrustStore,
  recoverDevice,
  RecoveryKeyError,
  requestDevice,
  SecureSession,
  UnapprovedDeviceError,
  type StoredDevice,
  type StrongroomClient,
} from '../client/sdk/index.js';
import {
  decryptMessage,
  epochAnnouncementBytes,
  epochCommitment,
  newEpochKey,
  sealEpochKey,
  signDetached,
} from '../client/sdk/crypto/channel-crypto.js';
import { encodeRecoveryKey, identityFromSeed, newIdentitySeed, signDevice } from '../client/sdk/crypto/identity.js';
import { sodium } from '../client/sdk/crypto/sodium.js';
import { countOf } from './support/db.js';
import { refused } from './support/refused.js';
import { identityOf, secureSession } from './support/secure.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { totpAt, World, type Person } from './support/world.js';

const b64 = (n: number) => Buffer.alloc(n, 9).toString('base64url');

/**
 * Protocol v2 against someone who can write to the database and someone holding a stolen session token
 * (issue 10). Each test does the attack for real against the server, PostgreSQL and the SDK's libsodium
 * crypto, and checks that every member's client refuses it and that nothing new reaches the attacker.
 */
describe('protocol v2: keys neither a database writer nor a stolen session can swap', () => {
  let t: TestApp;
  let w: World;
  let council: string;
  let alice: Person;
  let bob: Person;
  let carol: Person;
  let aliceS: SecureSession;
  let bobS: SecureSession;
  let carolS: SecureSession;
  const opened: SecureSession[] = [];

  /** A fresh client process for the same device: nothing in memory, everything fetched and checked again. */
  const restart = (client: StrongroomClient, device: StoredDevice) => {
    const s = new SecureSession(client, device, new MemoryTrustStore(), () => t.clock.now());
    opened.push(s);
    return s;
  };
  const warningsOf = (s: SecureSession) => {
    const heard: string[] = [];
    s.onWarning((m) => heard.push(m));
    return heard;
  };
  const envelopesFor = (deviceId: string) =>
    countOf(t, 'SELECT count(*)::int AS n FROM key_envelopes WHERE device_id = $1', [deviceId]);

  beforeAll(async () => {
    t = await startTestApp();
    w = new World(t);
    await w.agreement();
    council = await w.agency('Council');
    const police = await w.agency('Police');
    alice = await w.person(council, 'practitioner', 'alice');
    bob = await w.person(police, 'practitioner', 'bob');
    carol = await w.person(police, 'practitioner', 'carol');
    aliceS = await secureSession(alice.client, 'alice laptop', t);
    bobS = await secureSession(bob.client, 'bob laptop', t);
    carolS = await secureSession(carol.client, 'carol laptop', t);
  });
  afterAll(async () => {
    for (const s of [aliceS, bobS, carolS, ...opened]) s?.close();
    await t.close();
  });

  it('key substitution in the database: every member refuses the key, and the attacker’s key decrypts nothing new', async () => {
    const channelId = await aliceS.createChannel({ kind: 'professionals_meeting', members: [{ userId: bob.id }] });
    await aliceS.send(channelId, 'before the attack');
    const epoch = (await alice.client.channel(channelId)).currentEpoch;

    // The attacker's key K, given to every member device with nothing but the public keys the server stores:
    // a box from a key pair of the attacker's own that claims to come from alice's device, in exactly the
    // v2 layout; and the commitment rewritten to match K.
    const s = await sodium();
    const k = await newEpochKey();
    const attacker = s.crypto_box_keypair();
    const rows = (
      await t.sql(
        `SELECT k.device_id, d.x25519_public_key FROM key_envelopes k JOIN devices d ON d.id = k.device_id
          WHERE k.channel_id = $1 AND k.epoch = $2`,
        [channelId, epoch],
      )
    ).rows as { device_id: string; x25519_public_key: Buffer }[];
    expect(rows).toHaveLength(2);
    const uuid = (id: string) => Buffer.from(id.replace(/-/g, ''), 'hex');
    const u32 = Buffer.alloc(4);
    u32.writeUInt32BE(epoch);
    for (const r of rows) {
      const plaintext = Buffer.concat([
        Buffer.from([2]),
        uuid(channelId),
        u32,
        uuid(r.device_id),
        uuid(aliceS.deviceId),
        k,
      ]);
      const nonce = s.randombytes_buf(24);
      const forged = Buffer.concat([
        nonce,
        s.crypto_box_easy(plaintext, nonce, r.x25519_public_key, attacker.privateKey),
      ]);
      await t.sql('UPDATE key_envelopes SET sealed = $1 WHERE channel_id = $2 AND epoch = $3 AND device_id = $4', [
        forged,
        channelId,
        epoch,
        r.device_id,
      ]);
    }
    await t.sql('UPDATE channel_epochs SET commitment = $1 WHERE channel_id = $2 AND epoch = $3', [
      Buffer.from(await epochCommitment(k, channelId, epoch), 'base64url'),
      channelId,
      epoch,
    ]);

    const bob2 = restart(bob.client, bobS.device);
    const bobWarnings = warningsOf(bob2);
    const err = await bob2.keyFor(channelId, epoch).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EpochRefusedError);
    expect((err as Error).message).toContain(`conversation ${channelId.slice(0, 8)}`);
    expect((err as Error).message).toContain(`key period ${epoch}`);
    expect((err as Error).message).not.toMatch(/epoch|envelope/i);
    // What was written under that period is shown as unreadable, never as content.
    const read = await bob2.readAll(channelId);
    expect(read.map((m) => m.content)).toEqual([null]);
    expect(bobWarnings.join('\n')).toContain('was refused');

    // alice, in a fresh process, sends: her client refuses the substituted key and makes a new one.
    const alice2 = restart(alice.client, aliceS.device);
    const aliceWarnings = warningsOf(alice2);
    const sent = await alice2.send(channelId, 'after the attack');
    expect(sent.epoch).toBe(epoch + 1);
    expect(aliceWarnings.join('\n')).toContain('was refused');
    // The attacker's key opens nothing sent since; bob reads it with the new key.
    const [stored] = (await bob.client.messages(channelId, { after: sent.seq - 1 })).messages;
    await expect(
      decryptMessage(
        {
          header: {
            v: 2,
            channelId,
            epoch: stored.epoch,
            senderDeviceId: stored.senderDeviceId,
            clientMessageId: stored.clientMessageId,
            n: stored.n!,
            prev: stored.prev,
            sentAt: stored.sentAt!,
          },
          nonce: stored.nonce,
          ciphertext: stored.ciphertext,
          signature: stored.signature,
        },
        k,
        aliceS.device.keys.ed25519.publicKey,
      ),
    ).rejects.toThrow();
    const bob3 = restart(bob.client, bobS.device);
    expect((await bob3.readAll(channelId)).map((m) => m.content?.body ?? null)).toEqual([null, 'after the attack']);
  });

  it('a device row inserted into the database, even marked approved, gets no key and no member trusts it', async () => {
    const channelId = await aliceS.createChannel({ kind: 'professionals_meeting', members: [{ userId: bob.id }] });
    const keys = await generateDeviceKeys();
    const insert = (approved: boolean) =>
      t.sql(
        `INSERT INTO devices (user_id, label, x25519_public_key, ed25519_public_key, identity_signature, approved_at)
         VALUES ($1, 'inserted behind the server', $2, $3, $4, $5) RETURNING id`,
        [
          bob.id,
          Buffer.from(keys.x25519.publicKey, 'base64url'),
          Buffer.from(keys.ed25519.publicKey, 'base64url'),
          approved ? Buffer.alloc(64, 7) : null,
          approved ? t.clock.now() : null,
        ],
      );
    const ghost = ((await insert(true)).rows[0] as { id: string }).id;
    await alice.client.addMember(channelId, { userId: carol.id });
    const { devices } = await alice.client.channelDevices(channelId);
    expect(devices.map((d) => d.deviceId)).not.toContain(ghost);
    await aliceS.send(channelId, 'after carol joined');
    expect(await envelopesFor(ghost)).toBe(0);
    // Listed to its owner as not approved: the server does not trust a stored flag over the signature.
    const listed = (await bob.client.myDevices()).find((d) => d.id === ghost)!;
    expect(listed.identitySignature).not.toBeNull();
    const err = await aliceS
      .checkDevice({ ...listed, deviceId: listed.id })
      .then(() => null)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnapprovedDeviceError);
  });

  it('a stolen session token cannot add a device once its sign-in is old, and one added in time gets nothing until approved', async () => {
    const stolen = w.client(bob.client.token!);
    const me = await stolen.me();
    t.clock.advance(11 * 60_000); // past the ten minutes a sign-in counts as a step-up
    await refused(stolen.createDevice(me.user.id, 'thief laptop'), 403, 'step_up_required');
    await refused(stolen.stepUp({ password: 'not the password at all' }), 401, 'invalid_credentials');
    expect(await countOf(t, "SELECT count(*)::int AS n FROM devices WHERE label = 'thief laptop'")).toBe(0);

    // A token stolen within minutes of sign-in registers a device, but it waits outside every channel.
    const fresh = await w.signIn(bob);
    const channelId = await aliceS.createChannel({ kind: 'professionals_meeting', members: [{ userId: bob.id }] });
    const { device } = await fresh.client.createDevice(bob.id, 'thief laptop');
    expect(device.approvedAt).toBeNull();
    expect((await alice.client.channelDevices(channelId)).devices.map((d) => d.deviceId)).not.toContain(device.id);
    await aliceS.rotate(channelId);
    await aliceS.send(channelId, 'not for the thief');
    expect(await envelopesFor(device.id)).toBe(0);
    // Its owner sees it waiting; a signature by any key but bob's identity is refused.
    expect((await bob.client.myDevices()).find((d) => d.id === device.id)?.approvedAt).toBeNull();
    const forger = await identityFromSeed(await newIdentitySeed());
    await refused(
      fresh.client.approveDevice(device.id, {
        identitySignature: await signDevice(forger, {
          userId: bob.id,
          deviceId: device.id,
          x25519PublicKey: device.x25519PublicKey,
          ed25519PublicKey: device.ed25519PublicKey,
        }),
      }),
      400,
      'invalid_signature',
    );
    expect(await envelopesFor(device.id)).toBe(0);
  });

  it('completing two-factor enrolment with a stolen token is not a step-up', async () => {
    const erin = await w.person(council, 'practitioner', 'erin');
    const stolen = w.client(erin.client.token!);
    t.clock.advance(11 * 60_000);
    const { secret } = await stolen.mfaEnrol();
    await stolen.mfaVerify(await totpAt(secret, t));
    t.clock.advance(30_000);
    await refused(stolen.createDevice(erin.id, 'thief laptop'), 403, 'step_up_required');
    await refused(
      stolen.publishIdentity({ identityPublicKey: b64(32), deviceId: erin.id, deviceSignature: b64(64) }),
      403,
      'step_up_required',
    );
  });

  it('an identity key already someone else’s is refused with 409, not a server error', async () => {
    const fay = await w.person(council, 'practitioner', 'fay');
    const gil = await w.person(council, 'practitioner', 'gil');
    const seed = await newIdentitySeed();
    const identity = await identityFromSeed(seed);
    for (const [p, expectOk] of [
      [fay, true],
      [gil, false],
    ] as const) {
      const { device, keys } = await p.client.createDevice(p.id, 'desk');
      const publish = p.client.publishIdentity({
        identityPublicKey: identity.publicKey,
        deviceId: device.id,
        deviceSignature: await signDevice(identity, {
          userId: p.id,
          deviceId: device.id,
          x25519PublicKey: keys.x25519.publicKey,
          ed25519PublicKey: keys.ed25519.publicKey,
        }),
      });
      if (expectOk) await publish;
      else await refused(publish, 409, 'identity_exists');
    }
    expect((await gil.client.userIdentity(gil.id)).identityPublicKey).toBeNull();
  });

  it('a channel set back in the database to a key a removed member holds is never used again', async () => {
    const channelId = await aliceS.createChannel({
      kind: 'professionals_meeting',
      members: [{ userId: bob.id }, { userId: carol.id }],
    });
    await aliceS.send(channelId, 'bob is still here');
    const held = (await alice.client.channel(channelId)).currentEpoch;
    await alice.client.removeMember(channelId, bob.id);
    await aliceS.send(channelId, 'bob has left');
    const after = (await alice.client.channel(channelId)).currentEpoch;
    expect(after).toBe(held + 1);
    // The database writer rolls the channel back to the key bob still holds.
    await t.sql('UPDATE channels SET current_epoch = $2, rotation_required = false WHERE id = $1', [channelId, held]);

    const alice2 = restart(alice.client, aliceS.device);
    const warnings = warningsOf(alice2);
    await expect(alice2.send(channelId, 'must not be readable by bob')).rejects.toThrow(/Could not agree a key/);
    await expect(
      alice2.sealField(channelId, 'action', { text: 'nor this' }, { recordId: randomUUID() }),
    ).rejects.toThrow(/Could not agree a key/);
    expect(warnings.join('\n')).toContain('went to a device that is no longer in it');
    expect(
      await countOf(t, 'SELECT count(*)::int AS n FROM messages WHERE channel_id = $1 AND epoch <= $2', [
        channelId,
        held,
      ]),
    ).toBe(1);
  });

  it('a key made by a member who left out a device others trust is replaced, and the member named', async () => {
    const channelId = await aliceS.createChannel({
      kind: 'professionals_meeting',
      members: [{ userId: bob.id }, { userId: carol.id }],
    });
    await aliceS.send(channelId, 'everyone reads this');
    // carol's client (or carol) makes the next key without bob's device.
    const { currentEpoch, devices } = await carol.client.channelDevices(channelId);
    const epoch = currentEpoch + 1;
    const key = await newEpochKey();
    const commitment = await epochCommitment(key, channelId, epoch);
    const kept = devices.filter((d) => d.deviceId !== bobS.deviceId);
    const me = { deviceId: carolS.deviceId, x25519PrivateKey: carolS.device.keys.x25519.privateKey };
    await carol.client.openEpoch(channelId, {
      epoch,
      openerDeviceId: carolS.deviceId,
      commitment,
      withheld: [bobS.deviceId],
      signature: await signDetached(
        epochAnnouncementBytes({
          channelId,
          epoch,
          openerDeviceId: carolS.deviceId,
          recipientDeviceIds: kept.map((d) => d.deviceId),
          withheldDeviceIds: [bobS.deviceId],
          commitment,
        }),
        carolS.device.keys.ed25519.privateKey,
      ),
      envelopes: await Promise.all(
        kept.map(async (d) => ({ deviceId: d.deviceId, sealed: await sealEpochKey(key, channelId, epoch, d, me) })),
      ),
    });

    const alice2 = restart(alice.client, aliceS.device);
    const warnings = warningsOf(alice2);
    const sent = await alice2.send(channelId, 'bob reads this too');
    expect(sent.epoch).toBe(epoch + 1);
    expect(warnings.join('\n')).toContain(`left out by device ${carolS.deviceId.slice(0, 8)}`);
    expect((await bobS.readAll(channelId)).map((m) => m.content?.body)).toEqual([
      'everyone reads this',
      'bob reads this too',
    ]);
  });

  it('a new device approved from an existing one by its code gets the identity key and the next keys, and partners trust it', async () => {
    const channelId = await aliceS.createChannel({ kind: 'professionals_meeting', members: [{ userId: bob.id }] });
    const fresh = await w.signIn(bob);
    const waiting = await requestDevice(fresh.client, 'bob phone');
    expect(waiting.code).toMatch(/^\d{5}-\d{5}-\d{5}$/);
    expect(await completeApproval(fresh.client, waiting.stored)).toBeNull();
    await expect(approveDeviceByCode(bob.client, bobS.device, '00000-00000-00000')).rejects.toThrow(/shows that code/);

    const approved = await approveDeviceByCode(bob.client, bobS.device, waiting.code.replace(/-/g, ' '));
    expect(approved).toMatchObject({ id: waiting.device.id, approvedByDeviceId: bobS.deviceId });
    await refused(
      bob.client.approveDevice(waiting.device.id, { identitySignature: approved.identitySignature! }),
      409,
      'already_approved',
    );
    const phone = (await completeApproval(fresh.client, waiting.stored))!;
    expect(phone.identity?.publicKey).toBe(identityOf(bob.id)!.publicKey);

    await aliceS.send(channelId, 'to both of bob’s devices');
    const phoneS = restart(fresh.client, phone);
    expect((await phoneS.readAll(channelId)).map((m) => m.content?.body)).toEqual(['to both of bob’s devices']);
    const seen = await aliceS.seen(bob.id);
    expect(seen.devices.map((d) => d.deviceId)).toContain(phone.deviceId);
  });

  it('recovers with the recovery key; a wrong or mistyped key is refused and registers nothing', async () => {
    const dan = await w.person(council, 'practitioner', 'dan');
    const first = await enrolFirstDevice(dan.client, 'dan desk');
    expect(first.recoveryKey).toMatch(/^([A-Z2-7]{4} ){13}[A-Z2-7]{4}$/);
    const before = await countOf(t, 'SELECT count(*)::int AS n FROM devices WHERE user_id = $1', [dan.id]);

    const other = await encodeRecoveryKey(await newIdentitySeed());
    await expect(recoverDevice(dan.client, 'dan phone', other)).rejects.toThrow(/does not belong to this account/);
    const typo = first.recoveryKey.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'));
    await expect(recoverDevice(dan.client, 'dan phone', typo)).rejects.toBeInstanceOf(RecoveryKeyError);
    expect(await countOf(t, 'SELECT count(*)::int AS n FROM devices WHERE user_id = $1', [dan.id])).toBe(before);

    const recovered = await recoverDevice(dan.client, 'dan phone', first.recoveryKey.toLowerCase());
    expect(recovered.device.approvedAt).not.toBeNull();
    const channelId = await aliceS.createChannel({ kind: 'professionals_meeting', members: [{ userId: dan.id }] });
    await aliceS.send(channelId, 'for dan’s recovered phone');
    const danS = restart(dan.client, recovered.stored);
    expect((await danS.readAll(channelId)).map((m) => m.content?.body)).toEqual(['for dan’s recovered phone']);
  });

  it('an identity key changed in the database: peers say so, seal nothing to that person until they verify', async () => {
    const channelId = await aliceS.createChannel({
      kind: 'professionals_meeting',
      members: [{ userId: bob.id }, { userId: carol.id }],
    });
    await aliceS.send(channelId, 'carol is pinned now');
    expect((await bobS.readAll(channelId)).map((m) => m.content?.body)).toContain('carol is pinned now');

    // The attacker swaps carol's identity key for their own and plants a device it signs.
    const fake = await identityFromSeed(await newIdentitySeed());
    const keys = await generateDeviceKeys();
    await t.sql('UPDATE users SET identity_public_key = $1 WHERE id = $2', [
      Buffer.from(fake.publicKey, 'base64url'),
      carol.id,
    ]);
    const planted = (
      (
        await t.sql(
          `INSERT INTO devices (user_id, label, x25519_public_key, ed25519_public_key) VALUES ($1, 'planted', $2, $3)
           RETURNING id`,
          [carol.id, Buffer.from(keys.x25519.publicKey, 'base64url'), Buffer.from(keys.ed25519.publicKey, 'base64url')],
        )
      ).rows[0] as { id: string }
    ).id;
    const signature = await signDevice(fake, {
      userId: carol.id,
      deviceId: planted,
      x25519PublicKey: keys.x25519.publicKey,
      ed25519PublicKey: keys.ed25519.publicKey,
    });
    await t.sql('UPDATE devices SET identity_signature = $1, approved_at = now() WHERE id = $2', [
      Buffer.from(signature, 'base64url'),
      planted,
    ]);
    await alice.client.removeMember(channelId, bob.id); // any change: the next send makes a new key

    const aliceWarnings = warningsOf(aliceS);
    await aliceS.send(channelId, 'not for the attacker');
    expect(aliceWarnings.join('\n')).toMatch(
      new RegExp(`identity of user ${carol.id} changed — compare safety numbers`),
    );
    expect(await envelopesFor(planted)).toBe(0);
    const { withheld } = (
      await t.sql(
        `SELECT withheld_device_ids AS withheld FROM channel_epochs WHERE channel_id = $1 ORDER BY epoch DESC LIMIT 1`,
        [channelId],
      )
    ).rows[0] as { withheld: string[] };
    expect(withheld).toEqual([planted]);
    const err = await aliceS
      .checkDevice({
        deviceId: planted,
        userId: carol.id,
        x25519PublicKey: keys.x25519.publicKey,
        ed25519PublicKey: keys.ed25519.publicKey,
        identityPublicKey: fake.publicKey,
        identitySignature: signature,
      })
      .then(() => null)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IdentityChangedError);

    // After comparing safety numbers (here: accepting what the server now says), alice includes it again.
    const verified = await aliceS.verify(carol.id);
    expect(verified.accepted).toEqual([planted]);
    await aliceS.rotate(channelId);
    expect(await envelopesFor(planted)).toBe(1);
  });
});
