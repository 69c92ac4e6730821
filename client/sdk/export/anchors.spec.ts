import { anchorsFromJson, isPublicKeyText, mergeAnchors } from './anchors.js';

const KEY_A = 'yZ4rN96TAC32gyanhUk81KpIfRpF-iEXqhBQSJI794E';
const KEY_B = 'A'.repeat(43);

describe('anchors for checking an export: keys held from outside it', () => {
  it('reads a JSON list of public keys', () => {
    expect(anchorsFromJson([KEY_A, KEY_B], 'in keys.json')).toEqual({
      keys: [
        { key: KEY_A, how: 'listed in keys.json' },
        { key: KEY_B, how: 'listed in keys.json' },
      ],
    });
  });

  it('reads a trust store file, saying whether each identity was compared by safety number', () => {
    const anchors = anchorsFromJson(
      {
        v: 2,
        identities: [
          { userId: 'u1', identityPublicKey: KEY_A, firstSeenAt: '2026-01-01T00:00:00Z', verifiedAt: null },
          {
            userId: 'u2',
            identityPublicKey: KEY_B,
            firstSeenAt: '2026-01-01T00:00:00Z',
            verifiedAt: '2026-02-03T10:00:00Z',
          },
        ],
        devices: [{ deviceId: 'd1', userId: 'u1', x25519PublicKey: KEY_B, ed25519PublicKey: KEY_A, firstSeenAt: 'x' }],
      },
      'on this computer',
    );
    expect(anchors?.identities?.map((i) => i.how)).toEqual([
      'identity pinned on this computer when first met (safety number not compared yet)',
      'identity pinned on this computer, safety number compared on 2026-02-03',
    ]);
    expect(anchors?.devices).toEqual([
      { deviceId: 'd1', userId: 'u1', ed25519PublicKey: KEY_A, how: 'device pinned on this computer when first met' },
    ]);
  });

  it('refuses anything else rather than trusting part of it', () => {
    for (const value of [null, 'x', {}, [KEY_A, 'short'], { v: 1, identities: [], devices: [] }, [{ key: KEY_A }]]) {
      expect(anchorsFromJson(value, 'in f')).toBeNull();
    }
    expect(
      anchorsFromJson({ v: 2, identities: [{ userId: 'u1', identityPublicKey: 'x' }], devices: [] }, 'in f'),
    ).toBeNull();
    // 43 characters whose last one carries bits beyond 32 bytes is not a key.
    expect(isPublicKeyText(KEY_A)).toBe(true);
    expect(isPublicKeyText(`${'A'.repeat(42)}B`)).toBe(false);
    expect(isPublicKeyText(`${KEY_A}A`)).toBe(false);
  });

  it('merges sources', () => {
    expect(mergeAnchors({ keys: [{ key: KEY_A, how: 'a' }] }, { keys: [{ key: KEY_B, how: 'b' }] }).keys).toHaveLength(
      2,
    );
  });
});
