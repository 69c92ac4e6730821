import type { StoredMessageView } from '../../contracts/messages.js';
import type { Message } from './entities/message.entity.js';

const b64 = (b: Buffer | null) => (b ? b.toString('base64url') : '');

/** The signed `seen` reference of a stored message, or null. */
export const seenOf = (m: Message): StoredMessageView['seen'] =>
  m.seenSeq !== null && m.seenLink ? { seq: Number(m.seenSeq), link: m.seenLink.toString('base64url') } : null;

/** A message as the API and the socket events show it: ciphertext and header, base64url; a tombstone's are empty. */
export function messageView(m: Message): StoredMessageView {
  return {
    id: m.id,
    seq: Number(m.seq),
    epoch: m.epoch,
    senderUserId: m.senderUserId,
    senderDeviceId: m.senderDeviceId,
    clientMessageId: m.clientMessageId,
    nonce: b64(m.nonce),
    ciphertext: b64(m.ciphertext),
    signature: b64(m.signature),
    n: m.n,
    prev: m.prev ? m.prev.toString('base64url') : null,
    sentAt: m.sentAt ? m.sentAt.toISOString() : null,
    seen: seenOf(m),
    createdAt: m.createdAt.toISOString(),
    expiresAt: m.expiresAt.toISOString(),
    deleted: m.deletedAt !== null,
  };
}
