/**
 * Encrypted files (docs/protocol.md, "Attachments"): each file has its own random 32-byte key and is
 * encrypted with libsodium's `crypto_secretstream_xchacha20poly1305` in chunks of `chunkSize` plaintext
 * bytes (64 KiB as the SDK writes them). Every chunk is pushed with additional data naming the file and
 * the chunk's index, and the last with TAG_FINAL, so a reader detects a chunk altered, dropped, repeated,
 * reordered, moved from another file, cut off at the end, or added after the end. The last chunk is
 * padded to the buckets of "Padding", so the stored size shows the file's size only to about 1 KiB.
 *
 * A stored chunk is `0x01 ‖ secretstream ciphertext` (the version byte, then tag and MAC inside). The key
 * and the stream header travel in the file reference (content/file-reference.ts), sealed in a message or
 * a sealed field; the server holds only the chunks.
 *
 * Pure functions and two small state machines on bytes: no I/O here. The stream state lives in libsodium's
 * WebAssembly memory (52 bytes a file, not freed by libsodium.js).
 */
import { attachmentChunkCount, attachmentChunkPlainBytes } from '../../../contracts/attachments.js';
import { sodium } from './sodium.js';

/** The version byte at the start of every stored chunk. */
export const ATTACHMENT_VERSION = 1;
export const FILE_KEY_BYTES = 32;
export const STREAM_HEADER_BYTES = 24;
/** The largest chunk size a reader accepts (the SDK writes exactly this). */
export const MAX_CHUNK_SIZE = 64 * 1024;

// libsodium's tags; TAG_MESSAGE is 0 and TAG_FINAL 3 (TAG_PUSH and TAG_REKEY are never written).
const TAG_MESSAGE = 0;
const TAG_FINAL = 3;

/** The file was altered, cut short, extended, or is not the file its reference names. */
export class AttachmentIntegrityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AttachmentIntegrityError';
  }
}

/** `"strongroom-file:v1\n" ‖ attachment id (lower-case UUID) ‖ "\n" ‖ index (decimal)`: what each chunk is bound to. */
export function attachmentChunkAd(attachmentId: string, index: number): Uint8Array {
  return new TextEncoder().encode(`strongroom-file:v1\n${attachmentId.toLowerCase()}\n${index}`);
}

/** A fresh random file key. */
export async function newFileKey(): Promise<Uint8Array> {
  return (await sodium()).crypto_secretstream_xchacha20poly1305_keygen();
}

function checkChunkSize(chunkSize: number): void {
  if (!Number.isInteger(chunkSize) || chunkSize < 1 || chunkSize > MAX_CHUNK_SIZE) {
    throw new RangeError(`A file's pieces must be between 1 and ${MAX_CHUNK_SIZE} bytes.`);
  }
}

function checkSize(size: number): void {
  if (!Number.isSafeInteger(size) || size < 0) throw new RangeError('A file size must be a whole number of bytes.');
}

/**
 * Encrypts one file, chunk by chunk, in order. `push` takes each chunk's plaintext: `chunkSize` bytes for
 * every chunk but the last, which holds what remains (and is padded here). It refuses anything past the
 * declared size, and `finished` tells whether the whole file went through.
 */
export class AttachmentEncryptor {
  private index = 0;

  private constructor(
    private readonly state: unknown,
    readonly attachmentId: string,
    readonly size: number,
    readonly chunkSize: number,
    /** The stream header (24 bytes): part of the file reference. */
    readonly header: Uint8Array,
    private readonly s: Awaited<ReturnType<typeof sodium>>,
  ) {}

  /** Starts a file of `size` plaintext bytes under `key` (a fresh key for each file: never reuse one). */
  static async start(
    attachmentId: string,
    key: Uint8Array,
    size: number,
    chunkSize = MAX_CHUNK_SIZE,
  ): Promise<AttachmentEncryptor> {
    checkSize(size);
    checkChunkSize(chunkSize);
    if (key.length !== FILE_KEY_BYTES) throw new RangeError('A file key is 32 bytes.');
    const s = await sodium();
    const { state, header } = s.crypto_secretstream_xchacha20poly1305_init_push(key);
    return new AttachmentEncryptor(state, attachmentId, size, chunkSize, header, s);
  }

  /** How many chunks the file has. */
  get chunkCount(): number {
    return attachmentChunkCount(this.size, this.chunkSize);
  }

  /** Whether every chunk has been pushed. */
  get finished(): boolean {
    return this.index === this.chunkCount;
  }

