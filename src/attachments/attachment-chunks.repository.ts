import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { returningRows } from '../common/sql.js';
import type { AttachmentStore, ChunkPut } from './attachment-store.js';

/**
 * The default `AttachmentStore`: chunks as `bytea` rows of `attachment_chunks`, in the caller's
 * transaction. A chunk is read and written whole (at most ATTACHMENT_CHUNK_MAX_BYTES), so neither side
 * ever holds more than one chunk of a file.
 */
@Injectable()
export class AttachmentChunksRepository implements AttachmentStore {
  async put(m: EntityManager, attachmentId: string, index: number, bytes: Buffer): Promise<ChunkPut> {
    const inserted = await returningRows<{ idx: number }>(
      m,
      `INSERT INTO attachment_chunks (attachment_id, idx, bytes) VALUES ($1, $2, $3)
       ON CONFLICT (attachment_id, idx) DO NOTHING RETURNING idx`,
      [attachmentId, index, bytes],
    );
    if (inserted.length) return 'stored';
    // Compared in the database: the stored chunk is not read back into this process.
    const [row] = await m.query<{ same: boolean }[]>(
      'SELECT bytes = $3 AS same FROM attachment_chunks WHERE attachment_id = $1 AND idx = $2',
      [attachmentId, index, bytes],
    );
    return row?.same ? 'already_stored' : 'different';
  }

  async get(m: EntityManager, attachmentId: string, index: number): Promise<Buffer | null> {
    const [row] = await m.query<{ bytes: Buffer }[]>(
      'SELECT bytes FROM attachment_chunks WHERE attachment_id = $1 AND idx = $2',
      [attachmentId, index],
    );
    return row?.bytes ?? null;
  }

  async summary(m: EntityManager, attachmentId: string): Promise<{ indexes: number[]; bytes: number }> {
    const rows = await m.query<{ idx: number; size: number }[]>(
      'SELECT idx, octet_length(bytes) AS size FROM attachment_chunks WHERE attachment_id = $1 ORDER BY idx',
      [attachmentId],
    );
    return { indexes: rows.map((r) => r.idx), bytes: rows.reduce((n, r) => n + Number(r.size), 0) };
  }

  async deleteChunks(m: EntityManager, attachmentIds: readonly string[], limit: number): Promise<number> {
    if (!attachmentIds.length) return 0;
    const rows = await returningRows<{ idx: number }>(
      m,
      `DELETE FROM attachment_chunks WHERE (attachment_id, idx) IN (
         SELECT attachment_id, idx FROM attachment_chunks WHERE attachment_id = ANY($1::uuid[]) LIMIT $2)
       RETURNING idx`,
      [attachmentIds, limit],
    );
    return rows.length;
  }

  async withChunks(m: EntityManager, attachmentIds: readonly string[]): Promise<Set<string>> {
    if (!attachmentIds.length) return new Set();
    const rows = await m.query<{ id: string }[]>(
      `SELECT a.id FROM unnest($1::uuid[]) AS a(id)
        WHERE EXISTS (SELECT 1 FROM attachment_chunks c WHERE c.attachment_id = a.id)`,
      [attachmentIds],
    );
    return new Set(rows.map((r) => r.id));
  }
}
