import { canonicalize } from './audit-chain.js';
import { signDetached, verifyDetached } from './channel-crypto.js';
import { fromB64, sodium, toB64 } from './sodium.js';

/**
 * Signed minutes, layout v2 (docs/protocol.md, "Signed minutes"): the chair's close signature and each
 * amendment's signature cover a hash of the plaintext document as well as the sealed bytes, so anyone
 * holding the text (an export) can check it against the signature. Mirrored by
 * src/meetings/minutes-proofs.ts and by the PyNaCl vectors in test/vectors/protocol_v2_vectors.py.
 */

/** What is signed: the final minutes at close, or an amendment to them. */
export type MinutesSignatureKind = 'final' | 'amendment';

const TEXT_CONTEXT = 'strongroom-minutes-text:v2\n';
const SIGNING_CONTEXT = 'strongroom-minutes:v2\n';
export const MINUTES_TEXT_HASH_BYTES = 32;

/**
 * The text hash of a minutes document (the MinutesDocument closed, or a MinutesAmendment): BLAKE2b-256
 * over `"strongroom-minutes-text:v2\n" ‖ canonical JSON of the document`, base64url. The document is the
 * JSON value the sealed field holds, exactly as it decrypts.
 */
export async function minutesTextHash(document: unknown): Promise<string> {
  const s = await sodium();
  return toB64(
    s,
    s.crypto_generichash(
      MINUTES_TEXT_HASH_BYTES,
      new TextEncoder().encode(TEXT_CONTEXT + canonicalize(document)),
      null,
    ),
  );
}

/**
 * The bytes signed to close minutes or amend them:
 * `"strongroom-minutes:v2\n" ‖ meetingId ‖ "\n" ‖ kind ‖ "\n" ‖ n ‖ "\n" ‖ textHash (32) ‖ sealed`.
 */
export async function minutesSigningBytes(
  meetingId: string,
  what: MinutesSignatureKind,
  number: number,
  textHash: string,
  sealedCiphertext: string,
): Promise<Uint8Array> {
  const s = await sodium();
  const head = new TextEncoder().encode(`${SIGNING_CONTEXT}${meetingId}\n${what}\n${number}\n`);
  const hash = fromB64(s, textHash);
  if (hash.length !== MINUTES_TEXT_HASH_BYTES) throw new Error('A minutes text hash is 32 bytes.');
  const body = fromB64(s, sealedCiphertext);
  const out = new Uint8Array(head.length + hash.length + body.length);
  out.set(head);
  out.set(hash, head.length);
  out.set(body, head.length + hash.length);
  return out;
}

export async function signMinutes(
  meetingId: string,
  what: MinutesSignatureKind,
  number: number,
  textHash: string,
  sealedCiphertext: string,
  ed25519PrivateKey: string,
): Promise<string> {
  return signDetached(
    await minutesSigningBytes(meetingId, what, number, textHash, sealedCiphertext),
    ed25519PrivateKey,
  );
}

/** True only if `signature` by that key covers this meeting, kind, number, text hash and sealed bytes. */
export async function verifyMinutes(
  meetingId: string,
  what: MinutesSignatureKind,
  number: number,
  textHash: string,
  sealedCiphertext: string,
  signature: string,
  ed25519PublicKey: string,
): Promise<boolean> {
  let signed: Uint8Array;
  try {
    signed = await minutesSigningBytes(meetingId, what, number, textHash, sealedCiphertext);
  } catch {
    return false;
  }
  return verifyDetached(signed, signature, ed25519PublicKey);
}
