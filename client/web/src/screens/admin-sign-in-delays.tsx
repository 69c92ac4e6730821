import { useState } from 'preact/hooks';
import { app } from '../state/app.js';
import { ConfirmButton } from '../ui/confirm.js';
import { ErrorSummary, formatDateTime, PageTitle } from '../ui/form.js';
import { Status, useLoad } from '../ui/status.js';
import { count } from '../ui/words.js';
import { Td } from '../ui/table.js';
import { AdminPage } from './admin.js';

/**
 * Sign-in delays: failed sign-ins slow an account (and a network) down rather than lock it. The ISA
 * team sees who is held back and until when, and can let a person back in at once (audited).
 */
export function AdminSignInDelays() {
  const list = useLoad(() => app.secure.client.signInThrottles());
  const [status, setStatus] = useState<string | null>(null);
  const t = list.data;
  return (
    <AdminPage part="signInDelays" title="Sign-in delays">
      <PageTitle>Sign-in delays</PageTitle>
      <p>
        After failed sign-ins, Strongroom makes the next attempt wait, longer each time, instead of locking the account.
        If someone is held back after forgetting their password, you can let them try again at once.
      </p>
      <Status>{status}</Status>
      <ErrorSummary error={list.error} />
      {!t ? (
        !list.error && <p role="status">Loading…</p>
      ) : (
        <>
          <h2>Accounts</h2>
          {t.accounts.length === 0 ? (
            <p>No account is held back.</p>
          ) : (
            <table class="table">
              <caption class="visually-hidden">Accounts held back after failed sign-ins</caption>
              <thead>
                <tr>
                  <th scope="col">Person</th>
                  <th scope="col">Failed attempts</th>
                  <th scope="col">Held back</th>
                  <th scope="col">
                    <span class="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {t.accounts.map((a) => (
                  <tr key={a.user.id}>
                    <th scope="row">
                      {a.user.displayName}
                      <span class="covers">{a.user.email}</span>
                    </th>
                    <Td label="Failed attempts">{a.failures}</Td>
                    <Td label="Held back">
                      since {formatDateTime(a.throttledSince)}, until {formatDateTime(a.throttledUntil)}
                    </Td>
                    <td>
                      <ConfirmButton
                        label={
                          <>
                            Let them in now<span class="visually-hidden"> ({a.user.displayName})</span>
                          </>
                        }
                        question={`Forget ${a.user.displayName}’s failed sign-ins, so they can try again at once? Do this only once you know it was them.`}
                        confirmLabel="Yes, let them in"
                        onConfirm={async () => {
                          await app.secure.client.clearSignInThrottle(a.user.id);
                          setStatus(`${a.user.displayName} can sign in again now.`);
                          await list.reload();
                        }}
                      />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <h2>Networks</h2>
          {t.sources.length === 0 ? (
            <p>No network is held back.</p>
          ) : (
            <table class="table">
              <caption class="visually-hidden">Network addresses held back after failed sign-ins</caption>
              <thead>
                <tr>
                  <th scope="col">Network address</th>
                  <th scope="col">Failed attempts</th>
                  <th scope="col">Held back until</th>
                </tr>
              </thead>
              <tbody>
                {t.sources.map((s) => (
                  <tr key={s.source}>
                    <th scope="row">
                      <code>{s.source}</code>
                    </th>
                    <Td label="Failed attempts">{s.failures}</Td>
                    <Td label="Held back until">{formatDateTime(s.throttledUntil)}</Td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {t.otherAddresses > 0 && (
            <p>
              Also held back: {count(t.otherAddresses, 'e-mail address', 'e-mail addresses')} that belong to nobody here
              (someone guessing).
            </p>
          )}
        </>
      )}
    </AdminPage>
  );
}
