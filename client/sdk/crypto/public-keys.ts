import { fromB64, sodium } from './sodium.js';

/** 2^255 − 19. */
const P = 2n ** 255n - 19n;

/** A clamped scalar: any point of small order times it is zero, which libsodium refuses. */
const PROBE = (() => {
  const k = new Uint8Array(32).fill(0x3c);
  k[0] &= 248;
  k[31] = (k[31] & 127) | 64;
  return k;
})();

/**
 * What is wrong with a device's public keys (base64url), in plain words, or null. The client checks
 * every device before it first trusts it: a key of small order would make libsodium refuse to seal
 * (and an Ed25519 key of small order lets anyone forge its signatures), whatever the server says.
 */
export async function devicePublicKeysProblem(
  x25519PublicKey: string,
  ed25519PublicKey: string,
): Promise<string | null> {
  const s = await sodium();
  let x: Uint8Array;
  let ed: Uint8Array;
  try {
    x = fromB64(s, x25519PublicKey);
    ed = fromB64(s, ed25519PublicKey);
  } catch {
    return 'its keys are not readable';
  }
  if (x.length !== 32 || ed.length !== 32) return 'its keys are not 32 bytes long';
  let u = 0n;
  for (let i = 31; i >= 0; i--) u = (u << 8n) | BigInt(x[i]);
  if (u >= P) return 'its encryption key is not written the one standard way';
  try {
    s.crypto_scalarmult(PROBE, x);
  } catch {
    return 'its encryption key is a weak point that would expose what is sealed to it';
  }
  if (!s.crypto_core_ed25519_is_valid_point(ed)) return 'its signing key is not a valid key';
  return null;
}

/** What is wrong with a person's identity key (base64url), in plain words, or null. */
export async function identityKeyProblem(identityPublicKey: string): Promise<string | null> {
  const s = await sodium();
  let key: Uint8Array;
  try {
    key = fromB64(s, identityPublicKey);
  } catch {
    return 'their identity key is not readable';
  }
  if (key.length !== 32 || !s.crypto_core_ed25519_is_valid_point(key)) return 'their identity key is not a valid key';
  return null;
}
