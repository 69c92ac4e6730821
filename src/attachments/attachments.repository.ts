import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AttachmentPurpose, AttachmentState, AttachmentView } from '../../contracts/attachments.js';
import { returningRows } from '../common/sql.js';

/** A row of `attachments`. */
export interface AttachmentRow {
  id: string;
  channel_id: string;
  uploader_user_id: string;
  uploader_device_id: string;
  purpose: AttachmentPurpose;
  state: AttachmentState;
  chunk_count: number;
  /** bigint arrives from pg as a string. */
  size_bytes: string;
  created_at: Date;
  completed_at: Date | null;
  expires_at: Date | null;
}

/** A new attachment, as declared. */
export interface NewAttachment {
  id: string;
  channelId: string;
  uploaderUserId: string;
  uploaderDeviceId: string;
  purpose: AttachmentPurpose;
  chunkCount: number;
  sizeBytes: number;
  createdAt: Date;
  expiresAt: Date | null;
}

export const toAttachmentView = (a: AttachmentRow): AttachmentView => ({
  id: a.id,
  channelId: a.channel_id,
  uploaderUserId: a.uploader_user_id,
  uploaderDeviceId: a.uploader_device_id,
  purpose: a.purpose,
  state: a.state,
  chunkCount: a.chunk_count,
  sizeBytes: Number(a.size_bytes),
  createdAt: a.created_at.toISOString(),
  completedAt: a.completed_at?.toISOString() ?? null,
  expiresAt: a.expires_at?.toISOString() ?? null,
});

const LOCKS = { none: '', share: 'FOR SHARE', update: 'FOR UPDATE' } as const;

/** Attachments' metadata (`attachments`); their bytes are the `AttachmentStore`'s. */
@Injectable()
export class AttachmentsRepository {
  /**
   * The attachment, or null. `share` holds it while a chunk is stored (so completing waits for stores in
   * flight, and a store after completion sees it complete); `update` holds it to complete or delete it.
   */
  async find(m: EntityManager, id: string, lock: keyof typeof LOCKS = 'none'): Promise<AttachmentRow | null> {
    const [row] = await m.query<AttachmentRow[]>(`SELECT * FROM attachments WHERE id = $1 ${LOCKS[lock]}`, [id]);
    return row ?? null;
  }

  /** Stores a declared attachment; false when the id is taken (by a retry of the same declaration, or not). */
  async insert(m: EntityManager, a: NewAttachment): Promise<boolean> {
    const rows = await returningRows<{ id: string }>(
      m,
      `INSERT INTO attachments (id, channel_id, uploader_user_id, uploader_device_id, purpose, chunk_count, size_bytes,
                                created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (id) DO NOTHING RETURNING id`,
      [
        a.id,
        a.channelId,
        a.uploaderUserId,
        a.uploaderDeviceId,
        a.purpose,
        a.chunkCount,
        a.sizeBytes,
        a.createdAt,
        a.expiresAt,
      ],
    );
    return rows.length === 1;
  }

  async markComplete(m: EntityManager, id: string, at: Date): Promise<void> {
    await m.query(`UPDATE attachments SET state = 'complete', completed_at = $2 WHERE id = $1`, [id, at]);
  }

  /** Makes an attachment expire now: unreadable at once, its bytes deleted by the retention job. */
  async expireNow(m: EntityManager, id: string, at: Date): Promise<void> {
    await m.query('UPDATE attachments SET expires_at = $2 WHERE id = $1', [id, at]);
  }

  async deleteMany(m: EntityManager, ids: readonly string[]): Promise<number> {
    if (!ids.length) return 0;
    const rows = await returningRows<{ id: string }>(
      m,
      'DELETE FROM attachments WHERE id = ANY($1::uuid[]) RETURNING id',
      [ids],
    );
    return rows.length;
  }
}
