/**
 * Sealed fields (`{epoch, ciphertext}`, sealed by a client under a channel's epoch key) as the API
 * carries them, base64url text, and as the database stores them, bytes. The server never opens them.
 */

/** Bytes as the API carries them. */
export const b64 = (b: Buffer): string => b.toString('base64url');

/** The stored bytes of a sealed field a client sent. */
export const sealedBytes = (f: { ciphertext: string }): Buffer => Buffer.from(f.ciphertext, 'base64url');

/** A stored sealed field as the API shows it; null when there is none. */
export const sealedView = (ciphertext: Buffer | null, epoch: number | null) =>
  ciphertext && epoch ? { epoch, ciphertext: b64(ciphertext) } : null;
