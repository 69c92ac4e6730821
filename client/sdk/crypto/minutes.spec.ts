import { readFileSync } from 'node:fs';
import path from 'node:path';
import { canonicalize } from './audit-chain.js';
import { minutesSigningBytes, minutesTextHash, signMinutes, verifyMinutes } from './minutes.js';

interface SignedMinutesVector {
  kind: 'final' | 'amendment';
  number: number;
  document: unknown;
  canonicalHex: string;
  textHash: string;
  sealed: string;
  signingBytesHex: string;
  signature: string;
}

/** Written by test/vectors/protocol_v2_vectors.py with PyNaCl, from the text of docs/protocol.md ("Signed minutes"). */
const { minutes } = JSON.parse(
  readFileSync(path.join(__dirname, '../../../test/vectors/protocol-v2.json'), 'utf8'),
) as {
  minutes: {
    meetingId: string;
    signer: { ed25519: { publicKey: string; privateKey: string } };
    final: SignedMinutesVector;
    amendment: SignedMinutesVector;
  };
};

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const { meetingId, signer } = minutes;
const cases = [minutes.final, minutes.amendment];

describe('minutes signed over their text (v2) against independent known answers (PyNaCl)', () => {
  it.each(cases.map((v) => [v.kind, v]))('%s: canonical text, text hash, signed bytes and signature', async (_k, v) => {
    expect(Buffer.from(canonicalize(v.document), 'utf8').toString('hex')).toBe(v.canonicalHex);
    expect(await minutesTextHash(v.document)).toBe(v.textHash);
    expect(hex(await minutesSigningBytes(meetingId, v.kind, v.number, v.textHash, v.sealed))).toBe(v.signingBytesHex);
    // Ed25519 is deterministic: the SDK signs to exactly PyNaCl's signature.
    expect(await signMinutes(meetingId, v.kind, v.number, v.textHash, v.sealed, signer.ed25519.privateKey)).toBe(
      v.signature,
    );
    expect(
      await verifyMinutes(meetingId, v.kind, v.number, v.textHash, v.sealed, v.signature, signer.ed25519.publicKey),
    ).toBe(true);
  });

  it('does not verify for an edited text, another meeting, kind or number, or other sealed bytes', async () => {
    const v = minutes.final;
    const edited = JSON.parse(JSON.stringify(v.document)) as { familyVoice: string };
    edited.familyVoice += '.';
    const editedHash = await minutesTextHash(edited);
    expect(editedHash).not.toBe(v.textHash);
    const otherSealed = Buffer.from(v.sealed, 'base64url');
    otherSealed[0] ^= 1;
    const wrong: [string, 'final' | 'amendment', number, string, string][] = [
      [meetingId, 'final', v.number, editedHash, v.sealed],
      ['00000000-0000-4000-8000-000000000000', 'final', v.number, v.textHash, v.sealed],
      [meetingId, 'amendment', v.number, v.textHash, v.sealed],
      [meetingId, 'final', v.number + 1, v.textHash, v.sealed],
      [meetingId, 'final', v.number, v.textHash, otherSealed.toString('base64url')],
    ];
    for (const [id, kind, n, hash, sealed] of wrong) {
      expect(await verifyMinutes(id, kind, n, hash, sealed, v.signature, signer.ed25519.publicKey)).toBe(false);
    }
    // The key order of the document does not matter; its content does.
    const reordered = { familyVoice: (v.document as { familyVoice: string }).familyVoice, ...(v.document as object) };
    expect(await minutesTextHash(reordered)).toBe(v.textHash);
    // A text hash that is not 32 bytes is refused, not padded.
    expect(
      await verifyMinutes(meetingId, 'final', v.number, 'AAAA', v.sealed, v.signature, signer.ed25519.publicKey),
    ).toBe(false);
  });
});
