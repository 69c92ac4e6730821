import { fromB64, sodium, toB64 } from './sodium.js';

/** A secret sealed with a key derived from a passphrase: Argon2id (`crypto_pwhash`) + `crypto_secretbox`. */
export interface WrappedSecret {
  v: 1;
  kdf: 'argon2id13';
  opslimit: number;
  memlimit: number;
  salt: string;
  nonce: string;
  ciphertext: string;
}

export class WrongPassphraseError extends Error {
  constructor() {
    super('The passphrase does not open this key store.');
  }
}

/**
 * How hard the passphrase is stretched. `moderate` (libsodium's MODERATE limits: 3 passes over 256 MiB,
 * about a second) for every store a person's key lives in: someone who copies the file must pay that for
 * each passphrase they try. `interactive` (2 passes, 64 MiB) only for the test suite, which makes hundreds
 * of stores; stores written so earlier still open, since a store records its limits.
 */
export type KdfStrength = 'moderate' | 'interactive';

/** Seals `plaintext` under Argon2id of the passphrase; the limits used are stored with it, to unwrap. */
export async function wrapSecret(
  plaintext: Uint8Array,
  passphrase: string,
  strength: KdfStrength = 'moderate',
): Promise<WrappedSecret> {
  const s = await sodium();
  const salt = s.randombytes_buf(s.crypto_pwhash_SALTBYTES);
  const [opslimit, memlimit] =
    strength === 'interactive'
      ? [s.crypto_pwhash_OPSLIMIT_INTERACTIVE, s.crypto_pwhash_MEMLIMIT_INTERACTIVE]
      : [s.crypto_pwhash_OPSLIMIT_MODERATE, s.crypto_pwhash_MEMLIMIT_MODERATE];
  const key = s.crypto_pwhash(
    s.crypto_secretbox_KEYBYTES,
    passphrase,
    salt,
    opslimit,
    memlimit,
    s.crypto_pwhash_ALG_ARGON2ID13,
  );
  const nonce = s.randombytes_buf(s.crypto_secretbox_NONCEBYTES);
  const ciphertext = s.crypto_secretbox_easy(plaintext, nonce, key);
  s.memzero(key);
  return {
    v: 1,
    kdf: 'argon2id13',
    opslimit,
    memlimit,
    salt: toB64(s, salt),
    nonce: toB64(s, nonce),
    ciphertext: toB64(s, ciphertext),
  };
}

export async function unwrapSecret(wrapped: WrappedSecret, passphrase: string): Promise<Uint8Array> {
  const s = await sodium();
  if (wrapped.v !== 1 || wrapped.kdf !== 'argon2id13')
    throw new Error(`Unsupported key store format v${String(wrapped.v)}`);
  const key = s.crypto_pwhash(
    s.crypto_secretbox_KEYBYTES,
    passphrase,
    fromB64(s, wrapped.salt),
    wrapped.opslimit,
    wrapped.memlimit,
    s.crypto_pwhash_ALG_ARGON2ID13,
  );
  try {
    return s.crypto_secretbox_open_easy(fromB64(s, wrapped.ciphertext), fromB64(s, wrapped.nonce), key);
  } catch {
    throw new WrongPassphraseError();
  } finally {
    s.memzero(key);
  }
}
