import {
  ATTACHMENT_CHUNK_BYTES,
  attachmentChunkCount,
  attachmentStoredBytes,
  type AttachmentPurpose,
} from '../../../contracts/attachments.js';
import type { StrongroomClient } from '../client.js';
import {
  AttachmentDecryptor,
  AttachmentEncryptor,
  AttachmentIntegrityError,
  newFileKey,
} from '../crypto/attachment.js';
import { fromB64, sodium, toB64 } from '../crypto/sodium.js';
import { fileReferenceSchema, type FileReference } from '../content/file-reference.js';
import type { StoredDevice } from '../store/key-store.js';
import { Backoff, retrying, type RetryPolicy } from '../transport/retry.js';

/** How far a transfer has got, in plaintext bytes. */
export interface TransferProgress {
  bytes: number;
  totalBytes: number;
}

/** What `uploadFile` takes besides the channel and the bytes. */
export interface UploadOptions {
  /** The file's name, shown to readers (never sent to the server in clear). */
  name: string;
  /** Its media type (`application/pdf`); `application/octet-stream` when unknown. */
  mediaType?: string;
  /** Its exact size in bytes: the source must yield exactly this many. */
  size: number;
  /** `message` (the default: expires with the channel's messages) or `record` (lives as long as its record). */
  purpose?: AttachmentPurpose;
  /** Told after each piece is stored. */
  onProgress?: (p: TransferProgress) => void;
  /** The file's id, made here when left out (a UUID). */
  attachmentId?: string;
}

/** What `downloadFile` takes besides the reference. */
export interface DownloadOptions {
  /** Told after each piece is fetched and checked. */
  onProgress?: (p: TransferProgress) => void;
}

/** A file to send: its bytes as they come (a Node stream, a Blob's stream), its name, type and size. */
export interface FileToSend {
  source: AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>;
  name: string;
  mediaType?: string;
  size: number;
}

/** The source ran out before, or went on past, the size it was declared with. */
export class FileSizeMismatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FileSizeMismatchError';
  }
}

