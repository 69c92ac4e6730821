import { readFileSync } from 'node:fs';
import path from 'node:path';
import { canonicalize } from './audit-chain.js';
import { planSigningBytes, planTextHash, signPlan, verifyPlan } from './plan.js';

/** Written by test/vectors/protocol_v2_vectors.py with PyNaCl, from the text of docs/protocol.md ("Signed plan versions"). */
const { plan: v } = JSON.parse(
  readFileSync(path.join(__dirname, '../../../test/vectors/protocol-v2.json'), 'utf8'),
) as {
  plan: {
    familyId: string;
    signer: { ed25519: { publicKey: string; privateKey: string } };
    version: number;
    document: unknown;
    reviewOn: string;
    coveredMemberIds: string[];
    canonicalHex: string;
    textHash: string;
    sealed: string;
    signingBytesHex: string;
    signature: string;
  };
};
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const text = { document: v.document, reviewOn: v.reviewOn, coveredMemberIds: v.coveredMemberIds };

describe('plan versions signed over their text, review date and coverage (v1) against PyNaCl known answers', () => {
  it('builds the canonical text, text hash, signed bytes and signature PyNaCl built', async () => {
    const canonical = {
      coveredMemberIds: [...new Set(v.coveredMemberIds)].sort(),
      document: v.document,
      reviewOn: v.reviewOn,
    };
    expect(Buffer.from(canonicalize(canonical), 'utf8').toString('hex')).toBe(v.canonicalHex);
    expect(await planTextHash(text)).toBe(v.textHash);
    expect(hex(await planSigningBytes(v.familyId, v.version, v.textHash, v.sealed))).toBe(v.signingBytesHex);
    expect(await signPlan(v.familyId, v.version, v.textHash, v.sealed, v.signer.ed25519.privateKey)).toBe(v.signature);
    expect(await verifyPlan(v.familyId, v.version, v.textHash, v.sealed, v.signature, v.signer.ed25519.publicKey)).toBe(
      true,
    );
  });

  it('hashes coverage as a set, and differently for another member, review date or text', async () => {
    expect(await planTextHash({ ...text, coveredMemberIds: [...v.coveredMemberIds].reverse() })).toBe(v.textHash);
    const others = [
      { ...text, coveredMemberIds: v.coveredMemberIds.slice(0, 1) },
      { ...text, reviewOn: '2027-03-02' },
      { ...text, document: { objectives: [] } },
    ];
    for (const other of others) expect(await planTextHash(other)).not.toBe(v.textHash);
  });

  it('does not verify for another family, version, text hash or sealed bytes', async () => {
    const otherSealed = Buffer.from(v.sealed, 'base64url');
    otherSealed[0] ^= 1;
    const otherHash = await planTextHash({ ...text, reviewOn: '2099-01-01' });
    const wrong: [string, number, string, string][] = [
      ['00000000-0000-4000-8000-000000000000', v.version, v.textHash, v.sealed],
      [v.familyId, v.version + 1, v.textHash, v.sealed],
      [v.familyId, v.version, otherHash, v.sealed],
      [v.familyId, v.version, v.textHash, otherSealed.toString('base64url')],
      [v.familyId, v.version, 'AAAA', v.sealed],
    ];
    for (const [familyId, version, hash, sealed] of wrong) {
      expect(await verifyPlan(familyId, version, hash, sealed, v.signature, v.signer.ed25519.publicKey)).toBe(false);
    }
  });
});
