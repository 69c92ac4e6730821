import { useEffect } from 'preact/hooks';
import type { NotificationView } from '../../../sdk/browser.js';
import { Link } from '../router.js';
import { listenLive } from '../state/live.js';
import { notificationsRead, notificationWords } from '../state/notifications.js';
import { app } from '../state/app.js';
import { Button, ErrorSummary, formatDateTime, PageTitle, useAction } from '../ui/form.js';
import { useLoad } from '../ui/status.js';

/**
 * The person's notifications, newest first: what was handed to them, leavers to hand over, partners'
 * withdrawals. New ones appear as they arrive. Each names records the person may open; none carries content.
 */
export function Notifications() {
  const list = useLoad(() => app.secure.client.notifications());
  useEffect(() => listenLive((rt) => [rt.on('notification', () => void list.reload())]), []);
  const readAll = useAction(async () => {
    await app.secure.client.markAllNotificationsRead();
    notificationsRead.update((n) => n + 1);
    await list.reload();
  });
  const unread = list.data?.filter((n) => !n.readAt).length ?? 0;
  return (
    <main id="main" class="narrow">
      <PageTitle>Notifications</PageTitle>
      <ErrorSummary error={list.error ?? readAll.error} />
      {list.data === null ? (
        !list.error && <p role="status">Loading…</p>
      ) : list.data.length === 0 ? (
        <p>No notifications.</p>
      ) : (
        <>
          <p>{unread === 0 ? 'All read.' : unread === 1 ? '1 not read yet.' : `${unread} not read yet.`}</p>
          {unread > 0 && (
            <Button variant="secondary" busy={readAll.busy} onClick={() => void readAll.run()}>
              Mark all read
            </Button>
          )}
          <ul class="notifications">
            {list.data.map((n) => (
              <NotificationItem key={n.id} n={n} onRead={() => void list.reload()} />
            ))}
          </ul>
        </>
      )}
    </main>
  );
}

function NotificationItem({ n, onRead }: { n: NotificationView; onRead: () => void }) {
  const words = notificationWords(n);
  const read = useAction(async () => {
    await app.secure.client.markNotificationRead(n.id);
    notificationsRead.update((x) => x + 1);
    onRead();
  });
  return (
    <li class={n.readAt ? 'notification' : 'notification unread'}>
      <p>
        {!n.readAt && <strong>New: </strong>}
        {words.text} <span class="covers">{formatDateTime(n.createdAt)}</span>
      </p>
      <p>
        {words.href && <Link href={words.href}>{words.link}</Link>}
        {!n.readAt && (
          <>
            {' '}
            <Button variant="secondary" busy={read.busy} onClick={() => void read.run()}>
              Mark read<span class="visually-hidden">: {words.text}</span>
            </Button>
          </>
        )}
      </p>
      <ErrorSummary error={read.error} />
    </li>
  );
}
