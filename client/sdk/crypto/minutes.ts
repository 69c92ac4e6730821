import { signDetached, verifyDetached } from './channel-crypto.js';
import { sodium } from './sodium.js';

/** The bytes signed to close minutes or amend them (mirrors src/meetings/minutes-proofs.ts). */
export async function minutesSigningBytes(
  meetingId: string,
  what: 'final' | 'amendment',
  number: number,
  sealedCiphertext: string,
): Promise<Uint8Array> {
  const s = await sodium();
  const head = new TextEncoder().encode(`strongroom-minutes:v1\n${meetingId}\n${what}\n${number}\n`);
  const body = s.from_base64(sealedCiphertext, s.base64_variants.URLSAFE_NO_PADDING);
  const out = new Uint8Array(head.length + body.length);
  out.set(head);
  out.set(body, head.length);
  return out;
}

export async function signMinutes(
  meetingId: string,
  what: 'final' | 'amendment',
  number: number,
  sealedCiphertext: string,
  ed25519PrivateKey: string,
): Promise<string> {
  return signDetached(await minutesSigningBytes(meetingId, what, number, sealedCiphertext), ed25519PrivateKey);
}

export async function verifyMinutes(
  meetingId: string,
  what: 'final' | 'amendment',
  number: number,
  sealedCiphertext: string,
  signature: string,
  ed25519PublicKey: string,
): Promise<boolean> {
  return verifyDetached(
    await minutesSigningBytes(meetingId, what, number, sealedCiphertext),
    signature,
    ed25519PublicKey,
  );
}
