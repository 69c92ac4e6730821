import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  decryptMessage,
  DecryptError,
  decryptTitle,
  encryptField,
  encryptMessage,
  encryptTitle,
  EnvelopeError,
  epochAnnouncementBytes,
  epochCommitment,
  headerBytes,
  messageChainLink,
  messageSigningBytes,
  newEpochKey,
  openEpochKey,
  openUnder,
  padBody,
  paddedSize,
  sealEpochKey,
  sealUnder,
  signDetached,
  unpadBody,
  verifyDetached,
  type EpochAnnouncement,
  type MessageHeader,
  type SealedMessage,
} from './channel-crypto.js';
import { generateDeviceKeys } from './device-keys.js';
import { sodium } from './sodium.js';

const bytes = (b64: string) => new Uint8Array(Buffer.from(b64, 'base64url'));
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** Header v2 (signed order), written by test/vectors/protocol_v2_vectors.py with PyNaCl from docs/protocol.md. */
const msg = (
  JSON.parse(readFileSync(path.join(__dirname, '../../../test/vectors/protocol-v2.json'), 'utf8')) as {
    messageV2: {
      sender: { ed25519: { publicKey: string; privateKey: string } };
      first: { header: MessageHeader; headerBytesHex: string; link: string };
      second: { header: MessageHeader; headerBytesHex: string; link: string };
      nonce: string;
      ciphertext: string;
      signingBytesHex: string;
      signature: string;
      answered: { header: MessageHeader; link: string };
      third: {
        header: MessageHeader;
        headerBytesHex: string;
        link: string;
        signingBytesHex: string;
        signature: string;
      };
    };
  }
).messageV2;

describe('message header v2 against independent known answers (PyNaCl)', () => {
  it('lays out the header, the signed bytes and the chain link exactly as specified', async () => {
    expect(hex(headerBytes(msg.first.header))).toBe(msg.first.headerBytesHex);
    expect(hex(headerBytes(msg.second.header))).toBe(msg.second.headerBytesHex);
    expect(await messageChainLink(msg.first.header)).toBe(msg.first.link);
    expect(msg.second.header.prev).toBe(msg.first.link);
    expect(await messageChainLink(msg.second.header)).toBe(msg.second.link);
    expect(hex(messageSigningBytes(msg.second.header, bytes(msg.nonce), bytes(msg.ciphertext)))).toBe(
      msg.signingBytesHex,
    );
  });

  it('signs to the same signature, and it verifies only for the same counter, link and time', async () => {
    const signed = messageSigningBytes(msg.second.header, bytes(msg.nonce), bytes(msg.ciphertext));
    expect(await signDetached(signed, msg.sender.ed25519.privateKey)).toBe(msg.signature);
    for (const moved of [{ n: 3 }, { prev: null }, { sentAt: '2026-03-04T05:07:08.900Z' }]) {
      const other = messageSigningBytes({ ...msg.second.header, ...moved }, bytes(msg.nonce), bytes(msg.ciphertext));
      expect(await verifyDetached(other, msg.signature, msg.sender.ed25519.publicKey)).toBe(false);
    }
  });

  it('names the message its sender had seen in the header, and leaves the member out when there is none', async () => {
    const { third, answered } = msg;
    expect(third.header.seen).toEqual({ seq: 41, link: await messageChainLink(answered.header) });
    expect(await messageChainLink(answered.header)).toBe(answered.link);
    expect(hex(headerBytes(third.header))).toBe(third.headerBytesHex);
    expect(await messageChainLink(third.header)).toBe(third.link);
    const signed = messageSigningBytes(third.header, bytes(msg.nonce), bytes(msg.ciphertext));
    expect(hex(signed)).toBe(third.signingBytesHex);
    expect(await signDetached(signed, msg.sender.ed25519.privateKey)).toBe(third.signature);
    // A null `seen` is written as no member at all: the bytes of a header from before it existed.
    expect(hex(headerBytes({ ...msg.second.header, seen: null }))).toBe(msg.second.headerBytesHex);
    for (const seen of [null, { ...third.header.seen!, seq: 40 }, { seq: 41, link: msg.second.link }]) {
      const other = messageSigningBytes({ ...third.header, seen }, bytes(msg.nonce), bytes(msg.ciphertext));
      expect(await verifyDetached(other, third.signature, msg.sender.ed25519.publicKey)).toBe(false);
    }
  });
});

