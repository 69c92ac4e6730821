import sodiumModule from 'libsodium-wrappers-sumo';
import { ed25519KeyProblem, x25519KeyProblem } from './public-keys.js';

const hex = (h: string) => Uint8Array.from(Buffer.from(h, 'hex'));
/** A 32-byte little-endian number. */
const le = (n: bigint) => {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = Number((n >> BigInt(8 * i)) & 0xffn);
  return out;
};
const P = 2n ** 255n - 19n;

describe('device public keys', () => {
  let s: typeof sodiumModule;
  beforeAll(async () => {
    await sodiumModule.ready;
    s = sodiumModule;
  });

  it('accepts the keys libsodium makes, for both kinds', async () => {
    for (let i = 0; i < 20; i++) {
      expect(await x25519KeyProblem(s.crypto_box_keypair().publicKey)).toBeNull();
      expect(await ed25519KeyProblem(s.crypto_sign_keypair().publicKey)).toBeNull();
    }
  });

  it.each([
    ['zero', le(0n)],
    ['one', le(1n)],
    ['order 8 (a)', hex('e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800')],
    ['order 8 (b)', hex('5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157')],
    ['p − 1', le(P - 1n)],
  ])('refuses the X25519 point of small order %s', async (_name, key) => {
    expect(await x25519KeyProblem(key)).toMatch(/small order/);
  });

  it.each([
    ['p (another spelling of 0)', le(P)],
    ['p + 1 (another spelling of 1)', le(P + 1n)],
    ['2^255 − 1', le(2n ** 255n - 1n)],
    ['the base point with the top bit set', le(9n + 2n ** 255n)],
  ])('refuses the non-canonical X25519 encoding %s', async (_name, key) => {
    expect(await x25519KeyProblem(key)).toMatch(/canonical/);
  });

  it('refuses Ed25519 keys that are not points of the main subgroup, or not points at all', async () => {
    const identity = le(1n); // the neutral element (0, 1)
    const order2 = le(P - 1n); // (0, −1)
    const notOnCurve = le(2n); // y = 2 has no x on edwards25519
    const nonCanonical = le(P + 1n); // y = p + 1, another spelling of y = 1
    for (const key of [new Uint8Array(32), identity, order2, notOnCurve, nonCanonical]) {
      expect(await ed25519KeyProblem(key)).toBe('is not a valid Ed25519 public key');
    }
  });

  it('refuses keys of the wrong length', async () => {
    expect(await x25519KeyProblem(new Uint8Array(31))).toBe('must be 32 bytes');
    expect(await ed25519KeyProblem(new Uint8Array(33))).toBe('must be 32 bytes');
  });
});
