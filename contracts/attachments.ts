import { z } from 'zod';
import { timestamp } from './common.js';

/**
 * Encrypted file attachments (docs/protocol.md, "Attachments"). A file is encrypted on the client with its
 * own key, in chunks, and the server stores the chunks as opaque bytes: it knows how many there are and
 * how large they are, never the file's name, type or content, which travel inside the file reference
 * sealed in a message or a sealed field.
 *
 * The byte arithmetic below is shared: the SDK lays files out with it, and the server checks declared
 * sizes against `ATTACHMENT_MAX_BYTES` with it.
 */

/** What refers to an attachment: a chat message (expires with the channel's retention) or a record (lives with it). */
export const ATTACHMENT_PURPOSES = ['message', 'record'] as const;
export type AttachmentPurpose = (typeof ATTACHMENT_PURPOSES)[number];

export const ATTACHMENT_STATES = ['uploading', 'complete'] as const;
export type AttachmentState = (typeof ATTACHMENT_STATES)[number];

/** Plaintext bytes per chunk, as the SDK writes files (a reader accepts any size up to this). */
export const ATTACHMENT_CHUNK_BYTES = 64 * 1024;
/** What each stored chunk adds to its plaintext: the version byte, secretstream's tag byte and 16-byte MAC. */
export const ATTACHMENT_CHUNK_OVERHEAD = 1 + 1 + 16;
/** The largest chunk the server takes (a full chunk, encrypted). */
export const ATTACHMENT_CHUNK_MAX_BYTES = ATTACHMENT_CHUNK_BYTES + ATTACHMENT_CHUNK_OVERHEAD;
/** The default largest file, in plaintext bytes (the server's `ATTACHMENT_MAX_BYTES`). */
export const ATTACHMENT_DEFAULT_MAX_BYTES = 25 * 1024 * 1024;

/**
 * The size a file's last chunk is padded to: the padding buckets of docs/protocol.md ("Padding"), 64,
 * 128, 256, 512, 1024 bytes, then the next multiple of 1024, never past a whole chunk. The same buckets as
 * `paddedSize` in client/sdk/crypto/channel-crypto.ts (a unit test there checks they agree).
 */
export function attachmentLastChunkBytes(remaining: number, chunkSize: number): number {
  let padded = Math.ceil(remaining / 1024) * 1024;
  for (const bucket of [1024, 512, 256, 128, 64]) if (remaining <= bucket) padded = bucket;
  return Math.min(chunkSize, padded);
}

/** How many chunks a file of `size` plaintext bytes has: one at least (an empty file is one padded chunk). */
export const attachmentChunkCount = (size: number, chunkSize = ATTACHMENT_CHUNK_BYTES): number =>
  Math.max(1, Math.ceil(size / chunkSize));

/** The plaintext length of chunk `index` (padding included): whole chunks, then the padded remainder. */
export function attachmentChunkPlainBytes(size: number, index: number, chunkSize = ATTACHMENT_CHUNK_BYTES): number {
  const count = attachmentChunkCount(size, chunkSize);
  if (index < count - 1) return chunkSize;
  return attachmentLastChunkBytes(size - (count - 1) * chunkSize, chunkSize);
}

/** What the server stores for a file of `size` plaintext bytes: every chunk with its overhead. */
export function attachmentStoredBytes(size: number, chunkSize = ATTACHMENT_CHUNK_BYTES): number {
  const count = attachmentChunkCount(size, chunkSize);
  return (
    (count - 1) * (chunkSize + ATTACHMENT_CHUNK_OVERHEAD) +
    attachmentChunkPlainBytes(size, count - 1, chunkSize) +
    ATTACHMENT_CHUNK_OVERHEAD
  );
}

/**
 * Declares an upload: the id the client made (the chunks' additional data is bound to it), how many
 * chunks and how many stored bytes in all. The server checks the size against its limit (413) before any
 * chunk is sent.
 */
export const declareAttachmentSchema = z.strictObject({
  id: z.uuid(),
  /** The uploader's own device, which encrypted the file. */
  deviceId: z.uuid(),
  chunkCount: z.number().int().min(1).max(1_000_000),
  sizeBytes: z.number().int().min(ATTACHMENT_CHUNK_OVERHEAD).max(Number.MAX_SAFE_INTEGER),
  purpose: z.enum(ATTACHMENT_PURPOSES),
});
export type DeclareAttachmentInput = z.infer<typeof declareAttachmentSchema>;

/** A chunk's place in the file, in the address (`/chunks/0` is the first). */
export const chunkIndexParam = z
  .string()
  .regex(/^\d{1,6}$/, 'must be a piece number: 0 for the first, then 1, 2 and so on')
  .transform(Number);

/** An attachment as the server knows it: sizes, state and dates, nothing of the file itself. */
export const attachmentView = z.object({
  id: z.uuid(),
  channelId: z.uuid(),
  uploaderUserId: z.uuid(),
  uploaderDeviceId: z.uuid(),
  purpose: z.enum(ATTACHMENT_PURPOSES),
  state: z.enum(ATTACHMENT_STATES),
  chunkCount: z.number().int(),
  sizeBytes: z.number().int(),
  createdAt: timestamp,
  completedAt: timestamp.nullable(),
  /** When the server deletes it: the channel's retention for a message's file; null for a record's. */
  expiresAt: timestamp.nullable(),
});
export type AttachmentView = z.infer<typeof attachmentView>;

/** The answer to storing one chunk: whether it was new, or the same bytes were already stored (a retry). */
export const chunkStoredView = z.object({ index: z.number().int(), stored: z.enum(['stored', 'already_stored']) });
export type ChunkStoredView = z.infer<typeof chunkStoredView>;
