import { useState } from 'preact/hooks';
import { StrongroomApiError } from '../../../sdk/browser.js';
import { Link } from '../router.js';
import { app } from '../state/app.js';
import { Button, ErrorSummary, Field, PageTitle, useAction } from '../ui/form.js';

/** E-mail and password; then the six-digit code when the account has two-factor sign-in. */
export function SignIn({ notice }: { notice?: string }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [needsCode, setNeedsCode] = useState(false);
  const [useRecovery, setUseRecovery] = useState(false);
  const action = useAction(async () => {
    try {
      const second = !needsCode ? {} : useRecovery ? { recoveryCode: code.trim() } : { totp: code.replace(/\s/g, '') };
      await app.signIn(email.trim(), password, second);
    } catch (err) {
      if (err instanceof StrongroomApiError && err.code === 'mfa_required' && !needsCode) {
        setNeedsCode(true);
        return;
      }
      throw err;
    }
  });
  return (
    <main id="main" class="narrow">
      <PageTitle>Sign in to Strongroom</PageTitle>
      <p>For people in agencies that have signed the Information Sharing Agreement.</p>
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
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
          spellcheck={false}
          required
          value={email}
          onInput={setEmail}
        />
        <Field
          label="Password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onInput={setPassword}
        />
        {needsCode && !useRecovery && (
          <Field
            label="Code from your authenticator app"
            hint="The six digits your app shows for Strongroom now."
            inputMode="numeric"
            autoComplete="one-time-code"
            pattern="[0-9 ]{6,7}"
            required
            autoFocus
            value={code}
            onInput={setCode}
          />
        )}
        {needsCode && useRecovery && (
          <Field
            label="One of your recovery codes"
            hint="Each recovery code works once."
            autoComplete="off"
            spellcheck={false}
            required
            autoFocus
            value={code}
            onInput={setCode}
          />
        )}
        {needsCode && (
          <p>
            <Button
              variant="link"
              onClick={() => {
                setUseRecovery(!useRecovery);
                setCode('');
              }}
            >
              {useRecovery ? 'Use my authenticator app instead' : 'I do not have my authenticator: use a recovery code'}
            </Button>
          </p>
        )}
        <Button type="submit" busy={action.busy}>
          Sign in
        </Button>
      </form>
      <p>
        <Link href="/invitation">I have an invitation code: set up my account</Link>
      </p>
      <p>
        <Link href="/password-reset">I have forgotten my password</Link>
      </p>
      <h2>Prefer a terminal?</h2>
      <p>
        With Node.js 20.19 or newer, install the <code>strongroom</code> command line from this server:
      </p>
      <pre>
        <code>npm install -g {location.origin}/downloads/strongroom-cli.tgz</code>
      </pre>
      <p>
        Then <code>strongroom login --email you@agency.example</code>, and <code>strongroom --help</code> for every
        command.
      </p>
    </main>
  );
}
