import { readFileSync } from 'node:fs';
import path from 'node:path';
import { verifyEd25519 } from '../identity/device-proof.js';
import { messageSigningBytes } from './channel-proofs.js';

const vectors = JSON.parse(readFileSync(path.join(__dirname, '../../test/vectors/channel-v1.json'), 'utf8')) as {
  ed25519: { publicKey: string };
  header: { channelId: string; epoch: number; senderDeviceId: string; clientMessageId: string };
  nonce: string;
  ciphertext: string;
  signingBytesHex: string;
  signature: string;
};
const b = (s: string) => Buffer.from(s, 'base64url');

describe('server-side signature checks against the PyNaCl vectors', () => {
  it('rebuilds the signed message bytes and verifies the signature with Node’s Ed25519', () => {
    const signed = messageSigningBytes(vectors.header, b(vectors.nonce), b(vectors.ciphertext));
    expect(signed.toString('hex')).toBe(vectors.signingBytesHex);
    expect(verifyEd25519(b(vectors.ed25519.publicKey), signed, b(vectors.signature))).toBe(true);
  });

  it('does not verify the same signature for another channel or epoch (no replay)', () => {
    const moved = messageSigningBytes(
      { ...vectors.header, channelId: '00000000-0000-4000-8000-000000000000' },
      b(vectors.nonce),
      b(vectors.ciphertext),
    );
    expect(verifyEd25519(b(vectors.ed25519.publicKey), moved, b(vectors.signature))).toBe(false);
    const otherEpoch = messageSigningBytes({ ...vectors.header, epoch: 4 }, b(vectors.nonce), b(vectors.ciphertext));
    expect(verifyEd25519(b(vectors.ed25519.publicKey), otherEpoch, b(vectors.signature))).toBe(false);
  });
});
