import { signDetached } from './channel-crypto.js';
import { signedTextBytes, signedTextHash, verifySignedText, type SignedTextLayout } from './signed-text.js';

/**
 * Signed plan versions, layout v1 (docs/protocol.md, "Signed plan versions"): the device that saves a
 * version of the whole-family plan signs the plan's text together with the review date and the members it
 * covers (which the server sees, and so could change), and the sealed bytes. Mirrored by
 * src/common/signed-text.ts and by the PyNaCl vectors in test/vectors/protocol_v2_vectors.py.
 */

const PLAN: SignedTextLayout = { text: 'strongroom-plan-text:v1\n', signing: 'strongroom-plan:v1\n' };

/** What a plan version's signature covers besides its sealed bytes. */
export interface PlanText {
  /** The plan document exactly as it decrypts. */
  document: unknown;
  /** `YYYY-MM-DD`. */
  reviewOn: string;
  /** Family member ids; their order and repeats do not matter. */
  coveredMemberIds: readonly string[];
}

/**
 * BLAKE2b-256 over `"strongroom-plan-text:v1\n" ‖ canonical JSON of
 * {"coveredMemberIds": [sorted, each once], "document": …, "reviewOn": "YYYY-MM-DD"}`, base64url.
 */
export function planTextHash(text: PlanText): Promise<string> {
  return signedTextHash(PLAN, {
    coveredMemberIds: [...new Set(text.coveredMemberIds)].sort(),
    document: text.document,
    reviewOn: text.reviewOn,
  });
}

/** `"strongroom-plan:v1\n" ‖ familyId ‖ "\n" ‖ version ‖ "\n" ‖ textHash (32) ‖ sealed`. */
export function planSigningBytes(
  familyId: string,
  version: number,
  textHash: string,
  sealedCiphertext: string,
): Promise<Uint8Array> {
  return signedTextBytes(PLAN, familyId, [version], textHash, sealedCiphertext);
}

export async function signPlan(
  familyId: string,
  version: number,
  textHash: string,
  sealedCiphertext: string,
  ed25519PrivateKey: string,
): Promise<string> {
  return signDetached(await planSigningBytes(familyId, version, textHash, sealedCiphertext), ed25519PrivateKey);
}

/** True only if `signature` by that key covers this family, version, text hash and sealed bytes. */
export function verifyPlan(
  familyId: string,
  version: number,
  textHash: string,
  sealedCiphertext: string,
  signature: string,
  ed25519PublicKey: string,
): Promise<boolean> {
  return verifySignedText(
    () => planSigningBytes(familyId, version, textHash, sealedCiphertext),
    signature,
    ed25519PublicKey,
  );
}
