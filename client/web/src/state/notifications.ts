import { useEffect, useState } from 'preact/hooks';
import type { NotificationView } from '../../../sdk/browser.js';
import { app } from './app.js';
import { listenLive } from './live.js';
import { Observable, useObservable } from './observable.js';

/** Bumped when this page marks notifications read, so the navigation's count follows at once. */
export const notificationsRead = new Observable<number>(0);

/**
 * In the navigation: how many of the person's notifications are not read yet. A new one is heard live
 * (`notification`, from any instance); 0 until known.
 */
export function useUnreadNotifications(ready: boolean): number {
  const me = useObservable(app.me);
  const read = useObservable(notificationsRead);
  const [unread, setUnread] = useState(0);
  const [round, setRound] = useState(0);
  useEffect(() => {
    if (!ready) return;
    return listenLive((rt) => [rt.on('notification', () => setRound((n) => n + 1))]);
  }, [ready, me?.user.id]);
  useEffect(() => {
    if (!ready) {
      setUnread(0);
      return;
    }
    let current = true;
    app.secure.client.unreadNotifications().then(
      (r) => current && setUnread(r.unread),
      () => undefined, // no count shown; the notifications page says why it cannot list them
    );
    return () => {
      current = false;
    };
  }, [ready, me?.user.id, read, round]);
  return unread;
}

/** What a notification says, in plain words, and where to go about it. */
export function notificationWords(n: NotificationView): { text: string; href: string | null; link: string } {
  const r = n.refs;
  switch (n.kind) {
    case 'action_assigned':
      return { text: 'An action was handed to you.', href: '/actions', link: 'See your actions' };
    case 'lead_worker_assigned':
      return {
        text: 'You are now the lead worker of a family.',
        href: `/families/${r.familyId}`,
        link: 'Open the family',
      };
    case 'hand_over_needed':
      return {
        text: 'Someone who left has open actions or families to hand over.',
        href: `/admin/users/${r.userId}/hand-over`,
        link: 'Hand them over',
      };
    case 'lead_worker_left':
      return {
        text: 'A family’s lead worker has left: it needs a new lead worker.',
        href: `/admin/users/${r.userId}/hand-over`,
        link: 'Choose a new lead worker',
      };
    case 'agency_withdrawn':
      return {
        text: 'A partner agency has withdrawn from the agreement: its people have left every conversation.',
        href: app.user.role === 'isa_admin' ? `/admin/agencies/${r.agencyId}` : null,
        link: 'See the agency',
      };
    case 'consultation_requested':
      return {
        text: 'Another agency consults yours on a request for information from the public: answer within 5 days.',
        href: '/admin/subject-access',
        link: 'See the consultations',
      };
  }
}
