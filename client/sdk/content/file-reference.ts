/**
 * A file reference: what a reader needs to fetch, decrypt and name an encrypted file (docs/protocol.md,
 * "Attachments"). It carries the file's key, so it only ever travels sealed, inside an encrypted message
 * body or a sealed field; the server never sees one in clear. Like message content, a reference is read
 * defensively: one that does not fit this schema is not a file this app can open.
 */
import { z } from 'zod';
import { base64url } from '../../../contracts/common.js';
import { MAX_CHUNK_SIZE } from '../crypto/attachment.js';

export const fileReferenceSchema = z.object({
  type: z.literal('file'),
  /** The id the uploader made for the file: the server stores it under this, and each chunk is bound to it. */
  attachmentId: z.uuid(),
  /** The file's name as the uploader gave it (show it; never use it as a path as it is: see `safeFileName`). */
  name: z.string().min(1).max(255),
  /** Its media type (`application/pdf`), as the uploader said: a hint, not a promise. */
  mediaType: z.string().max(255),
  /** Its size in bytes, before encryption. */
  size: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  /** The file's own key (32 bytes) and the stream header (24 bytes), base64url. */
  key: base64url(32),
  header: base64url(24),
  /** Plaintext bytes per chunk (65,536 as the SDK writes files). */
  chunkSize: z.number().int().min(1).max(MAX_CHUNK_SIZE),
});
export type FileReference = z.infer<typeof fileReferenceSchema>;

/** A reference as given, checked; null when it is not one (a damaged or foreign shape). */
export function parseFileReference(value: unknown): FileReference | null {
  const parsed = fileReferenceSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

/**
 * A file name that is safe to save under: no folders (so `../../.bashrc` is `.bashrc` at most, and then
 * `_bashrc`), no control characters or characters file systems refuse, not empty, at most 200 characters.
 * The name comes from another member, so it is never trusted as a path.
 */
export function safeFileName(name: string): string {
  const base = name.split(/[/\\]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is taken out
  let clean = base.replace(/[\u0000-\u001f\u007f<>:"|?*]/g, '_').trim();
  clean = clean.replace(/^\.+/, (dots) => '_'.repeat(dots.length));
  if (!clean || /^_*$/.test(clean)) clean = 'file';
  return clean.length > 200 ? clean.slice(0, 200) : clean;
}

/** "2.4 MB", "512 bytes": a file's size as a person reads it. */
export function fileSizeInWords(size: number): string {
  if (size < 1000) return `${size} byte${size === 1 ? '' : 's'}`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = size / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}
