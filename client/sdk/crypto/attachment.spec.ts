import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  attachmentChunkCount,
  attachmentLastChunkBytes,
  attachmentStoredBytes,
} from '../../../contracts/attachments.js';
import {
  AttachmentDecryptor,
  AttachmentEncryptor,
  AttachmentIntegrityError,
  attachmentChunkAd,
  newFileKey,
} from './attachment.js';
import { paddedSize } from './channel-crypto.js';

/** Encrypted files against the independent PyNaCl vectors (test/vectors/attachment_vectors.py), and tamper tests. */
const v = JSON.parse(readFileSync(path.join(__dirname, '../../../test/vectors/attachment-v1.json'), 'utf8')) as {
  attachmentId: string;
  chunkSize: number;
  size: number;
  key: string;
  header: string;
  plaintext: string;
  adHex: string[];
  storedLengths: number[];
  chunks: string[];
};
const b = (s: string) => new Uint8Array(Buffer.from(s, 'base64url'));
const key = b(v.key);
const header = b(v.header);
const chunks = v.chunks.map(b);
const ID = '6e1c7d2a-3b4f-4c5d-8e9f-0a1b2c3d4e5f';

async function openAll(
  stored: Uint8Array[],
  opts: { id?: string; size?: number; key?: Uint8Array; header?: Uint8Array; chunkSize?: number } = {},
): Promise<Uint8Array> {
  const d = await AttachmentDecryptor.start(
    opts.id ?? v.attachmentId,
    opts.key ?? key,
    opts.header ?? header,
    opts.size ?? v.size,
    opts.chunkSize ?? v.chunkSize,
  );
  const parts = stored.map((c) => d.pull(c));
  d.finish();
  return new Uint8Array(Buffer.concat(parts));
}

async function encryptAll(data: Uint8Array, id = ID, chunkSize = 1024) {
  const k = await newFileKey();
  const e = await AttachmentEncryptor.start(id, k, data.length, chunkSize);
  const stored: Uint8Array[] = [];
  for (let i = 0; i < e.chunkCount; i++) stored.push(e.push(data.subarray(i * chunkSize, (i + 1) * chunkSize)).bytes);
  expect(e.finished).toBe(true);
  return { key: k, header: e.header, stored };
}

const flip = (c: Uint8Array, at: number) => {
  const out = Uint8Array.from(c);
  out[at] ^= 1;
  return out;
};

describe('encrypted files against the PyNaCl vectors', () => {
  it('binds each chunk to the file and its index exactly as the independent implementation does', () => {
    expect(v.adHex.map((_, i) => Buffer.from(attachmentChunkAd(v.attachmentId, i)).toString('hex'))).toEqual(v.adHex);
  });

  it('lays the file out as the independent implementation does: chunk count, padding, stored sizes', () => {
    expect(attachmentChunkCount(v.size, v.chunkSize)).toBe(v.chunks.length);
    expect(chunks.map((c) => c.length)).toEqual(v.storedLengths);
    expect(v.storedLengths.reduce((a, n) => a + n, 0)).toBe(attachmentStoredBytes(v.size, v.chunkSize));
  });

  it('opens the file the independent implementation encrypted', async () => {
    expect(Buffer.from(await openAll(chunks)).toString('base64url')).toBe(v.plaintext);
  });
});

describe('encrypted files: tampering is detected by the reader', () => {
  const refusal = (p: Promise<unknown>) => expect(p).rejects.toBeInstanceOf(AttachmentIntegrityError);

  it('refuses a flipped byte anywhere in a chunk, or a changed version byte', async () => {
    await refusal(openAll([chunks[0], flip(chunks[1], 40), chunks[2]]));
    await refusal(openAll([chunks[0], chunks[1], flip(chunks[2], chunks[2].length - 1)]));
    await refusal(openAll([flip(chunks[0], 0), chunks[1], chunks[2]]));
  });

  it('refuses chunks in another order, or one repeated', async () => {
    await refusal(openAll([chunks[1], chunks[0], chunks[2]]));
    await refusal(openAll([chunks[0], chunks[0], chunks[2]]));
  });

  it('refuses a file cut short (last chunk missing), and one that goes on after its final chunk', async () => {
    await refusal(openAll(chunks.slice(0, 2)));
    await refusal(openAll([...chunks, chunks[2]]));
  });

  it('refuses the file read as another file (its id), or with another size than its reference says', async () => {
    await refusal(openAll(chunks, { id: ID }));
    await refusal(openAll(chunks, { size: v.size - 1 }));
    await refusal(openAll(chunks, { size: v.size + 1024 }));
  });

  it('refuses a chunk swapped in from another file at the same place, even one uploaded under the same id', async () => {
    const data = new Uint8Array(3000).fill(7);
    const one = await encryptAll(data, v.attachmentId);
    const two = await encryptAll(data, v.attachmentId);
    await expect(openAll(one.stored, { key: one.key, header: one.header, size: 3000 })).resolves.toEqual(data);
    await refusal(
      openAll([one.stored[0], two.stored[1], one.stored[2]], { key: one.key, header: one.header, size: 3000 }),
    );
  });
});

describe('encrypted files: round trips and layout', () => {
  it.each([0, 1, 63, 1024, 1025, 5000])('encrypts and opens a file of %i bytes', async (size) => {
    const data = Uint8Array.from({ length: size }, (_, i) => (i * 31) & 0xff);
    const f = await encryptAll(data);
    expect(f.stored).toHaveLength(attachmentChunkCount(size, 1024));
    expect(await openAll(f.stored, { id: ID, key: f.key, header: f.header, size, chunkSize: 1024 })).toEqual(data);
  });

  it('pads the last chunk to the message padding buckets, so the stored size shows the file’s only to about 1 KiB', async () => {
    for (const r of [0, 1, 62, 64, 65, 700, 1024, 1025, 4000, 65536]) {
      expect(attachmentLastChunkBytes(r, 65536)).toBe(Math.min(65536, r === 0 ? 64 : paddedSize(r)));
    }
    const a = await encryptAll(new Uint8Array(1500), ID, 65536);
    const b2 = await encryptAll(new Uint8Array(2000), ID, 65536);
    expect(a.stored[0].length).toBe(b2.stored[0].length);
  });

  it('refuses to encrypt more or fewer bytes than declared', async () => {
    const e = await AttachmentEncryptor.start(ID, await newFileKey(), 10, 1024);
    expect(() => e.push(new Uint8Array(9))).toThrow(RangeError);
    e.push(new Uint8Array(10));
    expect(() => e.push(new Uint8Array(1))).toThrow(RangeError);
  });
});