  /** Encrypts the next chunk; returns its stored bytes and its index. */
  push(plaintext: Uint8Array): { index: number; bytes: Uint8Array } {
    const index = this.index;
    const count = this.chunkCount;
    if (index >= count) throw new RangeError('The file has more bytes than its declared size.');
    const last = index === count - 1;
    const expected = last ? this.size - index * this.chunkSize : this.chunkSize;
    if (plaintext.length !== expected) {
      throw new RangeError(`Piece ${index} of the file must be ${expected} bytes, not ${plaintext.length}.`);
    }
    let body = plaintext;
    if (last) {
      body = new Uint8Array(attachmentChunkPlainBytes(this.size, index, this.chunkSize));
      body.set(plaintext);
    }
    const sealed = this.s.crypto_secretstream_xchacha20poly1305_push(
      this.state as never,
      body,
      attachmentChunkAd(this.attachmentId, index),
      last ? TAG_FINAL : TAG_MESSAGE,
    );
    const bytes = new Uint8Array(1 + sealed.length);
    bytes[0] = ATTACHMENT_VERSION;
    bytes.set(sealed, 1);
    this.index++;
    return { index, bytes };
  }
}

/**
 * Decrypts one file, chunk by chunk, strictly in order, against what its reference says (id, size, chunk
 * size, key, header). Each `pull` returns that chunk's plaintext (padding removed) or throws
 * `AttachmentIntegrityError`; `finish` throws unless the last chunk came with TAG_FINAL. Keep the output
 * only once `finish` has returned.
 */
export class AttachmentDecryptor {
  private index = 0;
  private done = false;

  private constructor(
    private readonly state: unknown,
    readonly attachmentId: string,
    readonly size: number,
    readonly chunkSize: number,
    private readonly s: Awaited<ReturnType<typeof sodium>>,
  ) {}

  static async start(
    attachmentId: string,
    key: Uint8Array,
    header: Uint8Array,
    size: number,
    chunkSize: number,
  ): Promise<AttachmentDecryptor> {
    checkSize(size);
    checkChunkSize(chunkSize);
    if (key.length !== FILE_KEY_BYTES || header.length !== STREAM_HEADER_BYTES) {
      throw new AttachmentIntegrityError('The file’s key is damaged: it cannot be opened.');
    }
    const s = await sodium();
    let state: unknown;
    try {
      state = s.crypto_secretstream_xchacha20poly1305_init_pull(header, key);
    } catch {
      throw new AttachmentIntegrityError('The file’s key is damaged: it cannot be opened.');
    }
    return new AttachmentDecryptor(state, attachmentId, size, chunkSize, s);
  }

  get chunkCount(): number {
    return attachmentChunkCount(this.size, this.chunkSize);
  }

  /** The next chunk's plaintext, checked: its index, its place (final or not), its length and padding. */
  pull(stored: Uint8Array): Uint8Array {
    const index = this.index;
    if (this.done || index >= this.chunkCount) {
      throw new AttachmentIntegrityError('The file goes on past its end: it was altered.');
    }
    if (stored.length < 2 || stored[0] !== ATTACHMENT_VERSION) {
      throw new AttachmentIntegrityError(`Piece ${index} of the file is not in a form this app can read.`);
    }
    let opened: { message: Uint8Array; tag: number } | false;
    try {
      opened = this.s.crypto_secretstream_xchacha20poly1305_pull(
        this.state as never,
        stored.subarray(1),
        attachmentChunkAd(this.attachmentId, index),
      );
    } catch {
      opened = false;
    }
    if (!opened) {
      throw new AttachmentIntegrityError(
        `Piece ${index} of the file does not open: it was altered, moved, or belongs to another file.`,
      );
    }
    const last = index === this.chunkCount - 1;
    if ((opened.tag === TAG_FINAL) !== last || (opened.tag !== TAG_FINAL && opened.tag !== TAG_MESSAGE)) {
      throw new AttachmentIntegrityError(
        last ? 'The file was cut short: its last piece is missing.' : 'The file ends early: it was altered.',
      );
    }
    const plain = opened.message;
    if (plain.length !== attachmentChunkPlainBytes(this.size, index, this.chunkSize)) {
      throw new AttachmentIntegrityError(`Piece ${index} of the file is not the size its reference says.`);
    }
    this.index++;
    if (!last) return plain;
    this.done = true;
    const content = this.size - index * this.chunkSize;
    for (let i = content; i < plain.length; i++) {
      if (plain[i] !== 0) throw new AttachmentIntegrityError('The end of the file was altered.');
    }
    return plain.subarray(0, content);
  }

  /** Throws unless every chunk was read and the last was marked final: only then is the file whole. */
  finish(): void {
    if (!this.done) throw new AttachmentIntegrityError('The file was cut short: its last piece is missing.');
  }
}
