import { createPublicKey, verify } from 'node:crypto';
import { deviceProofMessage, fingerprint, generateDeviceKeys, signDeviceProof } from './device-keys.js';
import { unwrapSecret, wrapSecret, WrongPassphraseError } from './key-wrap.js';

describe('device keys', () => {
  it('makes 32-byte public keys and a proof that Node’s own Ed25519 verifies', async () => {
    const keys = await generateDeviceKeys();
    const ed = Buffer.from(keys.ed25519.publicKey, 'base64url');
    expect(ed).toHaveLength(32);
    expect(Buffer.from(keys.x25519.publicKey, 'base64url')).toHaveLength(32);
    const sig = Buffer.from(await signDeviceProof('user-1', keys), 'base64url');
    const spki = createPublicKey({
      key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), ed]),
      format: 'der',
      type: 'spki',
    });
    const msg = deviceProofMessage('user-1', keys.x25519.publicKey, keys.ed25519.publicKey);
    expect(verify(null, msg, spki, sig)).toBe(true);
    // Bound to the user: the same signature does not verify for another user id.
    expect(verify(null, deviceProofMessage('user-2', keys.x25519.publicKey, keys.ed25519.publicKey), spki, sig)).toBe(
      false,
    );
  });

  it('gives the same safety number whatever the key order, and a different one for other keys', async () => {
    const [a, b, c] = await Promise.all([generateDeviceKeys(), generateDeviceKeys(), generateDeviceKeys()]);
    const one = await fingerprint([a.ed25519.publicKey, b.ed25519.publicKey]);
    expect(one).toMatch(/^(\d{5} ){11}\d{5}$/);
    expect(await fingerprint([b.ed25519.publicKey, a.ed25519.publicKey])).toBe(one);
    expect(await fingerprint([a.ed25519.publicKey, c.ed25519.publicKey])).not.toBe(one);
  });
});

describe('passphrase key wrap', () => {
  it('round-trips a secret, stretching the passphrase at libsodium’s MODERATE limits by default', async () => {
    const secret = new TextEncoder().encode('device private keys');
    const wrapped = await wrapSecret(secret, 'a long passphrase');
    expect(wrapped).toMatchObject({ v: 1, kdf: 'argon2id13', opslimit: 3, memlimit: 256 * 1024 * 1024 });
    expect(new TextDecoder().decode(await unwrapSecret(wrapped, 'a long passphrase'))).toBe('device private keys');
  });

  it('writes at the interactive limits only when asked (the test suite), and opens that too', async () => {
    const wrapped = await wrapSecret(new Uint8Array([1, 2, 3]), 'a long passphrase', 'interactive');
    expect(wrapped).toMatchObject({ opslimit: 2, memlimit: 64 * 1024 * 1024 });
    expect(Array.from(await unwrapSecret(wrapped, 'a long passphrase'))).toEqual([1, 2, 3]);
  });

  it('opens a store written before MODERATE, at the interactive limits it records', async () => {
    // Written by wrapSecret when interactive was its only cost (format v1, unchanged).
    const old = {
      v: 1 as const,
      kdf: 'argon2id13' as const,
      opslimit: 2,
      memlimit: 67108864,
      salt: '16LxvKzhKiQ06A7vdSQbNw',
      nonce: '6zdNLL8HOduCks9iQP6PQNOUHasN5MDP',
      ciphertext: '3TNkItb6EiK4aRUtsfrJwdxbq5IGk4m4zKTEp-OUWFObSyRlbNx1284',
    };
    expect(new TextDecoder().decode(await unwrapSecret(old, 'an old passphrase'))).toBe('device private keys, 2026');
    await expect(unwrapSecret(old, 'another passphrase')).rejects.toBeInstanceOf(WrongPassphraseError);
  });

  it('refuses the wrong passphrase', async () => {
    const wrapped = await wrapSecret(new Uint8Array([1, 2, 3]), 'right passphrase', 'interactive');
    await expect(unwrapSecret(wrapped, 'wrong passphrase')).rejects.toBeInstanceOf(WrongPassphraseError);
  });

  it('detects one flipped byte of ciphertext', async () => {
    const wrapped = await wrapSecret(new Uint8Array([1, 2, 3]), 'right passphrase', 'interactive');
    const bytes = Buffer.from(wrapped.ciphertext, 'base64url');
    bytes[0] ^= 1;
    await expect(
      unwrapSecret({ ...wrapped, ciphertext: bytes.toString('base64url') }, 'right passphrase'),
    ).rejects.toBeInstanceOf(WrongPassphraseError);
  });
});
