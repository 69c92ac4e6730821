import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  decryptMessage,
  DecryptError,
  encryptMessage,
  EnvelopeError,
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
  epochKey: string;
  header: MessageHeader;
  headerBytesHex: string;
  content: { type: string; body: string };
  nonce: string;
  ciphertext: string;
  signingBytesHex: string;
  signature: string;
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
});

const flipByte = (b64: string, at: number) => {
  const b = bytes(b64);
  b[at] ^= 1;
  return Buffer.from(b).toString('base64url');
};

describe('channel crypto round trips and tampering', () => {
  const channelId = '0e9b4a52-63f1-4bb5-9d6e-2f8f3d1b7c10';

  it('an envelope opens only on its device, from its sender, for its channel and epoch', async () => {
    const [mine, theirs, sender] = await Promise.all([
      generateDeviceKeys(),
      generateDeviceKeys(),
      generateDeviceKeys(),
    ]);
    const myId = 'a1a1a1a1-0000-4000-8000-000000000001';
    const senderId = 'a2a2a2a2-0000-4000-8000-000000000002';
    const me = { deviceId: myId, x25519PrivateKey: mine.x25519.privateKey };
    const from = { deviceId: senderId, x25519PublicKey: sender.x25519.publicKey };
    const key = await newEpochKey();
    const sealed = await sealEpochKey(
      key,
      channelId,
      7,
      { deviceId: myId, x25519PublicKey: mine.x25519.publicKey },
      { deviceId: senderId, x25519PrivateKey: sender.x25519.privateKey },
    );
    expect(bytes(sealed)).toHaveLength(125);
    expect(hex(await openEpochKey(sealed, channelId, 7, me, from))).toBe(hex(key));
    await expect(
      openEpochKey(sealed, channelId, 7, { ...me, x25519PrivateKey: theirs.x25519.privateKey }, from),
    ).rejects.toBeInstanceOf(EnvelopeError);
    await expect(openEpochKey(sealed, channelId, 8, me, from)).rejects.toThrow('another channel, time period');
    await expect(openEpochKey(sealed, 'a0e9b4a5-63f1-4bb5-9d6e-2f8f3d1b7c10', 7, me, from)).rejects.toBeInstanceOf(
      EnvelopeError,
    );
    await expect(
      openEpochKey(sealed, channelId, 7, me, { ...from, x25519PublicKey: theirs.x25519.publicKey }),
    ).rejects.toThrow('not sent by the device that claims it');
    await expect(openEpochKey(flipByte(sealed, 40), channelId, 7, me, from)).rejects.toBeInstanceOf(EnvelopeError);
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

    for (const tampered of [
      { ...sealed, ciphertext: flipByte(sealed.ciphertext, 3) },
      { ...sealed, nonce: flipByte(sealed.nonce, 0) },
      { ...sealed, signature: flipByte(sealed.signature, 10) },
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
