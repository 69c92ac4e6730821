import { randomUUID } from 'node:crypto';
import { generateDeviceKeys, type SecureSession } from '../client/sdk/index.js';
import {
  epochCommitment,
  epochAnnouncementBytes,
  newEpochKey,
  sealEpochKey,
  signDetached,
} from '../client/sdk/crypto/channel-crypto.js';
import type { MemberDeviceView } from '../client/sdk/types.js';
import { countOf } from './support/db.js';
import { refused } from './support/refused.js';
import { identityOf, secureSession } from './support/secure.js';
import { signDevice } from '../client/sdk/crypto/identity.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { World, type Person } from './support/world.js';

/**
 * The server, not the SDK, guarantees that an epoch key goes to exactly the current member devices.
 * The SDK always builds the right set, so these tests build the request by hand: a correctly signed
 * announcement over the wrong set of recipients must be refused with 409 `membership_changed`, and
 * nothing of it stored.
 */
describe('an epoch key goes to exactly the current member devices', () => {
  let t: TestApp;
  let w: World;
  let alice: Person;
  let bob: Person;
  let carol: Person;
  let dave: Person;
  let aliceS: SecureSession;
  let bobS: SecureSession;
  let carolS: SecureSession;
  let daveS: SecureSession;
  let channelId: string;

  beforeAll(async () => {
    t = await startTestApp();
    w = new World(t);
    await w.agreement();
    const council = await w.agency('Council');
    const police = await w.agency('Police', { sector: 'police' });
    alice = await w.person(council, 'practitioner', 'alice');
    bob = await w.person(police, 'practitioner', 'bob');
    carol = await w.person(police, 'practitioner', 'carol');
    dave = await w.person(council, 'practitioner', 'dave');
    aliceS = await secureSession(alice.client, 'alice laptop', t);
    bobS = await secureSession(bob.client, 'bob laptop', t);
    carolS = await secureSession(carol.client, 'carol laptop', t);
    daveS = await secureSession(dave.client, 'dave laptop', t); // dave is in no channel of this file
    channelId = await aliceS.createChannel({
      kind: 'professionals_meeting',
      members: [{ userId: bob.id }, { userId: carol.id }],
    });
  });
  afterAll(async () => {
    for (const s of [aliceS, bobS, carolS, daveS]) s?.close();
    await t.close();
  });

  /** Opens the next epoch as alice's laptop, sent to and signed over exactly `recipients` (and `withheld`). */
  async function openFor(
    recipients: Pick<MemberDeviceView, 'deviceId' | 'x25519PublicKey'>[],
    withheld: string[] = [],
  ) {
    const { currentEpoch } = await alice.client.channelDevices(channelId);
    const epoch = currentEpoch + 1;
    const key = await newEpochKey();
    const commitment = await epochCommitment(key, channelId, epoch);
    const announcement = epochAnnouncementBytes({
      channelId,
      epoch,
      openerDeviceId: aliceS.deviceId,
      recipientDeviceIds: recipients.map((d) => d.deviceId),
      withheldDeviceIds: withheld,
      commitment,
    });
    const me = { deviceId: aliceS.deviceId, x25519PrivateKey: aliceS.device.keys.x25519.privateKey };
    return alice.client.openEpoch(channelId, {
      epoch,
      openerDeviceId: aliceS.deviceId,
      signature: await signDetached(announcement, aliceS.device.keys.ed25519.privateKey),
      commitment,
      withheld,
      envelopes: await Promise.all(
        recipients.map(async (d) => ({
          deviceId: d.deviceId,
          sealed: await sealEpochKey(key, channelId, epoch, d, me),
        })),
      ),
    });
  }

  /** What an epoch opening would change: the stored epochs and envelopes, and the channel's current epoch. */
  async function stored() {
    return {
      epochs: await countOf(t, 'SELECT count(*)::int AS n FROM channel_epochs WHERE channel_id = $1', [channelId]),
      envelopes: await countOf(t, 'SELECT count(*)::int AS n FROM key_envelopes WHERE channel_id = $1', [channelId]),
      currentEpoch: (await alice.client.channel(channelId)).currentEpoch,
    };
  }

  /** The opening is refused as `membership_changed`, naming the right devices, and stores nothing. */
  async function refusedAsMembershipChanged(recipients: Pick<MemberDeviceView, 'deviceId' | 'x25519PublicKey'>[]) {
    const before = await stored();
    const { devices } = await alice.client.channelDevices(channelId);
    const err = await refused(openFor(recipients), 409, 'membership_changed');
    expect(err.details?.devices).toEqual(devices);
    expect(await stored()).toEqual(before);
  }

  const memberDevices = async () => (await alice.client.channelDevices(channelId)).devices;
  const deviceOf = (s: SecureSession) => ({ deviceId: s.deviceId, x25519PublicKey: s.device.keys.x25519.publicKey });

  it('one member device missing: 409 membership_changed, nothing stored', async () => {
    const devices = await memberDevices();
    expect(devices.map((d) => d.deviceId).sort()).toEqual([aliceS.deviceId, bobS.deviceId, carolS.deviceId].sort());
    await refusedAsMembershipChanged(devices.filter((d) => d.deviceId !== bobS.deviceId));
  });

  it('an extra device of someone who is not a member: 409 membership_changed, nothing stored', async () => {
    await refusedAsMembershipChanged([...(await memberDevices()), deviceOf(daveS)]);
  });

  it('an extra device that was revoked, of a member: 409 membership_changed, nothing stored', async () => {
    const { device, keys } = await carol.client.createDevice(carol.id, 'carol old phone');
    await carol.client.revokeDevice(device.id, 'lost');
    const devices = await memberDevices();
    expect(devices.map((d) => d.deviceId)).not.toContain(device.id);
    await refusedAsMembershipChanged([...devices, { deviceId: device.id, x25519PublicKey: keys.x25519.publicKey }]);
  });

  it('a removed member’s device still included: 409 membership_changed, nothing stored', async () => {
    await alice.client.removeMember(channelId, carol.id);
    const devices = await memberDevices();
    expect(devices.map((d) => d.deviceId)).not.toContain(carolS.deviceId);
    await refusedAsMembershipChanged([...devices, deviceOf(carolS)]);
  });

  it('a withheld device that is not a member device: 409 membership_changed, nothing stored', async () => {
    const before = await stored();
    await refused(openFor(await memberDevices(), [daveS.deviceId]), 409, 'membership_changed');
    expect(await stored()).toEqual(before);
  });

  it('a device both sent the key and withheld: 400, nothing stored', async () => {
    const before = await stored();
    const devices = await memberDevices();
    await refused(openFor(devices, [devices[devices.length - 1].deviceId]), 400, 'validation_failed');
    expect(await stored()).toEqual(before);
  });

  it('an opener that does not send the key to its own device: 403, nothing stored', async () => {
    const before = await stored();
    const devices = await memberDevices();
    const others = devices.filter((d) => d.deviceId !== aliceS.deviceId);
    await refused(openFor(others, [aliceS.deviceId]), 403, 'not_your_device');
    expect(await stored()).toEqual(before);
  });

  it('a member device named as withheld gets nothing, visibly, and the rest read', async () => {
    const devices = await memberDevices();
    const kept = devices.filter((d) => d.deviceId !== bobS.deviceId);
    const { epoch } = await openFor(kept, [bobS.deviceId]);
    const row = (
      await t.sql('SELECT withheld_device_ids AS w FROM channel_epochs WHERE channel_id = $1 AND epoch = $2', [
        channelId,
        epoch,
      ])
    ).rows[0] as { w: string[] };
    expect(row.w).toEqual([bobS.deviceId]);
    expect(
      await countOf(
        t,
        'SELECT count(*)::int AS n FROM key_envelopes WHERE channel_id = $1 AND epoch = $2 AND device_id = $3',
        [channelId, epoch, bobS.deviceId],
      ),
    ).toBe(0);
  });

  it('the same hand-built opening over exactly the member devices is accepted (the refusals above were for the set alone)', async () => {
    const before = await stored();
    const devices = await memberDevices();
    expect(await openFor(devices)).toEqual({ epoch: before.currentEpoch + 1, recipients: devices.length });
    expect(await stored()).toEqual({
      epochs: before.epochs + 1,
      envelopes: before.envelopes + devices.length,
      currentEpoch: before.currentEpoch + 1,
    });
    // The members read with the new key: bob decrypts what alice sends under it.
    await aliceS.send(channelId, 'after a hand-built rotation');
    expect((await bobS.readAll(channelId)).map((m) => m.content?.body)).toContain('after a hand-built rotation');
  });
});

