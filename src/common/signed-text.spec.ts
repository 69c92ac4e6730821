import { readFileSync } from 'node:fs';
import path from 'node:path';
import { verifyEd25519 } from '../identity/device-proof.js';
import { minutesSigningBytes, planSigningBytes } from './signed-text.js';

interface SignedMinutesVector {
  kind: 'final' | 'amendment';
  number: number;
  textHash: string;
  sealed: string;
  signingBytesHex: string;
  signature: string;
}

/** Written by test/vectors/protocol_v2_vectors.py with PyNaCl, from the text of docs/protocol.md ("Signed records"). */
const { minutes, plan } = JSON.parse(
  readFileSync(path.join(__dirname, '../../test/vectors/protocol-v2.json'), 'utf8'),
) as {
  minutes: {
    meetingId: string;
    signer: { ed25519: { publicKey: string } };
    final: SignedMinutesVector;
    amendment: SignedMinutesVector;
  };
  plan: {
    familyId: string;
    signer: { ed25519: { publicKey: string } };
    version: number;
    textHash: string;
    sealed: string;
    signingBytesHex: string;
    signature: string;
  };
};
const b = (s: string) => Buffer.from(s, 'base64url');
const key = b(minutes.signer.ed25519.publicKey);

describe('the server’s check of signed minutes (v2) against the PyNaCl vectors', () => {
  it.each([minutes.final, minutes.amendment].map((v) => [v.kind, v]))(
    '%s: rebuilds the signed bytes from the text hash the client sends and verifies with Node’s Ed25519',
    (_k, v) => {
      const signed = minutesSigningBytes(minutes.meetingId, v.kind, v.number, b(v.textHash), b(v.sealed));
      expect(signed.toString('hex')).toBe(v.signingBytesHex);
      expect(verifyEd25519(key, signed, b(v.signature))).toBe(true);
    },
  );

  it('refuses the signature with another text hash (the text was changed) or under another kind', () => {
    const v = minutes.final;
    const otherHash = b(v.textHash);
    otherHash[31] ^= 1;
    expect(
      verifyEd25519(
        key,
        minutesSigningBytes(minutes.meetingId, 'final', v.number, otherHash, b(v.sealed)),
        b(v.signature),
      ),
    ).toBe(false);
    expect(
      verifyEd25519(
        key,
        minutesSigningBytes(minutes.meetingId, 'amendment', v.number, b(v.textHash), b(v.sealed)),
        b(v.signature),
      ),
    ).toBe(false);
    expect(() =>
      minutesSigningBytes(minutes.meetingId, 'final', v.number, otherHash.subarray(1), b(v.sealed)),
    ).toThrow();
  });
});

describe('the server’s check of signed plan versions (v1) against the PyNaCl vectors', () => {
  const planKey = b(plan.signer.ed25519.publicKey);

  it('rebuilds the signed bytes from the text hash the client sends and verifies with Node’s Ed25519', () => {
    const signed = planSigningBytes(plan.familyId, plan.version, b(plan.textHash), b(plan.sealed));
    expect(signed.toString('hex')).toBe(plan.signingBytesHex);
    expect(verifyEd25519(planKey, signed, b(plan.signature))).toBe(true);
  });

  it('refuses it for another version or family, a minutes signature with the same bytes, or a short hash', () => {
    const [hash, sealed, sig] = [b(plan.textHash), b(plan.sealed), b(plan.signature)];
    expect(verifyEd25519(planKey, planSigningBytes(plan.familyId, plan.version + 1, hash, sealed), sig)).toBe(false);
    expect(verifyEd25519(planKey, planSigningBytes(minutes.meetingId, plan.version, hash, sealed), sig)).toBe(false);
    expect(verifyEd25519(planKey, minutesSigningBytes(plan.familyId, 'final', plan.version, hash, sealed), sig)).toBe(
      false,
    );
    expect(() => planSigningBytes(plan.familyId, plan.version, hash.subarray(1), sealed)).toThrow();
  });
});
