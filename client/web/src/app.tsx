import type { ComponentType } from 'preact';
import { useEffect } from 'preact/hooks';
import { Link, match, usePath } from './router.js';
import { app } from './state/app.js';
import { useObservable } from './state/observable.js';
import { useHubWorker } from './state/referrals.js';
import { useUnreadNotifications } from './state/notifications.js';
import { useWaitingRequests } from './state/requests.js';
import { Attest } from './screens/attest.js';
import { AcceptInvitation } from './screens/invitation.js';
import { MfaEnrolment } from './screens/mfa.js';
import { PasswordReset } from './screens/password-reset.js';
import { Keys } from './screens/keys.js';
import { SignIn } from './screens/sign-in.js';
import { ROUTES, NotFound } from './routes.js';
import { Button } from './ui/form.js';

/** The page: what the visit's phase asks for, and once ready the screens behind the navigation. */
export function App() {
  const phase = useObservable(app.phase);
  const path = usePath();
  useEffect(() => {
    const moved = () => app.activity();
    for (const e of ['keydown', 'pointerdown', 'touchstart']) addEventListener(e, moved, { passive: true });
    return () => {
      for (const e of ['keydown', 'pointerdown', 'touchstart']) removeEventListener(e, moved);
    };
  }, []);
  return (
    <>
      <a class="skip-link" href="#main">
        Skip to main content
      </a>
      <Header ready={phase.kind === 'ready'} />
      {phase.kind === 'starting' && (
        <main id="main" class="narrow">
          <p role="status">Starting…</p>
        </main>
      )}
      {phase.kind === 'signed-out' &&
        (path === '/invitation' ? (
          <AcceptInvitation />
        ) : path === '/password-reset' ? (
          <PasswordReset />
        ) : (
          <SignIn notice={phase.notice} />
        ))}
      {phase.kind === 'mfa' && <MfaEnrolment />}
      {phase.kind === 'attest' && <Attest />}
      {phase.kind === 'keys' && <Keys />}
      {phase.kind === 'ready' && <Ready />}
    </>
  );
}

function Header({ ready }: { ready: boolean }) {
  const me = useObservable(app.me);
  const hub = useHubWorker(ready);
  const waiting = useWaitingRequests(ready);
  const unread = useUnreadNotifications(ready);
  return (
    <header class="site-header">
      <div class="brand">
        <a href="/" class="brand-name">
          Strongroom
        </a>
      </div>
      {ready && me && (
        <>
          <nav aria-label="Main">
            <ul>
              {NAV.filter((n) => (!n.roles || n.roles.includes(me.user.role)) && (!n.hub || hub)).map((n) => (
                <li key={n.href}>
                  <Link href={n.href}>
                    {n.label}
                    {n.href === '/requests' && waiting > 0 && (
                      <>
                        {' '}
                        <span class="badge nav-badge">
                          {waiting}
                          <span class="visually-hidden"> waiting for your agency’s answer</span>
                        </span>
                      </>
                    )}
                    {n.href === '/notifications' && unread > 0 && (
                      <>
                        {' '}
                        <span class="badge nav-badge">
                          {unread}
                          <span class="visually-hidden"> not read yet</span>
                        </span>
                      </>
                    )}
                  </Link>
                </li>
              ))}
            </ul>
          </nav>
          <div class="who">
            <span>
              {me.user.displayName}, {me.agency.name}
            </span>
            <Button variant="secondary" onClick={() => app.lock()}>
              Lock
            </Button>
            <Button variant="secondary" onClick={() => void app.signOut()}>
              Sign out
            </Button>
          </div>
        </>
      )}
    </header>
  );
}

/** The main navigation: `roles` shows a link only to those roles, `hub` only to the MASH hub's staff. */
const NAV: { href: string; label: string; roles?: string[]; hub?: true }[] = [
  { href: '/', label: 'Messages' },
  { href: '/search', label: 'Search' },
  { href: '/meetings', label: 'Meetings' },
  { href: '/actions', label: 'My actions' },
  { href: '/families', label: 'Families' },
  // Requests between agencies (issue 14): asked by lead workers and the hub, answered by agency admins.
  { href: '/requests', label: 'Information requests', roles: ['practitioner', 'mash_worker', 'agency_admin'] },
  { href: '/referrals', label: 'My referrals', roles: ['practitioner', 'mash_worker', 'agency_admin'] },
  { href: '/referrals/queue', label: 'Hub queue', hub: true },
  { href: '/notifications', label: 'Notifications' },
  { href: '/devices', label: 'Your devices' },
  { href: '/sessions', label: 'Sign-in sessions' },
  { href: '/admin', label: 'Administration', roles: ['isa_admin', 'agency_admin', 'auditor'] },
];

function Ready() {
  const path = usePath();
  let screen: { Screen: ComponentType<{ params: Record<string, string> }>; params: Record<string, string> } | null =
    null;
  for (const [pattern, Screen] of ROUTES) {
    const params = match(pattern, path);
    if (params) {
      screen = { Screen, params };
      break;
    }
  }
  return (
    <>
      <ConnectionBanner />
      <Notices />
      {screen ? <screen.Screen key={path} params={screen.params} /> : <NotFound />}
    </>
  );
}

/** Shown while the live connection is lost; messages are caught up when it is back. */
function ConnectionBanner() {
  const connection = useObservable(app.connection);
  return (
    <div role="status" class={connection === 'offline' ? 'banner banner-warning' : 'visually-hidden'}>
      {connection === 'offline' &&
        'Connection lost. Trying to reconnect; new messages will appear when it is back. What you send is kept until then.'}
    </div>
  );
}

/** In-page notices, announced politely to screen readers; named apart from the Notifications page the nav links to. */
function Notices() {
  const notices = useObservable(app.notices);
  return (
    <section class="notices" aria-label="Status messages" aria-live="polite">
      {notices.map((n) => (
        <div class="notice-item" key={n.id}>
          {n.href ? <Link href={n.href}>{n.text}</Link> : <span>{n.text}</span>}
          <Button variant="link" aria-label={`Dismiss: ${n.text}`} onClick={() => app.dismiss(n.id)}>
            Dismiss
          </Button>
        </div>
      ))}
    </section>
  );
}
