import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  decryptMessage,
  DecryptError,
  encryptMessage,
  EnvelopeError,
  epochAnnouncementBytes,
  headerBytes,
  messageSigningBytes,
  newEpochKey,
  openEpochKey,
  sealEpochKey,
  signDetached,
  verifyDetached,
  type MessageHeader,
  type SealedMessage,
} from './channel-crypto.js';
import { generateDeviceKeys } from './device-keys.js';

/** Written by test/vectors/channel_vectors.py with PyNaCl: an implementation that shares no code with ours. */
const vectors = JSON.parse(readFileSync(path.join(__dirname, '../../../test/vectors/channel-v1.json'), 'utf8')) as {
  ed25519: { publicKey: string; privateKey: string };
  x25519: { publicKey: string; privateKey: string };
  epochKey: string;
  header: MessageHeader;
  headerBytesHex: string;
  content: { type: string; body: string };
  nonce: string;
  ciphertext: string;
  signingBytesHex: string;
  signature: string;
  announcement: { channelId: string; epoch: number; openerDeviceId: string; recipientDeviceIds: string[] };
  announcementBytesHex: string;
  announcementSignature: string;
  sealedEnvelope: string;
};

const bytes = (b64: string) => new Uint8Array(Buffer.from(b64, 'base64url'));
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const vectorMessage = (): SealedMessage => ({
  header: { ...vectors.header },
  nonce: vectors.nonce,
  ciphertext: vectors.ciphertext,
  signature: vectors.signature,
});

describe('channel crypto v1 against independent known answers (PyNaCl)', () => {
  it('lays out the header and the signed bytes exactly as specified', () => {
    expect(hex(headerBytes(vectors.header))).toBe(vectors.headerBytesHex);
    expect(hex(messageSigningBytes(vectors.header, bytes(vectors.nonce), bytes(vectors.ciphertext)))).toBe(
      vectors.signingBytesHex,
    );
  });

  it('encrypts and signs to the same bytes given the same nonce', async () => {
    const sealed = await encryptMessage(
      vectors.header,
      vectors.content,
      bytes(vectors.epochKey),
      vectors.ed25519.privateKey,
      bytes(vectors.nonce),
    );
    expect(sealed.ciphertext).toBe(vectors.ciphertext);
    expect(sealed.signature).toBe(vectors.signature);
  });

  it('decrypts the independent implementation’s message', async () => {
    await expect(decryptMessage(vectorMessage(), bytes(vectors.epochKey), vectors.ed25519.publicKey)).resolves.toEqual(
      vectors.content,
    );
  });

  it('signs the epoch announcement to the same bytes and signature', async () => {
    const announcement = epochAnnouncementBytes(vectors.announcement);
    expect(hex(announcement)).toBe(vectors.announcementBytesHex);
    expect(await signDetached(announcement, vectors.ed25519.privateKey)).toBe(vectors.announcementSignature);
  });

  it('opens an envelope sealed by the independent implementation', async () => {
    const key = await openEpochKey(
      vectors.sealedEnvelope,
      vectors.header.channelId,
      vectors.header.epoch,
      vectors.x25519,
    );
    expect(hex(key)).toBe(hex(bytes(vectors.epochKey)));
  });
});

describe('channel crypto v1 round trips and tampering', () => {
  const channelId = '0e9b4a52-63f1-4bb5-9d6e-2f8f3d1b7c10';

  it('an envelope opens only on its device, for its channel and epoch', async () => {
    const [mine, theirs] = await Promise.all([generateDeviceKeys(), generateDeviceKeys()]);
    const key = await newEpochKey();
    const sealed = await sealEpochKey(key, channelId, 7, mine.x25519.publicKey);
    expect(hex(await openEpochKey(sealed, channelId, 7, mine.x25519))).toBe(hex(key));
    await expect(openEpochKey(sealed, channelId, 7, theirs.x25519)).rejects.toBeInstanceOf(EnvelopeError);
    await expect(openEpochKey(sealed, channelId, 8, mine.x25519)).rejects.toThrow('not for epoch 8');
    await expect(openEpochKey(sealed, 'a0e9b4a5-63f1-4bb5-9d6e-2f8f3d1b7c10', 7, mine.x25519)).rejects.toBeInstanceOf(
      EnvelopeError,
    );
    const flipped = bytes(sealed);
    flipped[40] ^= 1;
    await expect(
      openEpochKey(Buffer.from(flipped).toString('base64url'), channelId, 7, mine.x25519),
    ).rejects.toBeInstanceOf(EnvelopeError);
  });

  it('a message round-trips, and one flipped byte anywhere, or a moved header, fails', async () => {
    const sender = await generateDeviceKeys();
    const key = await newEpochKey();
    const header: MessageHeader = {
      v: 1,
      channelId,
      epoch: 2,
      senderDeviceId: 'd1d1d1d1-0000-4000-8000-000000000001',
      clientMessageId: 'c1c1c1c1-0000-4000-8000-000000000001',
    };
    const sealed = await encryptMessage(header, { type: 'text', body: 'hello' }, key, sender.ed25519.privateKey);
    await expect(decryptMessage(sealed, key, sender.ed25519.publicKey)).resolves.toEqual({
      type: 'text',
      body: 'hello',
    });

    const flip = (b64: string, at: number) => {
      const b = bytes(b64);
      b[at] ^= 1;
      return Buffer.from(b).toString('base64url');
    };
    for (const tampered of [
      { ...sealed, ciphertext: flip(sealed.ciphertext, 3) },
      { ...sealed, nonce: flip(sealed.nonce, 0) },
      { ...sealed, signature: flip(sealed.signature, 10) },
      { ...sealed, header: { ...header, epoch: 3 } },
      { ...sealed, header: { ...header, channelId: 'f0f0f0f0-0000-4000-8000-000000000000' } },
    ]) {
      await expect(decryptMessage(tampered, key, sender.ed25519.publicKey)).rejects.toBeInstanceOf(DecryptError);
    }
    const other = await generateDeviceKeys();
    await expect(decryptMessage(sealed, key, other.ed25519.publicKey)).rejects.toThrow('signature');
    await expect(decryptMessage(sealed, await newEpochKey(), sender.ed25519.publicKey)).rejects.toThrow('decrypt');
  });

  it('verifies detached signatures and rejects garbage without throwing', async () => {
    const k = await generateDeviceKeys();
    const msg = new TextEncoder().encode('x');
    const sig = await signDetached(msg, k.ed25519.privateKey);
    expect(await verifyDetached(msg, sig, k.ed25519.publicKey)).toBe(true);
    expect(await verifyDetached(new TextEncoder().encode('y'), sig, k.ed25519.publicKey)).toBe(false);
    expect(await verifyDetached(msg, 'not-a-signature', k.ed25519.publicKey)).toBe(false);
  });
});
