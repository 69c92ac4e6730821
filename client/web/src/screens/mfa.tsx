import { useEffect, useState } from 'preact/hooks';
import type { MfaEnrolment } from '../../../sdk/browser.js';
import { app } from '../state/app.js';
import { useObservable } from '../state/observable.js';
import { Button, ErrorSummary, Field, PageTitle, useAction } from '../ui/form.js';

/**
 * Roles that see more (ISA and agency administrators, auditors) sign in with an authenticator app too.
 * The first time, the page sets it up: the secret to add, a code to prove it works, then ten one-time
 * recovery codes, shown once.
 */
export function MfaEnrolment() {
  const me = useObservable(app.me);
  const [enrolment, setEnrolment] = useState<MfaEnrolment | null>(null);
  const [code, setCode] = useState('');
  const [recoveryCodes, setRecoveryCodes] = useState<string[] | null>(null);
  const [kept, setKept] = useState(false);
  const start = useAction(async () => setEnrolment(await app.client.mfaEnrol()));
  const verify = useAction(async () => {
    const result = await app.client.mfaVerify(code.replace(/\s/g, ''));
    setRecoveryCodes(result.recoveryCodes);
  });
  const finish = useAction(() => app.afterMfa());
  useEffect(() => {
    void start.run();
  }, []);

  if (recoveryCodes) {
    return (
      <main id="main" class="narrow">
        <PageTitle>Keep your recovery codes</PageTitle>
        <p>
          If you lose your authenticator, each of these codes lets you sign in once instead of a six-digit code. Keep
          them somewhere safe, away from this computer. They are shown only now.
        </p>
        <ul class="recovery-codes" aria-label="Your recovery codes">
          {recoveryCodes.map((c) => (
            <li key={c}>
              <code>{c}</code>
            </li>
          ))}
        </ul>
        <ErrorSummary error={finish.error} />
        <label class="check">
          <input type="checkbox" checked={kept} onChange={(e) => setKept(e.currentTarget.checked)} />
          <span>I have kept my recovery codes somewhere safe</span>
        </label>
        <Button busy={finish.busy} disabled={!kept} onClick={() => void finish.run()}>
          Continue
        </Button>
      </main>
    );
  }
  return (
    <main id="main" class="narrow">
      <PageTitle>Set up two-factor sign-in</PageTitle>
      <p>
        As {me?.user.role === 'auditor' ? 'an auditor' : 'an administrator'}, you sign in with a code from an
        authenticator app as well as your password.
      </p>
      <ErrorSummary error={start.error ?? verify.error} />
      {enrolment && (
        <>
          <ol>
            <li>
              In your authenticator app, add an account with this key (or{' '}
              <a href={enrolment.otpauthUrl}>open it in your authenticator app</a> on this device):
              <p class="device-code" aria-label="Key for your authenticator app">
                <code>{enrolment.secret.replace(/(.{4})/g, '$1 ').trim()}</code>
              </p>
            </li>
            <li>Type the six-digit code the app now shows for Strongroom.</li>
          </ol>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void verify.run();
            }}
          >
            <Field
              label="Code from your authenticator app"
              inputMode="numeric"
              autoComplete="one-time-code"
              pattern="[0-9 ]{6,7}"
              required
              value={code}
              onInput={setCode}
            />
            <Button type="submit" busy={verify.busy}>
              Turn on two-factor sign-in
            </Button>
          </form>
        </>
      )}
      <p>
        <Button variant="link" onClick={() => void app.signOut()}>
          Sign out
        </Button>
      </p>
    </main>
  );
}
