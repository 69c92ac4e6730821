import { fileChunks, FileSizeMismatchError } from './attachments.js';

async function* from(...parts: number[]): AsyncGenerator<Uint8Array> {
  let n = 0;
  for (const len of parts) yield await Promise.resolve(Uint8Array.from({ length: len }, () => n++ & 0xff));
}

async function lengths(source: AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>, size: number, chunk: number) {
  const out: number[] = [];
  for await (const c of fileChunks(source, size, chunk)) out.push(c.length);
  return out;
}

describe('cutting a source into a file’s chunks', () => {
  it('cuts uneven pieces into whole chunks and the rest, keeping the bytes in order', async () => {
    expect(await lengths(from(3, 10, 1, 6), 20, 8)).toEqual([8, 8, 4]);
    const bytes: number[] = [];
    for await (const c of fileChunks(from(7, 7, 6), 20, 8)) bytes.push(...c);
    expect(bytes).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('gives an empty file one empty chunk, and a file of whole chunks no extra one', async () => {
    expect(await lengths(from(), 0, 8)).toEqual([0]);
    expect(await lengths(from(16), 16, 8)).toEqual([8, 8]);
  });

  it('refuses a source shorter or longer than the size given', async () => {
    await expect(lengths(from(5), 6, 8)).rejects.toBeInstanceOf(FileSizeMismatchError);
    await expect(lengths(from(17), 16, 8)).rejects.toBeInstanceOf(FileSizeMismatchError);
    await expect(lengths(from(1), 0, 8)).rejects.toBeInstanceOf(FileSizeMismatchError);
  });

  it('reads a web ReadableStream (a Blob’s stream) as well', async () => {
    const blob = new Blob([new Uint8Array(10), new Uint8Array(5)]);
    expect(await lengths(blob.stream(), 15, 8)).toEqual([8, 7]);
  });
});
