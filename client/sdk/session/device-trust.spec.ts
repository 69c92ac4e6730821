import { generateDeviceKeys } from '../crypto/device-keys.js';
import type { StrongroomClient } from '../client.js';
import { MemoryTrustStore, UnusableDeviceError } from '../store/trust-store.js';
import { DeviceTrust } from './device-trust.js';

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');
/** The client is not used by `check`: a device is judged on the keys it is shown. */
const trust = (store = new MemoryTrustStore()) => ({
  store,
  trust: new DeviceTrust({} as StrongroomClient, store, () => new Date('2026-12-02T00:00:00Z')),
});

describe('DeviceTrust: which devices this client will ever trust', () => {
  it('pins a device with keys libsodium made', async () => {
    const { store, trust: t } = trust();
    const keys = await generateDeviceKeys();
    const d = {
      deviceId: 'd1',
      userId: 'u1',
      x25519PublicKey: keys.x25519.publicKey,
      ed25519PublicKey: keys.ed25519.publicKey,
    };
    await t.check(d);
    expect(await store.get('d1')).toMatchObject(d);
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
  ])('refuses, names and never pins a device with %s', async (_what, badX, badEd, problem) => {
    const { store, trust: t } = trust();
    const keys = await generateDeviceKeys();
    const d = {
      deviceId: 'dev-12345678-rest',
      userId: 'u2',
      x25519PublicKey: badX ? badX() : keys.x25519.publicKey,
      ed25519PublicKey: badEd ? badEd() : keys.ed25519.publicKey,
    };
    const err = await t.check(d).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(UnusableDeviceError);
    expect((err as UnusableDeviceError).message).toMatch(problem);
    expect((err as UnusableDeviceError).message).toContain('device dev-1234');
    expect(await store.get(d.deviceId)).toBeUndefined();
  });
});
