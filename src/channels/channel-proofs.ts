import { canonicalJson } from '../common/canonical-json.js';

/**
 * The bytes the server checks signatures over, mirroring client/sdk/crypto/channel-crypto.ts and the
 * independent vectors in test/vectors/ (docs/protocol.md). The server builds them from what it knows
 * itself (the channel id from the URL, the epoch it stored), so a signature made for one channel or
 * epoch never verifies for another.
 */
export function epochAnnouncementBytes(a: {
  channelId: string;
  epoch: number;
  openerDeviceId: string;
  recipientDeviceIds: readonly string[];
  withheldDeviceIds: readonly string[];
  commitment: string;
}): Buffer {
  const body = canonicalJson({
    v: 2,
    type: 'epoch',
    channelId: a.channelId,
    epoch: a.epoch,
    openerDeviceId: a.openerDeviceId,
    recipients: [...a.recipientDeviceIds].sort(),
    withheld: [...a.withheldDeviceIds].sort(),
    commitment: a.commitment,
  });
  return Buffer.from(`strongroom-epoch:v2\n${body}`, 'utf8');
}

export interface MessageHeader {
  channelId: string;
  epoch: number;
  senderDeviceId: string;
  clientMessageId: string;
  /** The sender device's counter in the channel, the previous message's chain link, the sender's clock. */
  n: number;
  prev: string | null;
  sentAt: string;
  /** The latest message from another device the sender had seen; left out of the bytes when null. */
  seen: { seq: number; link: string } | null;
}

/** Header v2 (docs/protocol.md, "Messages"): the canonical JSON the sender signed and used as additional data. */
export function messageHeaderBytes(h: MessageHeader): Buffer {
  return Buffer.from(
    canonicalJson({
      v: 2,
      channelId: h.channelId,
      epoch: h.epoch,
      senderDeviceId: h.senderDeviceId,
      clientMessageId: h.clientMessageId,
      n: h.n,
      prev: h.prev,
      sentAt: h.sentAt,
      ...(h.seen ? { seen: { seq: h.seen.seq, link: h.seen.link } } : {}),
    }),
    'utf8',
  );
}

export function messageSigningBytes(h: MessageHeader, nonce: Buffer, ciphertext: Buffer): Buffer {
  const header = messageHeaderBytes(h);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(header.length);
  return Buffer.concat([Buffer.from('strongroom-msg:v2\n', 'utf8'), length, header, nonce, ciphertext]);
}
