import { useEffect, useRef, useState } from 'preact/hooks';
import { Button } from '../ui/form.js';

/** Where the browser's own notifications stand for this site. */
type Permission = NotificationPermission | 'unsupported';

const current = (): Permission => ('Notification' in window ? Notification.permission : 'unsupported');

/**
 * The offer of the browser's own notifications, for messages that arrive while Strongroom is in the
 * background (their words are content-free: state/inbox.ts). The browser is asked only when the person
 * presses the button, never on load: a prompt nobody asked for is refused by habit, and browsers hide
 * the prompts of sites that ask that way. Once they are on, only a line says so.
 */
export function BrowserNotifications() {
  const [permission, setPermission] = useState<Permission>(current);
  const [asking, setAsking] = useState(false);
  const stateLine = useRef<HTMLParagraphElement>(null);

  // Changed in the browser's settings while the page is open: follow it (asking the state never prompts).
  useEffect(() => {
    let status: PermissionStatus | undefined;
    const follow = () => setPermission(current());
    void navigator.permissions
      ?.query({ name: 'notifications' })
      .then((s) => {
        status = s;
        s.addEventListener('change', follow);
      })
      .catch(() => undefined);
    return () => status?.removeEventListener('change', follow);
  }, []);

  const ask = async () => {
    setAsking(true);
    try {
      setPermission(await Notification.requestPermission());
    } finally {
      setAsking(false);
    }
    // The button is gone whatever the answer: focus goes to the words that say how it stands now.
    stateLine.current?.focus();
  };
  const offer = permission === 'default' || permission === 'denied';
  return (
    <section class={offer ? 'notify-panel' : 'notify-line'} aria-label="Browser notifications">
      {offer && (
        <p key="offer">
          Get a browser notification when a message arrives while Strongroom is in the background. It says only that a
          message came, never what it says or who sent it.
        </p>
      )}
      <p key="state" role="status" tabIndex={-1} ref={stateLine} class={offer ? undefined : 'hint'}>
        {STATE_WORDS[permission]}
      </p>
      {permission === 'default' && (
        <Button key="ask" variant="secondary" busy={asking} onClick={() => void ask()}>
          Turn on browser notifications
        </Button>
      )}
    </section>
  );
}

const STATE_WORDS: Record<Permission, string> = {
  granted: 'Browser notifications are on.',
  default: 'Browser notifications are off. Your browser will ask you to allow them.',
  denied:
    'Browser notifications are blocked in your browser’s settings. To get them, allow notifications for this site there.',
  unsupported: 'Browser notifications are not supported by this browser.',
};