/** A padded body sealed by the independent implementation, and what it holds. */
interface PaddedVector {
  channelId: string;
  epoch: number;
  adHex: string;
  nonce: string;
  plaintextHex: string;
  sealed: string;
}

/**
 * Written by test/vectors/protocol_v2_vectors.py with PyNaCl, from the text of docs/protocol.md ("Epochs",
 * "Padding").
 */
const v2File = JSON.parse(readFileSync(path.join(__dirname, '../../../test/vectors/protocol-v2.json'), 'utf8')) as {
  epoch: {
    channelId: string;
    epoch: number;
    key: string;
    commitment: string;
    opener: {
      deviceId: string;
      x25519: { publicKey: string; privateKey: string };
      ed25519: { publicKey: string; privateKey: string };
    };
    recipient: { deviceId: string; x25519: { publicKey: string; privateKey: string } };
    envelopeNonce: string;
    envelopePlaintextHex: string;
    envelope: string;
    announcement: EpochAnnouncement;
    announcementBytesHex: string;
    announcementSignature: string;
  };
  padding: {
    paddedSizes: { contentLength: number; paddedLength: number }[];
    field: PaddedVector & {
      purpose: string;
      key: string;
      value: unknown;
      refused: { why: string; plaintextHex: string; sealed: string }[];
    };
    title: PaddedVector & { title: string };
    message: {
      header: MessageHeader;
      content: { type: string; body: string };
      ed25519: { publicKey: string; privateKey: string };
      nonce: string;
      plaintextHex: string;
      ciphertext: string;
      signingBytesHex: string;
      signature: string;
    };
  };
};
const v2 = v2File.epoch;

const flipByte = (b64: string, at: number) => {
  const b = bytes(b64);
  b[at] ^= 1;
  return Buffer.from(b).toString('base64url');
};

