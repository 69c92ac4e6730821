import { generateDeviceKeys } from '../client/sdk/index.js';
import { signDeviceProof } from '../client/sdk/crypto/device-keys.js';
import { countOf, firstRow } from './support/db.js';
import { refused } from './support/refused.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { type Person, World } from './support/world.js';

/** Flips one bit of a base64url string's decoded bytes. */
const flipBit = (b64: string, index = 0) => {
  const bytes = Buffer.from(b64, 'base64url');
  bytes[index] ^= 0x01;
  return bytes.toString('base64url');
};

const DEVICE_FIELDS = [
  'approvedAt',
  'approvedByDeviceId',
  'createdAt',
  'ed25519PublicKey',
  'id',
  'identityPublicKey',
  'identitySignature',
  'label',
  'revokedAt',
  'sealedIdentitySeed',
  'userId',
  'x25519PublicKey',
];

/**
 * Devices carry public keys only; the server checks proof of possession of the signing key, bound to the
 * user, and lets only the owner, their agency's admin or the ISA team revoke one.
 */
describe('devices: registration with proof of possession, listing public keys, revocation', () => {
  let t: TestApp;
  let w: World;
  let council: string;
  let police: string;
  let alice: Person;
  let bob: Person;

  /** POST /api/devices with a hand-made body, to send what the SDK never would. */
  const postDevice = (p: Person, body: Record<string, unknown>) =>
    p.client.http.request<unknown>('POST', '/devices', body);

  beforeAll(async () => {
    t = await startTestApp();
    w = new World(t);
    await w.agreement();
    council = await w.agency('Council');
    police = await w.agency('Police', { sector: 'police' });
    alice = await w.person(council, 'practitioner', 'alice');
    bob = await w.person(council, 'practitioner', 'bob');
  });
  afterAll(() => t.close());

  it('registers a device made with real libsodium keys, storing exactly the public keys sent', async () => {
    const { device, keys } = await alice.client.createDevice(alice.id, 'Work laptop');
    expect(device).toMatchObject({
      userId: alice.id,
      label: 'Work laptop',
      x25519PublicKey: keys.x25519.publicKey,
      ed25519PublicKey: keys.ed25519.publicKey,
      revokedAt: null,
    });
    const stored = await firstRow<{ x: Buffer; ed: Buffer }>(
      t,
      'SELECT x25519_public_key AS x, ed25519_public_key AS ed FROM devices WHERE id = $1',
      [device.id],
    );
    expect(stored.x.toString('base64url')).toBe(keys.x25519.publicKey);
    expect(stored.ed.toString('base64url')).toBe(keys.ed25519.publicKey);
  });

  it('refuses a proof signed for another user, by another key, over another encryption key, or altered', async () => {
    const before = await countOf(t, 'SELECT count(*)::int AS n FROM devices');
    const keys = await generateDeviceKeys();
    const other = await generateDeviceKeys();
    const body = (signature: string, x25519PublicKey = keys.x25519.publicKey) => ({
      label: 'Phone',
      x25519PublicKey,
      ed25519PublicKey: keys.ed25519.publicKey,
      signature,
    });

    // Signed correctly, but for Bob's user id: Alice cannot take over keys proven for someone else.
    await refused(alice.client.registerDevice(bob.id, keys, 'Phone'), 400, 'invalid_signature');
    // Alice's user id, but made with a signing key other than the one registered.
    await refused(postDevice(alice, body(await signDeviceProof(alice.id, other))), 400, 'invalid_signature');
    // A valid proof, but presented with a different encryption key than the one it covers.
    const proof = await signDeviceProof(alice.id, keys);
    await refused(postDevice(alice, body(proof, other.x25519.publicKey)), 400, 'invalid_signature');
    // One flipped bit anywhere in the signature.
    await refused(postDevice(alice, body(flipBit(proof, 0))), 400, 'invalid_signature');
    await refused(postDevice(alice, body(flipBit(proof, 63))), 400, 'invalid_signature');
    // A key of the right length that is not a valid Ed25519 point is refused as a key, never a 500.
    await refused(
      postDevice(alice, { ...body(proof), ed25519PublicKey: Buffer.alloc(32, 0xff).toString('base64url') }),
      400,
      'invalid_public_key',
    );

    expect(await countOf(t, 'SELECT count(*)::int AS n FROM devices')).toBe(before);
    // The untouched proof still works: the refusals above were about the proof, not the keys.
    await expect(postDevice(alice, body(proof))).resolves.toMatchObject({ userId: alice.id });
  });

  it('refuses poisoned public keys with 400 invalid_public_key, even behind a proof that verifies', async () => {
    const before = await countOf(t, 'SELECT count(*)::int AS n FROM devices');
    const b64 = (bytes: Buffer) => bytes.toString('base64url');
    /** A body whose proof is signed by a real Ed25519 key over the given (bad) encryption key. */
    const withX25519 = async (x25519PublicKey: string) => {
      const keys = await generateDeviceKeys();
      const bad = { ...keys, x25519: { ...keys.x25519, publicKey: x25519PublicKey } };
      return {
        label: 'Poisoned',
        x25519PublicKey,
        ed25519PublicKey: keys.ed25519.publicKey,
        signature: await signDeviceProof(alice.id, bad),
      };
    };
    const real = Buffer.from((await generateDeviceKeys()).x25519.publicKey, 'base64url');
    const badX25519 = {
      'all zero': Buffer.alloc(32),
      'a point of order 8': Buffer.from('e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800', 'hex'),
      'a real key with the top bit set (a second spelling)': Buffer.from(real.map((b, i) => (i === 31 ? b | 0x80 : b))),
    };
    for (const [what, key] of Object.entries(badX25519)) {
      const err = await refused(postDevice(alice, await withX25519(b64(key))), 400, 'invalid_public_key');
      expect([what, err.details]).toEqual([what, { fields: { x25519PublicKey: [expect.any(String)] } }]);
    }

    // The neutral element as a signing key: anyone can "sign" for it (R = the neutral element, S = 0
    // verifies for every message), so the proof of possession passes and only the key check stops it.
    const neutral = Buffer.alloc(32);
    neutral[0] = 1;
    const forged = Buffer.alloc(64);
    forged[0] = 1;
    const err = await refused(
      postDevice(alice, {
        label: 'Forger',
        x25519PublicKey: (await generateDeviceKeys()).x25519.publicKey,
        ed25519PublicKey: b64(neutral),
        signature: b64(forged),
      }),
      400,
      'invalid_public_key',
    );
    expect(err.details).toEqual({ fields: { ed25519PublicKey: ['is not a valid Ed25519 public key'] } });
    expect(await countOf(t, 'SELECT count(*)::int AS n FROM devices')).toBe(before);
  });

  it('refuses the same signing key twice with 409 device_exists, also when registered concurrently', async () => {
    const { keys } = await alice.client.createDevice(alice.id, 'Tablet');
    await refused(alice.client.registerDevice(alice.id, keys, 'Tablet again'), 409, 'device_exists');
    // Even holding the private key, another user cannot register it as theirs.
    await refused(bob.client.registerDevice(bob.id, keys, 'Stolen'), 409, 'device_exists');

    const fresh = await generateDeviceKeys();
    const results = await Promise.all(
      Array.from({ length: 6 }, () =>
        alice.client.registerDevice(alice.id, fresh, 'Double click').then(
          () => 'created',
          (e: { status?: number; code?: string }) => `${e.status} ${e.code}`,
        ),
      ),
    );
    expect(results.filter((r) => r === 'created')).toHaveLength(1);
    expect(results.filter((r) => r === '409 device_exists')).toHaveLength(5);
    const stored = await countOf(t, 'SELECT count(*)::int AS n FROM devices WHERE ed25519_public_key = $1', [
      Buffer.from(fresh.ed25519.publicKey, 'base64url'),
    ]);
    expect(stored).toBe(1);
  });

  it('lists own and another user’s active devices with public keys only, never a private key', async () => {
    const carol = await w.person(police, 'practitioner', 'carol');
    const one = await carol.client.createDevice(carol.id, 'Desk');
    const two = await carol.client.createDevice(carol.id, 'Phone');

    const raw = await fetch(`${t.baseUrl}/api/users/${carol.id}/devices`, {
      headers: { authorization: `Bearer ${alice.client.token}` },
    });
    expect(raw.status).toBe(200);
    const text = await raw.text();
    for (const { keys } of [one, two]) {
      expect(text).not.toContain(keys.x25519.privateKey);
      expect(text).not.toContain(keys.ed25519.privateKey);
      // libsodium's Ed25519 secret key embeds the seed: its first half must not appear either.
      expect(text).not.toContain(
        Buffer.from(keys.ed25519.privateKey, 'base64url').subarray(0, 32).toString('base64url'),
      );
    }
    expect(text.toLowerCase()).not.toMatch(/private|secret/);

    const listed = JSON.parse(text) as Record<string, unknown>[];
    expect(listed.map((d) => d.id)).toEqual([one.device.id, two.device.id]);
    for (const d of listed) expect(Object.keys(d).sort()).toEqual(DEVICE_FIELDS);
    expect(listed.map((d) => d.ed25519PublicKey)).toEqual([one.keys.ed25519.publicKey, two.keys.ed25519.publicKey]);

    const own = await carol.client.myDevices();
    expect(own.map((d) => d.id)).toEqual([one.device.id, two.device.id]);
    expect(await bob.client.userDevices(carol.id)).toEqual(own);

    // The database holds no place for a private key at all.
    const columns = await t.sql(`SELECT column_name FROM information_schema.columns WHERE table_name = 'devices'`);
    expect(columns.rows.map((r: { column_name: string }) => r.column_name).join(' ')).not.toMatch(/private|secret/);

    await refused(alice.client.userDevices('00000000-0000-4000-8000-000000000000'), 404, 'not_found');
  });

  it('a user revokes their own device, which then disappears from every list, and only once', async () => {
    const dan = await w.person(council, 'practitioner', 'dan');
    const keep = await dan.client.createDevice(dan.id, 'Keep');
    const lost = await dan.client.createDevice(dan.id, 'Lost phone');
    const revoked = await dan.client.revokeDevice(lost.device.id, 'Lost on the train');
    expect(revoked).toMatchObject({ id: lost.device.id, revokedAt: t.clock.now().toISOString() });
    expect((await dan.client.myDevices()).map((d) => d.id)).toEqual([keep.device.id]);
    expect((await alice.client.userDevices(dan.id)).map((d) => d.id)).toEqual([keep.device.id]);
    const row = await firstRow<{ reason: string }>(t, 'SELECT revoked_reason AS reason FROM devices WHERE id = $1', [
      lost.device.id,
    ]);
    expect(row.reason).toBe('Lost on the train');
    await refused(dan.client.revokeDevice(lost.device.id), 409, 'already_revoked');
    await refused(dan.client.revokeDevice('00000000-0000-4000-8000-000000000000'), 404, 'not_found');
  });

  it('a practitioner cannot revoke someone else’s device, and it stays active', async () => {
    const { device } = await bob.client.createDevice(bob.id, 'Bob desk');
    await refused(alice.client.revokeDevice(device.id), 403, 'not_your_device');
    expect((await bob.client.myDevices()).map((d) => d.id)).toContain(device.id);
  });

  it('an agency admin revokes devices in their own agency only; the ISA team may revoke any', async () => {
    const councilAdmin = await w.person(council, 'agency_admin');
    const policeAdmin = await w.person(police, 'agency_admin');
    const isaAdmin = await w.person(police, 'isa_admin');
    const first = await bob.client.createDevice(bob.id, 'Bob spare');
    const second = await bob.client.createDevice(bob.id, 'Bob old');

    await refused(policeAdmin.client.revokeDevice(first.device.id), 403, 'not_your_device');
    expect((await bob.client.myDevices()).map((d) => d.id)).toContain(first.device.id);

    await expect(councilAdmin.client.revokeDevice(first.device.id)).resolves.toMatchObject({ id: first.device.id });
    await expect(isaAdmin.client.revokeDevice(second.device.id)).resolves.toMatchObject({ id: second.device.id });
    const remaining = (await bob.client.myDevices()).map((d) => d.id);
    expect(remaining).not.toContain(first.device.id);
    expect(remaining).not.toContain(second.device.id);
  });

  it('a user of an agency that has not signed cannot register a device', async () => {
    const unsigned = await w.agency('Unsigned Charity', { sector: 'voluntary', signed: false });
    const p = await w.person(unsigned, 'practitioner', 'charity');
    await refused(p.client.createDevice(p.id, 'Laptop'), 403, 'agency_not_signed');
    expect(await countOf(t, 'SELECT count(*)::int AS n FROM devices WHERE user_id = $1', [p.id])).toBe(0);
  });
});
