import { z } from 'zod';
import { base64url, epochNumber, timestamp } from './common.js';

/**
 * The latest message from another device that the sender had seen when it wrote, named by its sequence
 * number in the channel and its chain link (docs/protocol.md, "Signed order").
 */
export const messageSeenSchema = z.strictObject({
  seq: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  link: base64url(32),
});
export type MessageSeen = z.infer<typeof messageSeenSchema>;

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
  /** The sender device's counter in this channel: 1 for its first message, then one more each time. */
  n: z.number().int().min(1).max(2_147_483_647),
  /** The chain link of the same device's previous message in the channel; null when n is 1. */
  prev: base64url(32).nullable(),
  /** The sender's own clock when it sealed the message, as `toISOString` writes it. */
  sentAt: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/, 'must be an ISO 8601 time with milliseconds and Z')
    .refine((s) => !Number.isNaN(Date.parse(s)) && new Date(s).toISOString() === s, 'must be a real time'),
  /** Signed in the header when present; absent or null when the sender had seen no other device's message. */
  seen: messageSeenSchema.nullish(),
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

export const chainHeadQuery = z.strictObject({ deviceId: z.uuid() });
export type ChainHeadQuery = z.infer<typeof chainHeadQuery>;

const seenView = z.object({ seq: z.number().int(), link: z.string() });

/** A stored message's signed header fields, enough to compute its chain link. */
const headerView = z.object({
  seq: z.number().int(),
  epoch: z.number().int(),
  clientMessageId: z.uuid(),
  n: z.number().int(),
  prev: z.string().nullable(),
  sentAt: timestamp,
  seen: seenView.nullable(),
});

/**
 * The header of one of your devices' last message in a channel (deleted or expired ones included), so
 * that a fresh process continues its chain: its next message carries n + 1 and this header's link. And
 * the latest message you may read from any other device, which your next message names as seen.
 */
export const chainHeadView = z.object({
  last: headerView.nullable(),
  latestOther: headerView.extend({ senderDeviceId: z.uuid() }).nullable(),
});
export type ChainHeadView = z.infer<typeof chainHeadView>;

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
  /** Header v2 fields (null on messages stored before it): the device's counter, chain link, clock. */
  n: z.number().int().nullable(),
  prev: z.string().nullable(),
  sentAt: timestamp.nullable(),
  /** The latest message from another device its sender had seen (signed in the header); null if none. */
  seen: seenView.nullable(),
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
