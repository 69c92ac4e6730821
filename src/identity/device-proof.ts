import { createPublicKey, verify } from 'node:crypto';

/**
 * The bytes a device signs to prove it holds its Ed25519 key. Binding the user id stops one user
 * registering another's keys as their own. Shared with the SDK (client/sdk/crypto/device-keys.ts).
 */
export function deviceProofMessage(userId: string, x25519PublicKey: string, ed25519PublicKey: string): Buffer {
  return Buffer.from(`strongroom-device-proof:v1\n${userId}\n${x25519PublicKey}\n${ed25519PublicKey}`, 'utf8');
}

const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** Node's native Ed25519 verify, from a raw 32-byte public key. */
export function verifyEd25519(publicKey: Buffer, message: Buffer, signature: Buffer): boolean {
  try {
    const key = createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' });
    return verify(null, message, key, signature);
  } catch {
    return false;
  }
}
