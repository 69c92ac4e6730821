import { useState } from 'preact/hooks';
import { MIN_PASSWORD_LENGTH } from '../../../../contracts/identity.js';
import { Link, navigate, takeFromFragment } from '../router.js';
import { app } from '../state/app.js';
import { Button, ErrorSummary, Field, PageTitle, useAction } from '../ui/form.js';

/**
 * Someone invited by their agency's administrator sets their password with the one-time code they were
 * given. Open to anyone (the code is the proof); nothing is signed in here.
 */
export function AcceptInvitation() {
  // The e-mailed link fills the code in; someone given it by hand types it.
  const [code, setCode] = useState(() => takeFromFragment('code'));
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const action = useAction(async () => {
    const { user } = await app.client.acceptInvitation(code.trim(), password);
    setDone(user.email);
  });
  if (done) {
    return (
      <main id="main" class="narrow">
        <PageTitle>Your account is ready</PageTitle>
        <p role="status">Your password is set. Sign in with {done} and the password you chose.</p>
        <Button onClick={() => navigate('/')}>Go to sign in</Button>
      </main>
    );
  }
  return (
    <main id="main" class="narrow">
      <PageTitle>Set up your account</PageTitle>
      <p>
        Your agency’s administrator sent or gave you an invitation code. With it, choose the password you will sign in
        with.
      </p>
      <ErrorSummary error={action.error} />
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (password.length < MIN_PASSWORD_LENGTH)
            return setProblem(`Use at least ${MIN_PASSWORD_LENGTH} characters.`);
          if (password !== again) return setProblem('The two passwords are not the same.');
          setProblem(null);
          void action.run();
        }}
      >
        <Field label="Invitation code" autoComplete="off" spellcheck={false} required value={code} onInput={setCode} />
        <Field
          label="Choose a password"
          hint={`At least ${MIN_PASSWORD_LENGTH} characters. A few unrelated words make a strong one.`}
          type="password"
          autoComplete="new-password"
          required
          error={problem}
          value={password}
          onInput={setPassword}
        />
        <Field
          label="Type the password again"
          type="password"
          autoComplete="new-password"
          required
          value={again}
          onInput={setAgain}
        />
        <Button type="submit" busy={action.busy}>
          Set my password
        </Button>
      </form>
      <p>
        <Link href="/">I already have a password: sign in</Link>
      </p>
    </main>
  );
}
