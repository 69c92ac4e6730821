import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { NotificationKind, NotificationRefs, NotificationView } from '../../contracts/notifications.js';
import { returningRows } from '../common/sql.js';

/** A row of `notifications`. */
export interface NotificationRow {
  id: string;
  user_id: string;
  kind: NotificationKind;
  refs: NotificationRefs;
  created_at: Date;
  read_at: Date | null;
}

export const toNotificationView = (r: NotificationRow): NotificationView => ({
  id: r.id,
  kind: r.kind,
  refs: r.refs,
  createdAt: r.created_at.toISOString(),
  readAt: r.read_at?.toISOString() ?? null,
});

/** Each person's notifications: every query on `notifications`. */
@Injectable()
export class NotificationsRepository {
  /** One notification of the same kind and refs for each of `userIds`; the rows made. */
  insertMany(
    m: EntityManager,
    userIds: readonly string[],
    kind: NotificationKind,
    refs: NotificationRefs,
    now: Date,
  ): Promise<NotificationRow[]> {
    if (!userIds.length) return Promise.resolve([]);
    return returningRows<NotificationRow>(
      m,
      `INSERT INTO notifications (user_id, kind, refs, created_at)
       SELECT u, $2, $3::jsonb, $4 FROM unnest($1::uuid[]) AS u
       RETURNING id, user_id, kind, refs, created_at, read_at`,
      [userIds, kind, JSON.stringify(refs), now],
    );
  }

  /** Newest first, at most `limit`; `unread` for those not read yet only. */
  list(m: EntityManager, userId: string, unread: boolean, limit: number): Promise<NotificationRow[]> {
    return m.query<NotificationRow[]>(
      `SELECT id, user_id, kind, refs, created_at, read_at FROM notifications
        WHERE user_id = $1 ${unread ? 'AND read_at IS NULL' : ''}
        ORDER BY created_at DESC, id LIMIT ${limit}`,
      [userId],
    );
  }

  async unreadCount(m: EntityManager, userId: string): Promise<number> {
    const [{ n }] = await m.query<{ n: number }[]>(
      'SELECT count(*)::int AS n FROM notifications WHERE user_id = $1 AND read_at IS NULL',
      [userId],
    );
    return n;
  }

  /** Marks one (when `id` is given) or all of a person's unread notifications read; their ids. */
  async markRead(m: EntityManager, userId: string, id: string | null, now: Date): Promise<string[]> {
    const rows = await returningRows<{ id: string }>(
      m,
      `UPDATE notifications SET read_at = $3
        WHERE user_id = $1 AND read_at IS NULL AND ($2::uuid IS NULL OR id = $2::uuid) RETURNING id`,
      [userId, id, now],
    );
    return rows.map((r) => r.id);
  }

  async exists(m: EntityManager, userId: string, id: string): Promise<boolean> {
    const rows = await m.query<unknown[]>('SELECT 1 FROM notifications WHERE user_id = $1 AND id = $2', [userId, id]);
    return rows.length > 0;
  }
}
