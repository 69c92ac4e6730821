import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import {
  NOTIFICATIONS_PAGE,
  type NotificationKind,
  type NotificationRefs,
  type NotificationsRead,
  type NotificationView,
} from '../../contracts/notifications.js';
import { notFound } from '../common/app-error.js';
import { Clock } from '../common/clock.js';
import { DomainEvents } from '../common/domain-events.js';
import type { AuthContext } from '../identity/auth-context.js';
import { Notifier } from './notifier.js';
import { NotificationsRepository, toNotificationView } from './notifications.repository.js';

/**
 * Each person's list of notifications. `notify` writes inside the caller's transaction, so a notification
 * exists exactly when the change it is about does; the socket event goes once it has committed, to every
 * socket of the person on every instance (through the adapter). A person who was offline finds it in
 * the list.
 */
@Injectable()
export class NotificationsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly events: DomainEvents,
    private readonly notifier: Notifier,
    private readonly repo: NotificationsRepository,
  ) {}

  /** Notifies each of `userIds` (once each) of `kind` about the records in `refs` (ids only). */
  async notify(
    m: EntityManager,
    userIds: Iterable<string>,
    kind: NotificationKind,
    refs: NotificationRefs,
  ): Promise<void> {
    const rows = await this.repo.insertMany(m, [...new Set(userIds)], kind, refs, this.clock.now());
    if (!rows.length) return;
    this.events.afterCommit(m, () => {
      for (const row of rows) this.notifier.toUser(row.user_id, 'notification', toNotificationView(row));
    });
  }

  async list(auth: AuthContext, unread: boolean): Promise<NotificationView[]> {
    return (await this.repo.list(this.db.manager, auth.user.id, unread, NOTIFICATIONS_PAGE)).map(toNotificationView);
  }

  unreadCount(auth: AuthContext): Promise<number> {
    return this.repo.unreadCount(this.db.manager, auth.user.id);
  }

  /** Marks one of the caller's notifications read (404 for anyone else's), or all with `id` null. */
  async markRead(auth: AuthContext, id: string | null): Promise<NotificationsRead> {
    const m = this.db.manager;
    const marked = await this.repo.markRead(m, auth.user.id, id, this.clock.now());
    if (id && !marked.length && !(await this.repo.exists(m, auth.user.id, id))) throw notFound('Notification');
    return { marked: marked.length };
  }
}
