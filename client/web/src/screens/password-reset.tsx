import { useEffect, useState } from 'preact/hooks';
import { StrongroomApiError } from '../../../sdk/browser.js';
import { Link, navigate, takeFromFragment } from '../router.js';
import { app } from '../state/app.js';
import { Button, ErrorSummary, Field, PageTitle, useAction } from '../ui/form.js';
import { NewPasswordFields, useNewPassword } from '../ui/new-password.js';

/**
 * A forgotten password: without a code, ask for a reset link by e-mail; opened from that link (the code after
 * `#`), choose the new password, with the authenticator code when the account has two-factor sign-in. Open to
 * anyone (the e-mailed code is the proof); nothing is signed in here.
 */
export function PasswordReset() {
  const [token, setToken] = useState(() => takeFromFragment('token'));
  // The link opened in the tab that asked for it (still on this page): only the part after `#` changed.
  useEffect(() => {
    const arrived = () => {
      const given = takeFromFragment('token');
      if (given) setToken(given);
    };
    addEventListener('hashchange', arrived);
    return () => removeEventListener('hashchange', arrived);
  }, []);
  return token ? <ChooseNewPassword token={token} /> : <AskForLink />;
}

function AskForLink() {
  const [email, setEmail] = useState('');
  const [answer, setAnswer] = useState<string | null>(null);
  const action = useAction(async () => setAnswer((await app.client.requestPasswordReset(email.trim())).message));
  if (answer) {
    return (
      <main id="main" class="narrow">
        <PageTitle>Check your e-mail</PageTitle>
        <p role="status">{answer}</p>
        <p>
          <Link href="/">Back to sign in</Link>
        </p>
      </main>
    );
  }
  return (
    <main id="main" class="narrow">
      <PageTitle>Forgotten password</PageTitle>
      <p>
        Give the e-mail address you sign in with. If it has an account, a link to choose a new password is sent to it.
      </p>
      <ErrorSummary error={action.error} />
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void action.run();
        }}
      >
        <Field
          label="Work e-mail address"
          type="email"
          autoComplete="username"
          required
          value={email}
          onInput={setEmail}
        />
        <Button type="submit" busy={action.busy}>
          Send me a link
        </Button>
      </form>
      <p>
        <Link href="/">I remember it: sign in</Link>
      </p>
    </main>
  );
}

function ChooseNewPassword({ token }: { token: string }) {
  const chosen = useNewPassword();
  const [totp, setTotp] = useState('');
  const [needsCode, setNeedsCode] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const action = useAction(async () => {
    try {
      const result = await app.client.completePasswordReset({
        token,
        newPassword: chosen.password,
        ...(totp.trim() ? { totp: totp.trim() } : {}),
      });
      setDone(result.email);
    } catch (err) {
      // The account has two-factor sign-in: ask for the code, keeping what was typed.
      if (err instanceof StrongroomApiError && err.code === 'mfa_required') setNeedsCode(true);
      throw err;
    }
  });
  if (done) {
    return (
      <main id="main" class="narrow">
        <PageTitle>Your new password is set</PageTitle>
        <p role="status">
          Sign in with {done} and the new password. Every session you had open has ended, on every device.
        </p>
        <Button onClick={() => navigate('/')}>Go to sign in</Button>
      </main>
    );
  }
  return (
    <main id="main" class="narrow">
      <PageTitle>Choose a new password</PageTitle>
      <ErrorSummary error={action.error} />
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (chosen.check()) void action.run();
        }}
      >
        <NewPasswordFields chosen={chosen} label="New password" againLabel="Type the new password again" />
        {needsCode && (
          <Field
            label="Code from your authenticator app"
            hint="Your account has two-factor sign-in: the link alone is not enough."
            autoComplete="one-time-code"
            inputMode="numeric"
            required
            value={totp}
            onInput={setTotp}
          />
        )}
        <Button type="submit" busy={action.busy}>
          Set my new password
        </Button>
      </form>
      <p>
        <Link href="/password-reset">The link does not work: send me a new one</Link>
      </p>
    </main>
  );
}