/** Reads a web ReadableStream as an async iterable (not every browser makes it one itself). */
async function* fromReadable(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

/**
 * Cuts whatever pieces a source yields into the file's chunks: `chunkSize` bytes each, the rest last. One
 * chunk is held at a time. Refuses a source shorter or longer than `size`.
 */
export async function* fileChunks(
  source: AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>,
  size: number,
  chunkSize = ATTACHMENT_CHUNK_BYTES,
): AsyncGenerator<Uint8Array> {
  const iterable = Symbol.asyncIterator in source ? source : fromReadable(source);
  const count = attachmentChunkCount(size, chunkSize);
  const lengthOf = (i: number) => Math.min(chunkSize, size - i * chunkSize);
  let index = 0;
  let chunk = new Uint8Array(lengthOf(0));
  let filled = 0;
  for await (const raw of iterable) {
    // Node streams yield Buffers (Uint8Arrays), a Blob's stream Uint8Arrays.
    let piece: Uint8Array = raw;
    while (piece.length) {
      if (index === count - 1 && filled === chunk.length) {
        throw new FileSizeMismatchError(`The file has more than the ${size} bytes it was said to have.`);
      }
      const take = Math.min(chunk.length - filled, piece.length);
      chunk.set(piece.subarray(0, take), filled);
      filled += take;
      piece = piece.subarray(take);
      // The last chunk waits for the end of the source, so that a source longer than said is refused.
      if (filled === chunk.length && index < count - 1) {
        yield chunk;
        index++;
        chunk = new Uint8Array(lengthOf(index));
        filled = 0;
      }
    }
  }
  if (index !== count - 1 || filled !== chunk.length) {
    throw new FileSizeMismatchError(`The file ended before the ${size} bytes it was said to have.`);
  }
  yield chunk;
}

/**
 * Encrypted files for one device (docs/protocol.md, "Attachments"): uploads encrypt on the way out and
 * downloads check on the way in, a chunk at a time, so no file is ever held whole. Independent of chat:
 * the reference `upload` returns goes into a message (`SecureSession.sendFile`) or a sealed field (a
 * referral's attachments), and `download` takes it back from either.
 */
export class Attachments {
  constructor(
    private readonly client: StrongroomClient,
    private readonly device: StoredDevice,
    private readonly retry: RetryPolicy,
  ) {}

  /**
   * Encrypts `source` under a fresh key and uploads it into the channel: declares it, stores each piece
   * (a piece that fails for a reason that is not its own, such as the network or a 5xx, is sent again,
   * and stored once), then completes it. Returns the file reference, which carries the file's key: seal
   * it (in a message or a sealed field) and never send it in clear.
   */
  async upload(
    channelId: string,
    source: AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>,
    opts: UploadOptions,
  ): Promise<FileReference> {
    const id = opts.attachmentId ?? globalThis.crypto.randomUUID();
    const s = await sodium();
    const key = await newFileKey();
    const encryptor = await AttachmentEncryptor.start(id, key, opts.size, ATTACHMENT_CHUNK_BYTES);
    const ref = fileReferenceSchema.parse({
      type: 'file',
      attachmentId: id,
      name: opts.name,
      mediaType: opts.mediaType || 'application/octet-stream',
      size: opts.size,
      key: toB64(s, key),
      header: toB64(s, encryptor.header),
      chunkSize: ATTACHMENT_CHUNK_BYTES,
    });
    await this.retried(() =>
      this.client.declareAttachment(channelId, {
        id,
        deviceId: this.device.deviceId,
        chunkCount: encryptor.chunkCount,
        sizeBytes: attachmentStoredBytes(opts.size, ATTACHMENT_CHUNK_BYTES),
        purpose: opts.purpose ?? 'message',
      }),
    );
    let done = 0;
    try {
      for await (const plain of fileChunks(source, opts.size, ATTACHMENT_CHUNK_BYTES)) {
        const { index, bytes } = encryptor.push(plain);
        await this.retried(() => this.client.putAttachmentChunk(id, index, bytes));
        done += plain.length;
        opts.onProgress?.({ bytes: done, totalBytes: opts.size });
      }
      await this.retried(() => this.client.completeAttachment(id));
    } catch (err) {
      // What was stored of it goes now rather than at the end of the upload window; if even that fails,
      // the server's job deletes the unfinished upload then.
      await this.client.deleteAttachment(id).catch(() => undefined);
      throw err;
    }
    return ref;
  }

  /**
   * The file's plaintext, piece by piece, each checked before it is given out (fetches that fail for a
   * reason that is not theirs are tried again). A file that was altered, cut short, extended, or is not
   * the one its reference names throws `AttachmentIntegrityError` partway: **keep what was read only when
   * the iteration completes**, and throw the rest away (the CLI writes to a temporary file and renames it
   * at the end).
   */
  async *download(ref: FileReference, opts: DownloadOptions = {}): AsyncGenerator<Uint8Array> {
    const checked = fileReferenceSchema.safeParse(ref);
    if (!checked.success) throw new AttachmentIntegrityError('That is not a reference to a file this app can open.');
    const r = checked.data;
    const s = await sodium();
    const meta = await this.retried(() => this.client.attachment(r.attachmentId));
    if (meta.state !== 'complete') throw new Error('This file has not finished uploading yet.');
    if (
      meta.chunkCount !== attachmentChunkCount(r.size, r.chunkSize) ||
      meta.sizeBytes !== attachmentStoredBytes(r.size, r.chunkSize)
    ) {
      throw new AttachmentIntegrityError(
        'The server holds this file at another size than its sender said: it was altered.',
      );
    }
    const decryptor = await AttachmentDecryptor.start(
      r.attachmentId,
      fromB64(s, r.key),
      fromB64(s, r.header),
      r.size,
      r.chunkSize,
    );
    let done = 0;
    for (let index = 0; index < decryptor.chunkCount; index++) {
      const stored = await this.retried(() => this.client.attachmentChunk(r.attachmentId, index));
      const plain = decryptor.pull(stored);
      done += plain.length;
      yield plain;
      opts.onProgress?.({ bytes: done, totalBytes: r.size });
    }
    decryptor.finish();
  }

  /** Takes back a file this person uploaded (when they delete the message that refers to it, say). */
  remove(attachmentId: string): Promise<void> {
    return this.retried(() => this.client.deleteAttachment(attachmentId));
  }

  private retried<T>(op: () => Promise<T>): Promise<T> {
    return retrying(op, new Backoff(this.retry));
  }
}
