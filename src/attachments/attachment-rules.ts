import {
  ATTACHMENT_CHUNK_MAX_BYTES,
  ATTACHMENT_CHUNK_OVERHEAD,
  attachmentChunkCount,
  attachmentStoredBytes,
  type AttachmentPurpose,
  type DeclareAttachmentInput,
} from '../../contracts/attachments.js';
import { AppError } from '../common/app-error.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** "25 MiB", "512 KiB": a limit as a person reads it. */
export function sizeInWords(bytes: number): string {
  const mib = bytes / (1024 * 1024);
  if (mib >= 1) return `${Number.isInteger(mib) ? mib : mib.toFixed(1)} MiB`;
  return `${Math.ceil(bytes / 1024)} KiB`;
}

/**
 * Why a declared upload is refused, or null. The server cannot see the file, only what it will store: the
 * largest file allowed (`maxPlainBytes`) stores `attachmentStoredBytes(maxPlainBytes)` bytes in
 * `attachmentChunkCount(maxPlainBytes)` chunks, and no more is taken (413). The chunk count must fit the
 * size: every chunk holds at least one byte besides its overhead and at most a whole chunk, so a
 * declaration cannot reserve room for more than it says.
 */
export function declarationRefusal(dto: DeclareAttachmentInput, maxPlainBytes: number): AppError | null {
  if (dto.sizeBytes > attachmentStoredBytes(maxPlainBytes) || dto.chunkCount > attachmentChunkCount(maxPlainBytes)) {
    return new AppError(
      413,
      'too_large',
      `This file is too large: files can be at most ${sizeInWords(maxPlainBytes)}.`,
      {
        maxBytes: maxPlainBytes,
      },
    );
  }
  const least = dto.chunkCount * (ATTACHMENT_CHUNK_OVERHEAD + 1);
  const most = dto.chunkCount * ATTACHMENT_CHUNK_MAX_BYTES;
  if (dto.sizeBytes < least || dto.sizeBytes > most) {
    return new AppError(400, 'validation_failed', 'The request body is invalid.', {
      fields: {
        sizeBytes: [`must be between ${least} and ${most} bytes for ${dto.chunkCount} piece(s) of a file`],
      },
    });
  }
  return null;
}

/**
 * When an attachment expires. A message's file expires with the channel's retention, counted from when it
 * was declared plus the upload window: the message that refers to it is sent after the upload completes,
 * within that window, so the file outlives its message by at most a day (by default). A record's file
 * has no expiry of its own: it lives as long as the record that refers to it.
 */
export function attachmentExpiry(
  purpose: AttachmentPurpose,
  now: Date,
  retentionDays: number,
  uploadHours: number,
): Date | null {
  return purpose === 'message' ? new Date(now.getTime() + retentionDays * DAY + uploadHours * HOUR) : null;
}

/**
 * Whether an attachment still exists for its readers and its uploader: not past its expiry, and complete
 * or still within its upload window (even before the retention job deletes it).
 */
export function attachmentLive(
  a: { state: string; created_at: Date; expires_at: Date | null },
  now: Date,
  uploadHours: number,
): boolean {
  if (a.expires_at !== null && a.expires_at <= now) return false;
  return a.state === 'complete' || a.created_at.getTime() > now.getTime() - uploadHours * HOUR;
}

/** The first indexes missing from a file of `chunkCount` chunks, given those stored (ascending), and how many. */
export function missingChunks(
  chunkCount: number,
  stored: readonly number[],
  show = 20,
): { first: number[]; count: number } {
  const have = new Set(stored);
  const first: number[] = [];
  let count = 0;
  for (let i = 0; i < chunkCount; i++) {
    if (have.has(i)) continue;
    count++;
    if (first.length < show) first.push(i);
  }
  return { first, count };
}
