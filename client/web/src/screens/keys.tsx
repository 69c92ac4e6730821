import { useEffect, useState } from 'preact/hooks';
import { app } from '../state/app.js';
import { useObservable } from '../state/observable.js';
import { Button, ErrorSummary, Field, PageTitle, useAction } from '../ui/form.js';

const MIN_PASSPHRASE = 10; // as the CLI asks

type Step =
  | { kind: 'checking' }
  | { kind: 'unlock' }
  | { kind: 'first' }
  | { kind: 'another' }
  | { kind: 'recovery-key'; key: string }
  | { kind: 'waiting'; code: string; passphrase: string };

/**
 * This browser's keys: unlocked with the passphrase on each visit, or set up the first time. A person's
 * first device makes their identity key (and shows the recovery key once); a further one waits until
 * another of their devices approves it by its code, or until they type their recovery key.
 */
export function Keys() {
  const me = useObservable(app.me);
  const [step, setStep] = useState<Step>({ kind: 'checking' });
  useEffect(() => {
    void (async () => {
      if (await app.hasDevice()) return setStep({ kind: 'unlock' });
      const published = await app.client.userIdentity(app.user.id);
      setStep({ kind: published.identityPublicKey ? 'another' : 'first' });
    })().catch((err: unknown) => {
      app.failed(err);
      setStep({ kind: 'unlock' });
    });
  }, []);
  return (
    <main id="main" class="narrow">
      {step.kind === 'checking' && <p role="status">Looking for this browser’s keys…</p>}
      {step.kind === 'unlock' && (
        <Unlock onWaiting={(code, passphrase) => setStep({ kind: 'waiting', code, passphrase })} />
      )}
      {(step.kind === 'first' || step.kind === 'another') && (
        <SetUp
          first={step.kind === 'first'}
          onRecoveryKey={(key) => setStep({ kind: 'recovery-key', key })}
          onWaiting={(code, passphrase) => setStep({ kind: 'waiting', code, passphrase })}
        />
      )}
      {step.kind === 'recovery-key' && <RecoveryKey recoveryKey={step.key} />}
      {step.kind === 'waiting' && <Waiting code={step.code} passphrase={step.passphrase} />}
      <p class="signed-in-as">
        Signed in as {me?.user.displayName} ({me?.agency.name}).{' '}
        <Button variant="link" onClick={() => void app.signOut()}>
          Sign out
        </Button>
      </p>
    </main>
  );
}

function Unlock({ onWaiting }: { onWaiting: (code: string, passphrase: string) => void }) {
  const [passphrase, setPassphrase] = useState('');
  const action = useAction(async () => {
    const result = await app.unlock(passphrase);
    if (result) onWaiting(result.waiting, passphrase);
  });
  return (
    <>
      <PageTitle>Unlock your keys</PageTitle>
      <p>
        Messages are encrypted on your devices. This browser keeps your keys locked with your passphrase; they stay
        unlocked while you use the page and lock again after 15 minutes without use.
      </p>
      <ErrorSummary error={action.error} />
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void action.run();
        }}
      >
        <Field
          label="Passphrase for this browser"
          type="password"
          autoComplete="current-password"
          required
          value={passphrase}
          onInput={setPassphrase}
        />
        <Button type="submit" busy={action.busy}>
          Unlock
        </Button>
      </form>
    </>
  );
}