describe('channel crypto v2 epochs against independent known answers (PyNaCl)', () => {
  const { channelId, epoch, opener, recipient } = v2;
  const key = bytes(v2.key);
  const me = { deviceId: recipient.deviceId, x25519PrivateKey: recipient.x25519.privateKey };
  const from = { deviceId: opener.deviceId, x25519PublicKey: opener.x25519.publicKey };
  const third = v2.announcement.recipientDeviceIds.find((d) => d !== opener.deviceId && d !== recipient.deviceId)!;

  it('commits to the epoch key as specified, and differently for another epoch, channel or key', async () => {
    expect(await epochCommitment(key, channelId, epoch)).toBe(v2.commitment);
    expect(await epochCommitment(key, channelId, epoch + 1)).not.toBe(v2.commitment);
    expect(await epochCommitment(key, recipient.deviceId, epoch)).not.toBe(v2.commitment);
    expect(await epochCommitment(await newEpochKey(), channelId, epoch)).not.toBe(v2.commitment);
  });

  it('seals the envelope to the same bytes given the same nonce', async () => {
    const envelope = await sealEpochKey(
      key,
      channelId,
      epoch,
      { deviceId: recipient.deviceId, x25519PublicKey: recipient.x25519.publicKey },
      { deviceId: opener.deviceId, x25519PrivateKey: opener.x25519.privateKey },
      bytes(v2.envelopeNonce),
    );
    expect(envelope).toBe(v2.envelope);
    expect(bytes(envelope)).toHaveLength(125);
  });

  it('opens the independent implementation’s envelope to the key its commitment names', async () => {
    const opened = await openEpochKey(v2.envelope, channelId, epoch, me, from);
    expect(hex(opened)).toBe(hex(key));
    expect(hex(opened)).toBe(v2.envelopePlaintextHex.slice(-64));
    expect(await epochCommitment(opened, channelId, epoch)).toBe(v2.commitment);
    // One flipped byte of the commitment and the opened key no longer matches it.
    expect(await epochCommitment(opened, channelId, epoch)).not.toBe(flipByte(v2.commitment, 0));
  });

  it('refuses the envelope for another epoch or channel, as another recipient, or from another sender', async () => {
    const stranger = await generateDeviceKeys();
    const attempts: [string, () => Promise<Uint8Array>][] = [
      ['other epoch', () => openEpochKey(v2.envelope, channelId, epoch + 1, me, from)],
      ['other channel', () => openEpochKey(v2.envelope, third, epoch, me, from)],
      // The recipient's key, but claimed for another recipient device.
      ['other recipient device', () => openEpochKey(v2.envelope, channelId, epoch, { ...me, deviceId: third }, from)],
      // Opened with another device's X25519 key: the box does not open.
      [
        'wrong recipient key',
        () =>
          openEpochKey(v2.envelope, channelId, epoch, { ...me, x25519PrivateKey: stranger.x25519.privateKey }, from),
      ],
      // Attributed to another sender device, with the opener's key or with another key.
      [
        'sender device named wrongly',
        () => openEpochKey(v2.envelope, channelId, epoch, me, { ...from, deviceId: third }),
      ],
      [
        'wrong sender key',
        () => openEpochKey(v2.envelope, channelId, epoch, me, { ...from, x25519PublicKey: stranger.x25519.publicKey }),
      ],
      // Ends swapped: the box itself opens (both ends derive the same shared key), so only the device ids
      // in the plaintext stop an envelope sent by A to B being taken as one sent by B to A.
      [
        'ends swapped',
        () =>
          openEpochKey(
            v2.envelope,
            channelId,
            epoch,
            { deviceId: opener.deviceId, x25519PrivateKey: opener.x25519.privateKey },
            { deviceId: recipient.deviceId, x25519PublicKey: recipient.x25519.publicKey },
          ),
      ],
      ['flipped nonce byte', () => openEpochKey(flipByte(v2.envelope, 3), channelId, epoch, me, from)],
      ['flipped box byte', () => openEpochKey(flipByte(v2.envelope, 60), channelId, epoch, me, from)],
    ];
    for (const [what, attempt] of attempts) {
      await expect(attempt().then(() => what)).rejects.toBeInstanceOf(EnvelopeError);
    }
  });

  it('signs the announcement, given recipients and withheld devices in any order, to the same bytes and signature', async () => {
    const bytesOf = (a: EpochAnnouncement) => hex(epochAnnouncementBytes(a));
    expect(bytesOf(v2.announcement)).toBe(v2.announcementBytesHex);
    expect(
      bytesOf({
        ...v2.announcement,
        recipientDeviceIds: [...v2.announcement.recipientDeviceIds].reverse(),
        withheldDeviceIds: [...v2.announcement.withheldDeviceIds].reverse(),
      }),
    ).toBe(v2.announcementBytesHex);
    const signed = epochAnnouncementBytes(v2.announcement);
    expect(await signDetached(signed, opener.ed25519.privateKey)).toBe(v2.announcementSignature);
    expect(await verifyDetached(signed, v2.announcementSignature, opener.ed25519.publicKey)).toBe(true);
  });

  it('does not verify the announcement for another epoch, other recipients or another commitment', async () => {
    const a = v2.announcement;
    const [movedWithheld, ...stillWithheld] = a.withheldDeviceIds;
    const tampered: EpochAnnouncement[] = [
      { ...a, epoch: a.epoch + 1 },
      { ...a, recipientDeviceIds: [...a.recipientDeviceIds, movedWithheld], withheldDeviceIds: stillWithheld },
      { ...a, recipientDeviceIds: a.recipientDeviceIds.filter((d) => d !== recipient.deviceId) },
      { ...a, withheldDeviceIds: [] },
      { ...a, commitment: flipByte(a.commitment, 5) },
      { ...a, openerDeviceId: recipient.deviceId },
    ];
    for (const t of tampered) {
      expect(await verifyDetached(epochAnnouncementBytes(t), v2.announcementSignature, opener.ed25519.publicKey)).toBe(
        false,
      );
    }
  });
});

