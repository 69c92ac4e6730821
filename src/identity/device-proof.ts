import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { canonicalJson } from '../common/canonical-json.js';

/**
 * The bytes a device signs to prove it holds its Ed25519 key. Binding the user id stops one user
 * registering another's keys as their own. Shared with the SDK (client/sdk/crypto/device-keys.ts).
 */
export function deviceProofMessage(userId: string, x25519PublicKey: string, ed25519PublicKey: string): Buffer {
  return Buffer.from(`strongroom-device-proof:v1\n${userId}\n${x25519PublicKey}\n${ed25519PublicKey}`, 'utf8');
}

/**
 * What a person's identity key signs to approve one of their devices (protocol v2, cross-signing).
 * Shared with the SDK (client/sdk/crypto/identity.ts) and the vectors in test/vectors/.
 */
export function deviceSignatureBytes(d: {
  userId: string;
  deviceId: string;
  x25519PublicKey: string;
  ed25519PublicKey: string;
}): Buffer {
  const body = canonicalJson({
    v: 2,
    type: 'device',
    userId: d.userId,
    deviceId: d.deviceId,
    x25519: d.x25519PublicKey,
    ed25519: d.ed25519PublicKey,
  });
  return Buffer.from(`strongroom-device:v2\n${body}`, 'utf8');
}

const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/**
 * A raw 32-byte Ed25519 public key as a Node key object (build once, verify many times). Throws for any
 * other length: the DER parser would take a longer one's first 32 bytes and ignore the rest.
 */
export function ed25519PublicKey(raw: Buffer): KeyObject {
  if (raw.length !== 32) throw new RangeError(`an Ed25519 public key is 32 bytes, not ${raw.length}`);
  return createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
}

/** Node's native Ed25519 verify, from a raw 32-byte public key or one already built. */
export function verifyEd25519(publicKey: Buffer | KeyObject, message: Buffer, signature: Buffer): boolean {
  try {
    const key = Buffer.isBuffer(publicKey) ? ed25519PublicKey(publicKey) : publicKey;
    return verify(null, message, key, signature);
  } catch {
    return false;
  }
}
