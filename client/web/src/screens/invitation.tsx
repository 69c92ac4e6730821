import { useState } from 'preact/hooks';
import { Link, navigate, takeFromFragment } from '../router.js';
import { app } from '../state/app.js';
import { Button, ErrorSummary, Field, PageTitle, useAction } from '../ui/form.js';
import { NewPasswordFields, useNewPassword } from '../ui/new-password.js';

/**
 * Someone invited by their agency's administrator sets their password with the one-time code they were
 * given. Open to anyone (the code is the proof); nothing is signed in here.
 */
export function AcceptInvitation() {
  // The e-mailed link fills the code in; someone given it by hand types it.
  const [code, setCode] = useState(() => takeFromFragment('code'));
  const chosen = useNewPassword();
  const [done, setDone] = useState<string | null>(null);
  const action = useAction(async () => {
    const { user } = await app.client.acceptInvitation(code.trim(), chosen.password);
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
          if (chosen.check()) void action.run();
        }}
      >
        <Field label="Invitation code" autoComplete="off" spellcheck={false} required value={code} onInput={setCode} />
        <NewPasswordFields chosen={chosen} label="Choose a password" againLabel="Type the password again" />
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
