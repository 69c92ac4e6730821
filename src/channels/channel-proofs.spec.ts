import { readFileSync } from 'node:fs';
import path from 'node:path';
import { deviceSignatureBytes, verifyEd25519 } from '../identity/device-proof.js';
import { epochAnnouncementBytes, messageSigningBytes } from './channel-proofs.js';

const vectors = JSON.parse(readFileSync(path.join(__dirname, '../../test/vectors/channel-v1.json'), 'utf8')) as {
  ed25519: { publicKey: string };
  header: { channelId: string; epoch: number; senderDeviceId: string; clientMessageId: string };
  nonce: string;
  ciphertext: string;
  signingBytesHex: string;
  signature: string;
};

interface Announcement {
  channelId: string;
  epoch: number;
  openerDeviceId: string;
  recipientDeviceIds: string[];
  withheldDeviceIds: string[];
  commitment: string;
}

/** Written by test/vectors/protocol_v2_vectors.py with PyNaCl, from the text of docs/protocol.md. */
const v2 = JSON.parse(readFileSync(path.join(__dirname, '../../test/vectors/protocol-v2.json'), 'utf8')) as {
  identity: { publicKey: string };
  device: {
    toSign: { userId: string; deviceId: string; x25519PublicKey: string; ed25519PublicKey: string };
    signatureBytesHex: string;
    signature: string;
  };
  epoch: {
    opener: { ed25519: { publicKey: string } };
    recipient: { deviceId: string };
    announcement: Announcement;
    announcementBytesHex: string;
    announcementSignature: string;
  };
};
const b = (s: string) => Buffer.from(s, 'base64url');
const flipByte = (s: string, at: number) => {
  const bytes = b(s);
  bytes[at] ^= 1;
  return bytes.toString('base64url');
};

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

describe('server-side v2 checks against the PyNaCl vectors', () => {
  const { announcement } = v2.epoch;
  const opener = b(v2.epoch.opener.ed25519.publicKey);
  const announcementVerifies = (a: Announcement) =>
    verifyEd25519(opener, epochAnnouncementBytes(a), b(v2.epoch.announcementSignature));

  it('rebuilds the epoch announcement whatever the order of recipients and withheld devices, and verifies it', () => {
    expect(epochAnnouncementBytes(announcement).toString('hex')).toBe(v2.epoch.announcementBytesHex);
    const reordered = {
      ...announcement,
      recipientDeviceIds: [...announcement.recipientDeviceIds].reverse(),
      withheldDeviceIds: [...announcement.withheldDeviceIds].reverse(),
    };
    expect(epochAnnouncementBytes(reordered).toString('hex')).toBe(v2.epoch.announcementBytesHex);
    expect(announcementVerifies(announcement)).toBe(true);
    expect(announcementVerifies(reordered)).toBe(true);
  });

  it('does not verify the announcement for another epoch, another split of devices or another commitment', () => {
    const [movedWithheld, ...stillWithheld] = announcement.withheldDeviceIds;
    for (const tampered of [
      { ...announcement, epoch: announcement.epoch + 1 },
      {
        ...announcement,
        recipientDeviceIds: [...announcement.recipientDeviceIds, movedWithheld],
        withheldDeviceIds: stillWithheld,
      },
      {
        ...announcement,
        recipientDeviceIds: announcement.recipientDeviceIds.filter((d) => d !== v2.epoch.recipient.deviceId),
      },
      { ...announcement, commitment: flipByte(announcement.commitment, 31) },
      { ...announcement, channelId: '00000000-0000-4000-8000-000000000000' },
    ]) {
      expect(announcementVerifies(tampered)).toBe(false);
    }
  });

  it('rebuilds the bytes an identity key signs to approve a device, and verifies the signature', () => {
    const signed = deviceSignatureBytes(v2.device.toSign);
    expect(signed.toString('hex')).toBe(v2.device.signatureBytesHex);
    expect(verifyEd25519(b(v2.identity.publicKey), signed, b(v2.device.signature))).toBe(true);
  });

  it('does not verify the device approval for another device, user, key, or under another identity', () => {
    const d = v2.device.toSign;
    const identity = b(v2.identity.publicKey);
    const signature = b(v2.device.signature);
    for (const tampered of [
      { ...d, deviceId: '00000000-0000-4000-8000-000000000000' },
      { ...d, userId: '00000000-0000-4000-8000-000000000000' },
      { ...d, x25519PublicKey: flipByte(d.x25519PublicKey, 0) },
      { ...d, ed25519PublicKey: d.x25519PublicKey, x25519PublicKey: d.ed25519PublicKey },
    ]) {
      expect(verifyEd25519(identity, deviceSignatureBytes(tampered), signature)).toBe(false);
    }
    expect(verifyEd25519(opener, deviceSignatureBytes(d), signature)).toBe(false);
  });
});
