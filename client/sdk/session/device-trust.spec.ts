import { generateDeviceKeys } from '../crypto/device-keys.js';
import { identityFromSeed, newIdentitySeed, signDevice, type IdentityKeys } from '../crypto/identity.js';
import type { StrongroomClient } from '../client.js';
import {
  IdentityChangedError,
  MemoryTrustStore,
  UnapprovedDeviceError,
  UnusableDeviceError,
} from '../store/trust-store.js';
import { DeviceTrust, type DeviceClaim } from './device-trust.js';

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');
/** The client is not used by `check`: a device is judged on what it is shown. */
const trust = (store = new MemoryTrustStore(), own?: { userId: string; identityPublicKey: string }) => ({
  store,
  trust: new DeviceTrust({} as StrongroomClient, store, () => new Date('2026-12-02T00:00:00Z'), own),
});
const newIdentity = async () => identityFromSeed(await newIdentitySeed());

/** A device of `userId` as the server would list it, signed by `signer` (its owner's identity by default). */
async function claim(
  userId: string,
  deviceId: string,
  identity: IdentityKeys,
  over: Partial<DeviceClaim> = {},
  signer: IdentityKeys = identity,
): Promise<DeviceClaim> {
  const keys = await generateDeviceKeys();
  const d = {
    deviceId,
    userId,
    x25519PublicKey: over.x25519PublicKey ?? keys.x25519.publicKey,
    ed25519PublicKey: over.ed25519PublicKey ?? keys.ed25519.publicKey,
  };
  return { ...d, identityPublicKey: identity.publicKey, identitySignature: await signDevice(signer, d), ...over };
}

const refusal = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => e,
  );

describe('DeviceTrust: which devices this client will ever trust (protocol v2)', () => {
  it('pins the person’s identity key and a device it signed', async () => {
    const { store, trust: t } = trust();
    const identity = await newIdentity();
    const d = await claim('u1', 'd1', identity);
    await t.check(d);
    expect(await store.getIdentity('u1')).toMatchObject({ identityPublicKey: identity.publicKey, verifiedAt: null });
    expect(await store.get('d1')).toMatchObject({ userId: 'u1', ed25519PublicKey: d.ed25519PublicKey });
  });

  it('refuses a device with no identity signature, or one by another key, and never pins it', async () => {
    const { store, trust: t } = trust();
    const identity = await newIdentity();
    await t.check(await claim('u1', 'd1', identity));
    const unsigned = { ...(await claim('u1', 'ghost', identity)), identitySignature: null };
    expect(await refusal(t.check(unsigned))).toBeInstanceOf(UnapprovedDeviceError);
    const forged = await claim('u1', 'ghost2', identity, {}, await newIdentity());
    const err = await refusal(t.check(forged));
    expect(err).toBeInstanceOf(UnapprovedDeviceError);
    expect((err as Error).message).toContain('not approved by its owner');
    // A signature over another device does not carry over to this one.
    const other = await claim('u1', 'd2', identity);
    const moved = { ...(await claim('u1', 'ghost3', identity)), identitySignature: other.identitySignature };
    expect(await refusal(t.check(moved))).toBeInstanceOf(UnapprovedDeviceError);
    for (const id of ['ghost', 'ghost2', 'ghost3']) expect(await store.get(id)).toBeUndefined();
  });

  it('refuses every device of a person whose identity key changed, until verified', async () => {
    const { store, trust: t } = trust();
    const identity = await newIdentity();
    await t.check(await claim('u1', 'd1', identity));
    const replaced = await newIdentity();
    const err = await refusal(t.check(await claim('u1', 'd9', replaced)));
    expect(err).toBeInstanceOf(IdentityChangedError);
    expect((err as Error).message).toMatch(/identity of user u1 changed — compare safety numbers/);
    expect(await store.get('d9')).toBeUndefined();
    expect((await store.getIdentity('u1'))?.identityPublicKey).toBe(identity.publicKey);
  });

  it('takes this user’s own identity from the key store, never from the server', async () => {
    const mine = await newIdentity();
    const { trust: t } = trust(new MemoryTrustStore(), { userId: 'me', identityPublicKey: mine.publicKey });
    await t.check(await claim('me', 'mine-2', mine));
    expect(await refusal(t.check(await claim('me', 'planted', await newIdentity())))).toBeInstanceOf(
      IdentityChangedError,
    );
  });

  it.each([
    ['an all-zero encryption key', () => b64(new Uint8Array(32)), null, /weak point/],
    [
      'an encryption key of order 8',
      () => b64(Buffer.from('5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157', 'hex')),
      null,
      /weak point/,
    ],
    ['an encryption key written past p', () => b64(new Uint8Array(32).fill(0xff).fill(0x7f, 31)), null, /standard way/],
    [
      'the neutral element as signing key',
      null,
      () => b64(Uint8Array.from([1, ...new Array<number>(31).fill(0)])),
      /signing key/,
    ],
  ])(
    'refuses, names and never pins a device with %s, even signed by its owner',
    async (_what, badX, badEd, problem) => {
      const { store, trust: t } = trust();
      const identity = await newIdentity();
      const d = await claim('u2', 'dev-12345678-rest', identity, {
        ...(badX ? { x25519PublicKey: badX() } : {}),
        ...(badEd ? { ed25519PublicKey: badEd() } : {}),
      });
      const err = await refusal(t.check(d));
      expect(err).toBeInstanceOf(UnusableDeviceError);
      expect((err as UnusableDeviceError).message).toMatch(problem);
      expect((err as UnusableDeviceError).message).toContain('device dev-1234');
      expect(await store.get(d.deviceId)).toBeUndefined();
    },
  );
});
