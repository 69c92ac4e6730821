import sodiumModule from 'libsodium-wrappers-sumo';
import { deviceSignatureBytes, verifyEd25519 } from './device-proof.js';

/**
 * Whether a device's public keys are keys anyone can safely use (DESIGN.md §3: no small-order or
 * non-canonical points). A device is registered once and then sealed to by every member of every
 * channel it joins: a poisoned key (all zero, low order) makes libsodium refuse to seal, which would
 * stop every rotation in those channels, and a low-order Ed25519 key lets anyone forge "signatures".
 * Returns what is wrong in plain words, or null.
 */

/** 2^255 − 19, the field prime of Curve25519. */
const P = 2n ** 255n - 19n;

const littleEndian = (bytes: Uint8Array): bigint => {
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]);
  return n;
};

/** libsodium, loaded once (its WebAssembly is initialised asynchronously). */
let ready: Promise<typeof sodiumModule> | null = null;
const sodium = () => (ready ??= sodiumModule.ready.then(() => sodiumModule));

/** A fixed clamped scalar: multiplying a point of small order by a multiple of 8 gives zero. */
const PROBE_SCALAR = new Uint8Array(32).fill(0x5a);
PROBE_SCALAR[0] &= 248;
PROBE_SCALAR[31] = (PROBE_SCALAR[31] & 127) | 64;

export async function x25519KeyProblem(key: Uint8Array): Promise<string | null> {
  if (key.length !== 32) return 'must be 32 bytes';
  // Canonical: the top bit clear and the number below p. Everything else is a second spelling of a
  // point, which implementations read differently.
  if (key[31] & 0x80 || littleEndian(key) >= P) return 'is not a canonical X25519 public key';
  const s = await sodium();
  try {
    // libsodium refuses (throws) when the product is zero, that is for every point of small order
    // (including 0 and 1) on the curve or its twist.
    s.crypto_scalarmult(PROBE_SCALAR, key);
  } catch {
    return 'is a point of small order, which no real key is';
  }
  return null;
}

export async function ed25519KeyProblem(key: Uint8Array): Promise<string | null> {
  if (key.length !== 32) return 'must be 32 bytes';
  const s = await sodium();
  // On the curve, canonically encoded, in the main subgroup and not of small order.
  return s.crypto_core_ed25519_is_valid_point(key) ? null : 'is not a valid Ed25519 public key';
}

/** Verdicts by key pair: a device's keys never change, so each pair is checked once per process. */
const verdicts = new Map<string, boolean>();
const VERDICT_LIMIT = 50_000;

/**
 * Whether a device's stored public keys (base64url) are usable. Registration refuses bad keys, so a bad
 * pair here was written behind the server's back; such a device must not block its channels.
 */
export async function usableDeviceKeys(x25519PublicKey: string, ed25519PublicKey: string): Promise<boolean> {
  const id = `${x25519PublicKey}.${ed25519PublicKey}`;
  const known = verdicts.get(id);
  if (known !== undefined) return known;
  const ok =
    (await x25519KeyProblem(Buffer.from(x25519PublicKey, 'base64url'))) === null &&
    (await ed25519KeyProblem(Buffer.from(ed25519PublicKey, 'base64url'))) === null;
  if (verdicts.size >= VERDICT_LIMIT) verdicts.delete(verdicts.keys().next().value!);
  verdicts.set(id, ok);
  return ok;
}

const approvals = new Map<string, boolean>();

/**
 * Whether a device carries a valid signature by its owner's identity key (protocol v2): the server checks
 * the signature itself rather than trusting `approved_at`, so an approval written behind its back does not
 * count. Each verdict is kept (bounded), so a channel's devices are checked once per process.
 */
export function identityApproved(d: {
  userId: string;
  deviceId: string;
  x25519PublicKey: string;
  ed25519PublicKey: string;
  identityPublicKey: string | null;
  identitySignature: string | null;
}): boolean {
  if (!d.identityPublicKey || !d.identitySignature) return false;
  // Every signed field is in the key, so a row moved to another user (or given other keys) is checked anew.
  const id = [
    d.identityPublicKey,
    d.identitySignature,
    d.userId,
    d.deviceId,
    d.x25519PublicKey,
    d.ed25519PublicKey,
  ].join('.');
  const known = approvals.get(id);
  if (known !== undefined) return known;
  const ok = verifyEd25519(
    Buffer.from(d.identityPublicKey, 'base64url'),
    deviceSignatureBytes(d),
    Buffer.from(d.identitySignature, 'base64url'),
  );
  if (approvals.size >= VERDICT_LIMIT) approvals.delete(approvals.keys().next().value!);
  approvals.set(id, ok);
  return ok;
}
