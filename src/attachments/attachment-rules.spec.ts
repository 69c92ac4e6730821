import { ATTACHMENT_CHUNK_BYTES, attachmentChunkCount, attachmentStoredBytes } from '../../contracts/attachments.js';
import {
  attachmentExpiry,
  attachmentLive,
  declarationRefusal,
  missingChunks,
  sizeInWords,
} from './attachment-rules.js';

const MiB = 1024 * 1024;
const declared = (sizeBytes: number, chunkCount: number) => ({
  id: '00000000-0000-4000-8000-000000000001',
  deviceId: '00000000-0000-4000-8000-000000000002',
  purpose: 'message' as const,
  sizeBytes,
  chunkCount,
});

describe('attachment rules', () => {
  it('takes a file of exactly the largest size and refuses one byte more with 413 too_large, in plain words', () => {
    const max = 25 * MiB;
    expect(declarationRefusal(declared(attachmentStoredBytes(max), attachmentChunkCount(max)), max)).toBeNull();
    const over = declarationRefusal(declared(attachmentStoredBytes(max + 1), attachmentChunkCount(max + 1)), max);
    expect(over).toMatchObject({
      status: 413,
      code: 'too_large',
      message: 'This file is too large: files can be at most 25 MiB.',
    });
  });

  it('refuses more pieces than the largest file has, even with a small size', () => {
    const max = 25 * MiB;
    expect(declarationRefusal(declared(attachmentStoredBytes(max), attachmentChunkCount(max) + 1), max)?.code).toBe(
      'too_large',
    );
  });

  it('refuses a size that the number of pieces cannot hold, or that would leave room for more', () => {
    expect(declarationRefusal(declared(18, 1), MiB)?.code).toBe('validation_failed');
    expect(declarationRefusal(declared(19, 1), MiB)).toBeNull();
    expect(declarationRefusal(declared(2 * (ATTACHMENT_CHUNK_BYTES + 18) + 1, 2), 25 * MiB)?.code).toBe(
      'validation_failed',
    );
  });

  it('gives a message’s file the channel’s retention plus the upload window, and a record’s file none', () => {
    const now = new Date('2026-03-01T00:00:00Z');
    expect(attachmentExpiry('message', now, 90, 24)?.toISOString()).toBe('2026-05-31T00:00:00.000Z');
    expect(attachmentExpiry('record', now, 90, 24)).toBeNull();
  });

  it('counts an upload as gone after its window, and any attachment after its expiry', () => {
    const created = new Date('2026-03-01T00:00:00Z');
    const at = (h: number) => new Date(created.getTime() + h * 3_600_000);
    const uploading = { state: 'uploading', created_at: created, expires_at: at(1000) };
    expect(attachmentLive(uploading, at(23), 24)).toBe(true);
    expect(attachmentLive(uploading, at(24), 24)).toBe(false);
    expect(attachmentLive({ ...uploading, state: 'complete' }, at(999), 24)).toBe(true);
    expect(attachmentLive({ ...uploading, state: 'complete' }, at(1000), 24)).toBe(false);
    expect(attachmentLive({ ...uploading, state: 'complete', expires_at: null }, at(100_000), 24)).toBe(true);
  });

  it('names the first missing pieces and counts them all', () => {
    expect(missingChunks(5, [0, 2])).toEqual({ first: [1, 3, 4], count: 3 });
    expect(missingChunks(100, [], 3)).toEqual({ first: [0, 1, 2], count: 100 });
  });

  it('says sizes in words', () => {
    expect(sizeInWords(25 * MiB)).toBe('25 MiB');
    expect(sizeInWords(1536 * 1024)).toBe('1.5 MiB');
    expect(sizeInWords(2048)).toBe('2 KiB');
  });
});