/** A server of its own with three practitioners of one signed agency, each with a device. */
async function threeColleagues() {
  const t = await startTestApp();
  const w = new World(t);
  await w.agreement();
  const council = await w.agency('Council');
  const people: Person[] = [];
  const sessions: SecureSession[] = [];
  for (const name of ['alice', 'bob', 'carol']) {
    const p = await w.person(council, 'practitioner', name);
    people.push(p);
    sessions.push(await secureSession(p.client, `${name} laptop`, t));
  }
  return { t, people, sessions };
}

/**
 * Registration refuses poisoned public keys, but someone who can write to the database can still put
 * a device row in. Such a device must get no key and must not stop anyone else: before, its all-zero
 * key made every member's rotation fail inside libsodium ("invalid usage").
 */
describe('a device with an unusable key, written straight into the database', () => {
  let t: TestApp;
  let alice: Person;
  let bob: Person;
  let sessions: SecureSession[];
  let aliceS: SecureSession;
  let bobS: SecureSession;

  beforeAll(async () => {
    ({
      t,
      people: [alice, bob],
      sessions,
    } = await threeColleagues());
    [aliceS, bobS] = sessions;
  });
  afterAll(async () => {
    for (const s of sessions) s.close();
    await t.close();
  });

  it('gets no key, and the channel rotates and carries messages for everyone else', async () => {
    const channelId = await aliceS.createChannel({ kind: 'professionals_meeting', members: [{ userId: bob.id }] });
    const signing = (await generateDeviceKeys()).ed25519.publicKey;
    const [{ id: poisoned }] = (
      await t.sql(
        `INSERT INTO devices (user_id, label, x25519_public_key, ed25519_public_key)
         VALUES ($1, 'inserted behind the server', $2, $3) RETURNING id`,
        [bob.id, Buffer.alloc(32), Buffer.from(signing, 'base64url')],
      )
    ).rows as { id: string }[];
    // Even signed by bob's own identity key (someone holding it wrote the row), the zero key is left out.
    const identitySignature = await signDevice(identityOf(bob.id)!, {
      userId: bob.id,
      deviceId: poisoned,
      x25519PublicKey: Buffer.alloc(32).toString('base64url'),
      ed25519PublicKey: signing,
    });
    await t.sql('UPDATE devices SET identity_signature = $1, approved_at = now() WHERE id = $2', [
      Buffer.from(identitySignature, 'base64url'),
      poisoned,
    ]);

    const { devices } = await alice.client.channelDevices(channelId);
    expect(devices.map((d) => d.deviceId).sort()).toEqual([aliceS.deviceId, bobS.deviceId].sort());
    const epoch = await aliceS.rotate(channelId);
    await aliceS.send(channelId, 'still getting through');
    expect((await bobS.readAll(channelId)).map((m) => m.content?.body)).toContain('still getting through');
    expect(
      await countOf(t, 'SELECT count(*)::int AS n FROM key_envelopes WHERE channel_id = $1 AND epoch = $2', [
        channelId,
        epoch,
      ]),
    ).toBe(2);
    expect(await countOf(t, 'SELECT count(*)::int AS n FROM key_envelopes WHERE device_id = $1', [poisoned])).toBe(0);
  });
});

