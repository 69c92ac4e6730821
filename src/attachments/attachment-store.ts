import type { EntityManager } from 'typeorm';

/** What storing a chunk did: stored it now, found the same bytes already there (a retry), or found others. */
export type ChunkPut = 'stored' | 'already_stored' | 'different';

/**
 * Where the chunks of encrypted files live: opaque bytes under (attachment id, index). The attachments
 * module keeps the metadata (channel, uploader, declared sizes, state, expiry) in its own table and asks
 * the store only for bytes, so the bytes can live elsewhere than PostgreSQL.
 *
 * The PostgreSQL store (`AttachmentChunksRepository`, the default) keeps them in `attachment_chunks` and
 * uses the caller's transaction `m`. A store on S3-compatible object storage would implement the same
 * methods with one object per chunk (`attachments/<id>/<index>`) and ignore `m`; docs/operations.md
 * ("Attachments") says how each method maps. Every method is written so that such a store, whose writes do
 * not roll back with the transaction, stays correct: `put` is idempotent, and `deleteChunks` is called
 * before the metadata row goes and may run again after a failed transaction.
 */
export interface AttachmentStore {
  /**
   * Stores a chunk unless one is stored under that index. A chunk is written once: the same bytes again
   * (a retry) are `already_stored`, other bytes are `different` and change nothing.
   */
  put(m: EntityManager, attachmentId: string, index: number, bytes: Buffer): Promise<ChunkPut>;
  /** A chunk's bytes, or null when none is stored under that index. */
  get(m: EntityManager, attachmentId: string, index: number): Promise<Buffer | null>;
  /** The indexes stored (ascending) and their bytes in all. */
  summary(m: EntityManager, attachmentId: string): Promise<{ indexes: number[]; bytes: number }>;
  /** Deletes at most `limit` chunks of these attachments; returns how many it deleted. */
  deleteChunks(m: EntityManager, attachmentIds: readonly string[], limit: number): Promise<number>;
  /** Those of these attachments that still have a chunk stored. */
  withChunks(m: EntityManager, attachmentIds: readonly string[]): Promise<Set<string>>;
}

/** The injection token of the store in use. */
export const ATTACHMENT_STORE = Symbol('ATTACHMENT_STORE');
