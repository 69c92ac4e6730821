import { z } from 'zod';
import { base64url, epochNumber, timestamp } from './common.js';

/**
 * A sealed message as the SDK sends it (DESIGN.md §3). The ciphertext's size is checked against
 * MESSAGE_MAX_BYTES by the server (413), after the shape is known to be right.
 */
export const sendMessageSchema = z.strictObject({
  epoch: epochNumber,
  senderDeviceId: z.uuid(),
  clientMessageId: z.uuid(),
  nonce: base64url(24),
  ciphertext: z
    .string()
    .min(22)
    .regex(/^[A-Za-z0-9_-]+$/, 'must be base64url without padding'),
  signature: base64url(64),
});
export type SendMessageInput = z.infer<typeof sendMessageSchema>;

/** The same send over the socket, which names its channel in the payload. */
export const socketSendSchema = sendMessageSchema.extend({ channelId: z.uuid() });
export type SocketSendInput = z.infer<typeof socketSendSchema>;

export const listMessagesQuery = z.strictObject({
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});
export type ListMessagesQuery = z.infer<typeof listMessagesQuery>;

export const seqParam = z.coerce.number().int().min(1);

/** A message as the server stores and sends it: ciphertext and the header fields in clear, base64url. */
export const realtimeMessage = z.object({
  id: z.uuid(),
  seq: z.number().int(),
  epoch: z.number().int(),
  senderUserId: z.uuid(),
  senderDeviceId: z.uuid(),
  clientMessageId: z.uuid(),
  nonce: z.string(),
  ciphertext: z.string(),
  signature: z.string(),
  createdAt: timestamp,
  expiresAt: timestamp,
});
export type RealtimeMessage = z.infer<typeof realtimeMessage>;

/** A stored message; `deleted` ones keep their place in the sequence with empty content (tombstones). */
export const storedMessageView = realtimeMessage.extend({ deleted: z.boolean() });
export type StoredMessageView = z.infer<typeof storedMessageView>;

export const messagePage = z.object({
  messages: z.array(storedMessageView),
  lastSeq: z.number().int(),
  /** The first sequence number this member may read (chat is need-to-know from the day they joined). */
  visibleFromSeq: z.number().int(),
});
export type MessagePage = z.infer<typeof messagePage>;
