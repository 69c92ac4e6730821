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
}

export function messageSigningBytes(h: MessageHeader, nonce: Buffer, ciphertext: Buffer): Buffer {
  const header = Buffer.from(
    canonicalJson({
      v: 1,
      channelId: h.channelId,
      epoch: h.epoch,
      senderDeviceId: h.senderDeviceId,
      clientMessageId: h.clientMessageId,
    }),
    'utf8',
  );
  const length = Buffer.alloc(4);
  length.writeUInt32BE(header.length);
  return Buffer.concat([Buffer.from('strongroom-msg:v1\n', 'utf8'), length, header, nonce, ciphertext]);
}
