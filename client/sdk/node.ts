/** Node-only additions to the SDK (file system). Browsers import `./index.js` instead. */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { FileToSend } from './session/attachments.js';

export * from './index.js';
export { FileKeyStore } from './store/file-key-store.js';
export { FileTrustStore } from './store/file-trust-store.js';
export { writePrivateFile } from './store/private-file.js';

/** Media types by file extension, for the files practitioners share most; anything else is sent as bytes. */
const MEDIA_TYPES: Record<string, string> = {
  '.pdf': 'application/pdf',
  '.doc': 'application/msword',
  '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  '.odt': 'application/vnd.oasis.opendocument.text',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.csv': 'text/csv',
  '.txt': 'text/plain',
  '.rtf': 'application/rtf',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.gif': 'image/gif',
  '.heic': 'image/heic',
  '.webp': 'image/webp',
};

/**
 * A file on disk, ready for `SecureSession.sendFile` or `uploadFile`: read as a stream (never whole), its
 * name without its folder, its size, and a media type from its extension.
 */
export async function fileToSend(filePath: string): Promise<FileToSend> {
  const info = await stat(filePath);
  if (!info.isFile()) throw new Error(`${filePath} is not a file.`);
  return {
    source: createReadStream(filePath, { highWaterMark: 64 * 1024 }),
    name: path.basename(filePath),
    mediaType: MEDIA_TYPES[path.extname(filePath).toLowerCase()] ?? 'application/octet-stream',
    size: info.size,
  };
}