describe('padded bodies against independent known answers (PyNaCl)', () => {
  const { paddedSizes, field, title, message } = v2File.padding;
  const key = bytes(field.key);
  const utf8 = (text: string) => new TextEncoder().encode(text);
  const fromHex = (h: string) => new Uint8Array(Buffer.from(h, 'hex'));

  it('pads to the smallest of 64, 128, 256, 512 and 1024 bytes that holds the body, then to multiples of 1024', () => {
    expect(paddedSizes.length).toBeGreaterThan(10);
    for (const { contentLength, paddedLength } of paddedSizes) {
      // 0x02 ‖ content ‖ 0x80: two bytes more than the content, always.
      expect([contentLength, paddedSize(contentLength + 2)]).toEqual([contentLength, paddedLength]);
      expect([contentLength, padBody(new Uint8Array(contentLength)).length]).toEqual([contentLength, paddedLength]);
    }
  });

  it('seals a sealed field’s padded body to the same bytes given the same nonce, and opens it', async () => {
    const body = utf8(JSON.stringify(field.value));
    expect(hex(padBody(body))).toBe(field.plaintextHex);
    expect(await sealUnder(body, fromHex(field.adHex), key, bytes(field.nonce))).toBe(field.sealed);
    expect(JSON.parse(await openUnder(field.sealed, fromHex(field.adHex), key, 'family member'))).toEqual(field.value);
    expect(bytes(field.sealed)).toHaveLength(24 + 16 + 64);
  });

  it('refuses a sealed body that authenticates but is padded wrongly, or has an unknown version', async () => {
    expect(field.refused.map((r) => r.why)).toEqual([
      'no 0x80 marker',
      'a non-zero byte after the marker',
      'only zeros after the version byte',
      'an unknown body version',
    ]);
    for (const r of field.refused) {
      expect([r.why, unpadBody(fromHex(r.plaintextHex))]).toEqual([r.why, null]);
      await expect(
        openUnder(r.sealed, fromHex(field.adHex), key, 'family member').catch((e: Error) => e),
      ).resolves.toEqual(new DecryptError('The family member is not in a form this app can read.'));
    }
  });

  it('seals and opens a channel title padded as specified', async () => {
    expect(hex(padBody(utf8(title.title)))).toBe(title.plaintextHex);
    expect(await sealUnder(utf8(title.title), fromHex(title.adHex), key, bytes(title.nonce))).toBe(title.sealed);
    expect(await decryptTitle(title.sealed, title.channelId, title.epoch, key)).toBe(title.title);
  });

  it('encrypts and signs a message with a padded body to the same bytes given the same nonce, and decrypts it', async () => {
    const sealed = await encryptMessage(
      message.header,
      message.content,
      key,
      message.ed25519.privateKey,
      bytes(message.nonce),
    );
    expect(sealed.ciphertext).toBe(message.ciphertext);
    expect(sealed.signature).toBe(message.signature);
    expect(hex(messageSigningBytes(message.header, bytes(message.nonce), bytes(message.ciphertext)))).toBe(
      message.signingBytesHex,
    );
    await expect(
      decryptMessage(
        { header: message.header, nonce: message.nonce, ciphertext: message.ciphertext, signature: message.signature },
        key,
        message.ed25519.publicKey,
      ),
    ).resolves.toEqual(message.content);
  });
});

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
      v: 2,
      channelId,
      epoch: 2,
      senderDeviceId: 'd1d1d1d1-0000-4000-8000-000000000001',
      clientMessageId: 'c1c1c1c1-0000-4000-8000-000000000001',
      n: 4,
      prev: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      sentAt: '2026-03-04T05:06:07.089Z',
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
      { ...sealed, header: { ...header, n: 5 } },
      { ...sealed, header: { ...header, prev: null } },
      { ...sealed, header: { ...header, sentAt: '2026-03-04T08:06:07.089Z' } },
    ]) {
      await expect(decryptMessage(tampered, key, sender.ed25519.publicKey)).rejects.toBeInstanceOf(DecryptError);
    }
    const other = await generateDeviceKeys();
    await expect(decryptMessage(sealed, key, other.ed25519.publicKey)).rejects.toThrow('signature');
    await expect(decryptMessage(sealed, await newEpochKey(), sender.ed25519.publicKey)).rejects.toThrow('decrypt');
  });

  it('seals names, titles and messages of different lengths to the same size within a bucket', async () => {
    const key = await newEpochKey();
    const sender = await generateDeviceKeys();
    const size = (b64: string) => bytes(b64).length;
    const [short, long] = await Promise.all([
      encryptField({ name: 'Al' }, 'family-member', channelId, 4, key, { recordId: channelId }),
      encryptField({ name: 'Maximiliana Ødegaard-Fairweather' }, 'family-member', channelId, 4, key, {
        recordId: channelId,
      }),
    ]);
    expect([size(short), size(long)]).toEqual([24 + 16 + 64, 24 + 16 + 64]);
    const titles = await Promise.all(
      ['Ann', 'The Ødegaard-Fairweather family, EH-2026-0042'].map((t) => encryptTitle(t, channelId, 4, key)),
    );
    expect(titles.map(size)).toEqual([24 + 16 + 64, 24 + 16 + 64]);
    const header = (n: number): MessageHeader => ({
      v: 2,
      channelId,
      epoch: 4,
      senderDeviceId: 'd1d1d1d1-0000-4000-8000-000000000001',
      clientMessageId: `c1c1c1c1-0000-4000-8000-00000000000${n}`,
      n: n + 1,
      prev: null,
      sentAt: '2026-12-02T10:00:00.000Z',
    });
    const messages = await Promise.all(
      [
        'Running ten minutes late, start without me',
        'Home visit on Tuesday with the family support worker and the school nurse',
      ].map((body, i) => encryptMessage(header(i), { type: 'text', body }, key, sender.ed25519.privateKey)),
    );
    expect(messages.map((m) => size(m.ciphertext))).toEqual([16 + 128, 16 + 128]);
    // A longer one moves to the next size, and still opens.
    const big = await encryptMessage(
      header(3),
      { type: 'text', body: 'x'.repeat(1100) },
      key,
      sender.ed25519.privateKey,
    );
    expect(size(big.ciphertext)).toBe(16 + 2048);
    await expect(decryptMessage(big, key, sender.ed25519.publicKey)).resolves.toEqual({
      type: 'text',
      body: 'x'.repeat(1100),
    });
    expect(await decryptTitle(titles[1], channelId, 4, key)).toBe('The Ødegaard-Fairweather family, EH-2026-0042');
  });

  it('refuses a signed message whose padded body has no 0x80 marker, and reads an unpadded one', async () => {
    const s = await sodium();
    const sender = await generateDeviceKeys();
    const key = await newEpochKey();
    const header: MessageHeader = {
      v: 2,
      channelId,
      epoch: 5,
      senderDeviceId: 'd1d1d1d1-0000-4000-8000-000000000001',
      clientMessageId: 'c1c1c1c1-0000-4000-8000-000000000009',
      n: 1,
      prev: null,
      sentAt: '2026-12-02T10:00:00.000Z',
    };
    // Sealed and signed properly by the sender, with the body given here.
    const sealWith = async (body: Uint8Array): Promise<SealedMessage> => {
      const nonce = s.randombytes_buf(24);
      const ciphertext = s.crypto_aead_xchacha20poly1305_ietf_encrypt(body, headerBytes(header), null, nonce, key);
      const signature = await signDetached(messageSigningBytes(header, nonce, ciphertext), sender.ed25519.privateKey);
      const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64url');
      return { header, nonce: b64(nonce), ciphertext: b64(ciphertext), signature };
    };
    const json = new TextEncoder().encode(JSON.stringify({ type: 'text', body: 'hi' }));
    const good = padBody(json);
    await expect(decryptMessage(await sealWith(good), key, sender.ed25519.publicKey)).resolves.toEqual({
      type: 'text',
      body: 'hi',
    });
    const unpadded = new Uint8Array([1, ...json]);
    await expect(decryptMessage(await sealWith(unpadded), key, sender.ed25519.publicKey)).resolves.toEqual({
      type: 'text',
      body: 'hi',
    });
    const noMarker = good.slice();
    noMarker[json.length + 1] = 0;
    await expect(decryptMessage(await sealWith(noMarker), key, sender.ed25519.publicKey)).rejects.toThrow(
      'not in a form this app can read',
    );
    const junkAfter = good.slice();
    junkAfter[good.length - 1] = 7;
    await expect(decryptMessage(await sealWith(junkAfter), key, sender.ed25519.publicKey)).rejects.toBeInstanceOf(
      DecryptError,
    );
  });

  it('unpads only a version 1 body or a version 2 body with one 0x80 then zeros', () => {
    const content = new Uint8Array([0x7b, 0x80, 0x00, 0x7d]); // a 0x80 inside the content is kept
    expect(Array.from(unpadBody(padBody(content))!)).toEqual(Array.from(content));
    expect(Array.from(unpadBody(new Uint8Array([1, 5, 0, 0]))!)).toEqual([5, 0, 0]);
    expect(unpadBody(new Uint8Array([2, 5, 0x80]))).not.toBeNull(); // not at a size: the reader does not mind
    for (const bad of [[2, 5, 0x80, 1], [2, 5, 0, 0], [2], [2, 0, 0], [3, 5, 0x80, 0], []]) {
      expect([bad, unpadBody(new Uint8Array(bad))]).toEqual([bad, null]);
    }
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