function SetUp(props: {
  first: boolean;
  onRecoveryKey: (key: string) => void;
  onWaiting: (code: string, passphrase: string) => void;
}) {
  const [passphrase, setPassphrase] = useState('');
  const [again, setAgain] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const action = useAction(async () => {
    if (props.first) props.onRecoveryKey(await app.setUpFirstDevice(passphrase));
    else props.onWaiting(await app.requestApproval(passphrase), passphrase);
  });
  const submit = () => {
    if (passphrase.length < MIN_PASSPHRASE) return setProblem(`Use at least ${MIN_PASSPHRASE} characters.`);
    if (passphrase !== again) return setProblem('The two passphrases are not the same.');
    setProblem(null);
    void action.run();
  };
  return (
    <>
      <PageTitle>Set up this browser</PageTitle>
      {props.first ? (
        <p>
          This is your first device. Strongroom makes your keys here: they never leave this browser unencrypted, and the
          server never sees them. You will be given a recovery key to keep safe.
        </p>
      ) : (
        <p>
          You already use Strongroom on another device. This browser gets keys of its own, and one of your other devices
          approves it (or your recovery key does).
        </p>
      )}
      <ErrorSummary error={action.error} />
      <form
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <Field
          label="Choose a passphrase for this browser"
          hint={`At least ${MIN_PASSPHRASE} characters. It locks your keys in this browser; it is not your password.`}
          type="password"
          autoComplete="new-password"
          required
          value={passphrase}
          error={problem}
          onInput={setPassphrase}
        />
        <Field
          label="Type the passphrase again"
          type="password"
          autoComplete="new-password"
          required
          value={again}
          onInput={setAgain}
        />
        <Button type="submit" busy={action.busy}>
          Set up this browser
        </Button>
      </form>
    </>
  );
}

function RecoveryKey({ recoveryKey }: { recoveryKey: string }) {
  const [kept, setKept] = useState(false);
  const action = useAction(async () => {
    await app.pendingReady?.();
  });
  return (
    <>
      <PageTitle>Keep your recovery key</PageTitle>
      <p>
        This key lets you approve a new device, or get back in if you lose this one. Write it down or store it in your
        agency’s password manager. It is shown only once, and nobody (not Strongroom, not your administrator) can show
        it again.
      </p>
      <p class="recovery-key" aria-label="Your recovery key">
        <code>{recoveryKey}</code>
      </p>
      <ErrorSummary error={action.error} />
      <label class="check">
        <input type="checkbox" checked={kept} onChange={(e) => setKept(e.currentTarget.checked)} />
        <span>I have kept my recovery key somewhere safe</span>
      </label>
      <Button busy={action.busy} disabled={!kept} onClick={() => void action.run()}>
        Continue
      </Button>
    </>
  );
}

/** Waiting for approval: shows the code, checks every few seconds, or takes the recovery key instead. */
function Waiting({ code, passphrase }: { code: string; passphrase: string }) {
  const [recoveryKey, setRecoveryKey] = useState('');
  const action = useAction(() => app.approveWithRecoveryKey(passphrase, recoveryKey));
  useEffect(() => {
    let stopped = false;
    const check = async () => {
      if (stopped) return;
      try {
        if (await app.checkApproval(passphrase)) return;
      } catch (err) {
        app.failed(err);
      }
      if (!stopped) timer = setTimeout(() => void check(), 3000);
    };
    let timer = setTimeout(() => void check(), 3000);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [passphrase]);
  return (
    <>
      <PageTitle>Approve this browser</PageTitle>
      <p>On a device where you already use Strongroom, approve this browser with this code:</p>
      <p class="device-code" aria-label="This browser's code">
        <code>{code}</code>
      </p>
      <ul>
        <li>
          In another browser: <strong>Your devices</strong>, then <strong>Approve a device</strong>, and type the code.
        </li>
        <li>
          On the command line: <code>strongroom device approve {code.replace(/\s/g, '')}</code>
        </li>
      </ul>
      <p role="status">Waiting for approval. This page carries on by itself once it is approved.</p>
      <h2>Or use your recovery key</h2>
      <ErrorSummary error={action.error} />
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void action.run();
        }}
      >
        <Field
          label="Recovery key"
          autoComplete="off"
          spellcheck={false}
          required
          value={recoveryKey}
          onInput={setRecoveryKey}
        />
        <Button type="submit" busy={action.busy}>
          Approve with my recovery key
        </Button>
      </form>
    </>
  );
}
