import { useState } from 'preact/hooks';
import type { SessionView } from '../../../sdk/browser.js';
import { app } from '../state/app.js';
import { describeUserAgent } from '../state/user-agent.js';
import { ConfirmButton } from '../ui/confirm.js';
import { ErrorSummary, formatDateTime, PageTitle } from '../ui/form.js';
import { Status, useLoad } from '../ui/status.js';
import { Td } from '../ui/table.js';

/** "Chrome on Windows" from a browser's user-agent text; the CLI says so; anything else as it is. */
function clientName(ua: string | null): string {
  if (!ua) return 'Unknown';
  if (/strongroom/i.test(ua) || /^node/i.test(ua)) return 'The command line, or a program';
  const { browser, os } = describeUserAgent(ua);
  if (!browser) return ua.length > 60 ? `${ua.slice(0, 60)}…` : ua;
  return os ? `${browser} on ${os}` : browser;
}

/**
 * Where the person is signed in: each session with when it began, when it was last used and from
 * where; end any other one, or sign out everywhere (this browser included).
 */
export function Sessions() {
  const list = useLoad(() => app.secure.client.sessions());
  const [status, setStatus] = useState<string | null>(null);
  const others = list.data?.filter((s) => !s.current) ?? [];
  return (
    <main id="main">
      <PageTitle>Where you are signed in</PageTitle>
      <p>
        If you see a session you do not recognise, end it and change your password, then tell your agency’s
        administrator.
      </p>
      <Status>{status}</Status>
      <ErrorSummary error={list.error} />
      {list.data === null ? (
        !list.error && <p role="status">Loading…</p>
      ) : (
        <table class="table">
          <caption class="visually-hidden">Your sign-in sessions, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Where</th>
              <th scope="col">Signed in</th>
              <th scope="col">Last used</th>
              <th scope="col">Ends</th>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.data.map((s) => (
              <SessionRow
                key={s.id}
                s={s}
                onEnded={(said) => {
                  setStatus(said);
                  void list.reload();
                }}
              />
            ))}
          </tbody>
        </table>
      )}
      <h2>Sign out everywhere</h2>
      <p>
        Ends every session of yours
        {others.length ? `, the ${others.length === 1 ? 'other one' : `${others.length} others`}` : ''} and this one.
        Your devices keep their keys; you sign in again on each.
      </p>
      <ConfirmButton
        variant="warning"
        label="Sign out everywhere"
        question="Sign out everywhere, this browser included?"
        confirmLabel="Yes, sign out everywhere"
        onConfirm={async () => {
          await app.secure.client.logoutEverywhere();
          app.signedOutElsewhere('logout_everywhere');
        }}
      />
    </main>
  );
}

function SessionRow({ s, onEnded }: { s: SessionView; onEnded: (said: string) => void }) {
  const where = `${clientName(s.userAgent)}${s.ip ? `, from ${s.ip}` : ''}`;
  // Unused, a session ends at its idle expiry (which moves on with use); used, at its absolute one at the latest.
  const idleFirst = s.idleExpiresAt < s.absoluteExpiresAt;
  return (
    <tr>
      <th scope="row">
        {where}
        {s.current && <strong> (this browser)</strong>}
        {s.stage === 'mfa_enrolment' && <span class="covers">Setting up an authenticator app</span>}
      </th>
      <Td label="Signed in">{formatDateTime(s.createdAt)}</Td>
      <Td label="Last used">{formatDateTime(s.lastSeenAt)}</Td>
      <Td label="Ends">
        {idleFirst
          ? `${formatDateTime(s.idleExpiresAt)} if not used; ${formatDateTime(s.absoluteExpiresAt)} at the latest`
          : formatDateTime(s.absoluteExpiresAt)}
      </Td>
      <td>
        {!s.current && (
          <ConfirmButton
            label={
              <>
                End<span class="visually-hidden"> the session {where}</span>
              </>
            }
            question={`End the session ${where}? Whoever uses it is signed out at once.`}
            confirmLabel="Yes, end it"
            onConfirm={async () => {
              await app.secure.client.revokeSession(s.id);
              onEnded(`Ended the session ${where}.`);
            }}
          />
        )}
      </td>
    </tr>
  );
}
