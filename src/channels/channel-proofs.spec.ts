import { readFileSync } from 'node:fs';
import path from 'node:path';
import { deviceSignatureBytes, verifyEd25519 } from '../identity/device-proof.js';
import { epochAnnouncementBytes, messageSigningBytes, type MessageHeader } from './channel-proofs.js';

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
  messageV2: {
    sender: { ed25519: { publicKey: string } };
    second: { header: MessageHeader };
    third: { header: MessageHeader; signingBytesHex: string; signature: string };
    nonce: string;
    ciphertext: string;
    signingBytesHex: string;
    signature: string;
  };
};
const b = (s: string) => Buffer.from(s, 'base64url');
const flipByte = (s: string, at: number) => {
  const bytes = b(s);
  bytes[at] ^= 1;
  return bytes.toString('base64url');
};

describe('server-side message checks against the PyNaCl vectors (header v2)', () => {
  const msg = v2.messageV2;
  const key = b(msg.sender.ed25519.publicKey);
  const signedWith = (h: MessageHeader) => messageSigningBytes(h, b(msg.nonce), b(msg.ciphertext));

  it('rebuilds the signed message bytes and verifies the signature with Node’s Ed25519', () => {
    expect(signedWith(msg.second.header).toString('hex')).toBe(msg.signingBytesHex);
    expect(verifyEd25519(key, signedWith(msg.second.header), b(msg.signature))).toBe(true);
  });

  it('does not verify the same signature for another channel, epoch, counter, link or time', () => {
    for (const moved of [
      { channelId: '00000000-0000-4000-8000-000000000000' },
      { epoch: 4 },
      { n: 3 },
      { prev: null },
      { sentAt: '2026-03-04T05:07:08.900Z' },
    ]) {
      expect(verifyEd25519(key, signedWith({ ...msg.second.header, ...moved }), b(msg.signature))).toBe(false);
    }
  });

  it('rebuilds a header that names the message its sender had seen, and refuses it with another one', () => {
    const third = msg.third;
    expect(signedWith(third.header).toString('hex')).toBe(third.signingBytesHex);
    expect(verifyEd25519(key, signedWith(third.header), b(third.signature))).toBe(true);
    for (const seen of [null, { ...third.header.seen!, seq: 40 }]) {
      expect(verifyEd25519(key, signedWith({ ...third.header, seen }), b(third.signature))).toBe(false);
    }
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
