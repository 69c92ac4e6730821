import { signDetached } from './channel-crypto.js';
import { signedTextBytes, signedTextHash, verifySignedText, type SignedTextLayout } from './signed-text.js';

/**
 * Signed minutes, layout v2 (docs/protocol.md, "Signed minutes"): the chair's close signature and each
 * amendment's signature cover a hash of the plaintext document as well as the sealed bytes, so anyone
 * holding the text (an export) can check it against the signature. Mirrored by
 * src/common/signed-text.ts and by the PyNaCl vectors in test/vectors/protocol_v2_vectors.py.
 */

/** What is signed: the final minutes at close, or an amendment to them. */
export type MinutesSignatureKind = 'final' | 'amendment';

const MINUTES: SignedTextLayout = { text: 'strongroom-minutes-text:v2\n', signing: 'strongroom-minutes:v2\n' };

/**
 * The text hash of a minutes document (the MinutesDocument closed, or a MinutesAmendment): BLAKE2b-256
 * over `"strongroom-minutes-text:v2\n" ‖ canonical JSON of the document`, base64url. The document is the
 * JSON value the sealed field holds, exactly as it decrypts.
 */
export function minutesTextHash(document: unknown): Promise<string> {
  return signedTextHash(MINUTES, document);
}

/**
 * The bytes signed to close minutes or amend them:
 * `"strongroom-minutes:v2\n" ‖ meetingId ‖ "\n" ‖ kind ‖ "\n" ‖ n ‖ "\n" ‖ textHash (32) ‖ sealed`.
 */
export function minutesSigningBytes(
  meetingId: string,
  what: MinutesSignatureKind,
  number: number,
  textHash: string,
  sealedCiphertext: string,
): Promise<Uint8Array> {
  return signedTextBytes(MINUTES, meetingId, [what, number], textHash, sealedCiphertext);
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
export function verifyMinutes(
  meetingId: string,
  what: MinutesSignatureKind,
  number: number,
  textHash: string,
  sealedCiphertext: string,
  signature: string,
  ed25519PublicKey: string,
): Promise<boolean> {
  return verifySignedText(
    () => minutesSigningBytes(meetingId, what, number, textHash, sealedCiphertext),
    signature,
    ed25519PublicKey,
  );
}