/**
 * Sealed records (action texts, minutes, the plan, family members' names) follow the rule messages
 * follow: written only under the channel's current key, and not while a rotation is due. Otherwise a
 * stale or faulty client would write what a removed member can still read.
 */
describe('a sealed field under anything but the current key', () => {
  let t: TestApp;
  let alice: Person;
  let bob: Person;
  let carol: Person;
  let sessions: SecureSession[];
  let aliceS: SecureSession;
  let carolS: SecureSession;
  let channelId: string;

  beforeAll(async () => {
    ({
      t,
      people: [alice, bob, carol],
      sessions,
    } = await threeColleagues());
    [aliceS, , carolS] = sessions;
    channelId = await aliceS.createChannel({
      kind: 'locality_meeting',
      members: [{ userId: bob.id }, { userId: carol.id }],
    });
  });
  afterAll(async () => {
    for (const s of sessions) s.close();
    await t.close();
  });

  const actions = () => countOf(t, 'SELECT count(*)::int AS n FROM actions WHERE channel_id = $1', [channelId]);
  const action = (id: string, description: { epoch: number; ciphertext: string }) =>
    alice.client.createAction({ id, channelId, description, ownerId: bob.id, dueOn: '2026-12-31' });

  it('is refused after a member leaves (409 epoch_stale), and what is written next is out of the leaver’s reach', async () => {
    const oldId = randomUUID();
    const old = await aliceS.sealField(channelId, 'action', { text: 'written before carol left' }, { recordId: oldId });
    await action(oldId, old);
    const retryId = randomUUID();
    await alice.client.removeMember(channelId, carol.id);

    // The key carol holds is still the current one, but a rotation is due: refused, nothing stored.
    const before = await actions();
    const due = await refused(action(retryId, old), 409, 'epoch_stale');
    expect(due.details).toMatchObject({ currentEpoch: old.epoch, rotationRequired: true });
    expect(due.message).not.toMatch(/epoch/i);
    expect(await actions()).toBe(before);

    // The SDK seals under the channel's keys as they are now: it opens the next epoch without carol.
    const freshId = randomUUID();
    const fresh = await aliceS.sealField(
      channelId,
      'action',
      { text: 'written after carol left' },
      { recordId: freshId },
    );
    expect(fresh.epoch).toBe(old.epoch + 1);
    await action(freshId, fresh);
    expect(
      await countOf(t, 'SELECT count(*)::int AS n FROM key_envelopes WHERE device_id = $1 AND epoch = $2', [
        carolS.deviceId,
        fresh.epoch,
      ]),
    ).toBe(0);
    await expect(carolS.openField(channelId, 'action', fresh, { recordId: freshId })).rejects.toThrow();

    // Under the old key once the new one is open: refused too, nothing stored.
    const after = await actions();
    const stale = await refused(action(retryId, old), 409, 'epoch_stale');
    expect(stale.details).toMatchObject({ currentEpoch: fresh.epoch, rotationRequired: false });
    expect(await actions()).toBe(after);
  });
});
