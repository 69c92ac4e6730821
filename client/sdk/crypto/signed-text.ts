import { verifyDetached } from './channel-crypto.js';
import { canonicalize } from './audit-chain.js';
import { fromB64, sodium, toB64 } from './sodium.js';

/**
 * Records signed over their text (docs/protocol.md, "Signed records"): a signature covers a hash of the
 * plaintext document as well as its sealed bytes, so anyone holding the text (an export) can check it
 * against the signature without the key. Minutes (client/sdk/crypto/minutes.ts) and plan versions
 * (client/sdk/crypto/plan.ts) are the two kinds; each has its own contexts, so no signature of one kind
 * can stand for another. Mirrored by src/common/signed-text.ts and test/vectors/protocol_v2_vectors.py.
 */

export const TEXT_HASH_BYTES = 32;

/** The two context lines of one kind of signed record, each ending in "\n". */
export interface SignedTextLayout {
  /** Hashed before the canonical JSON of the text: `"strongroom-minutes-text:v2\n"`. */
  text: string;
  /** Signed before the record id and labels: `"strongroom-minutes:v2\n"`. */
  signing: string;
}

/** BLAKE2b-256 over `layout.text ‖ canonical JSON of document`, base64url. */
export async function signedTextHash(layout: SignedTextLayout, document: unknown): Promise<string> {
  const s = await sodium();
  return toB64(
    s,
    s.crypto_generichash(TEXT_HASH_BYTES, new TextEncoder().encode(layout.text + canonicalize(document)), null),
  );
}

/**
 * The bytes signed: `layout.signing ‖ recordId ‖ "\n" ‖ each label ‖ "\n" ‖ textHash (32) ‖ sealed`, the
 * labels (which signature of the record, and its number) written in decimal or as words.
 */
export async function signedTextBytes(
  layout: SignedTextLayout,
  recordId: string,
  labels: (string | number)[],
  textHash: string,
  sealedCiphertext: string,
): Promise<Uint8Array> {
  const s = await sodium();
  const head = new TextEncoder().encode(`${layout.signing}${recordId}\n${labels.map((l) => `${l}\n`).join('')}`);
  const hash = fromB64(s, textHash);
  if (hash.length !== TEXT_HASH_BYTES) throw new Error('A text hash is 32 bytes.');
  const body = fromB64(s, sealedCiphertext);
  const out = new Uint8Array(head.length + hash.length + body.length);
  out.set(head);
  out.set(hash, head.length);
  out.set(body, head.length + hash.length);
  return out;
}

/** True only if `signature` by that key covers the bytes `signed` builds; false when they cannot be built. */
export async function verifySignedText(
  signed: () => Promise<Uint8Array>,
  signature: string,
  ed25519PublicKey: string,
): Promise<boolean> {
  let bytes: Uint8Array;
  try {
    bytes = await signed();
  } catch {
    return false;
  }
  return verifyDetached(bytes, signature, ed25519PublicKey);
}
