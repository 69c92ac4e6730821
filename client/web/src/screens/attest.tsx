import { useEffect, useState } from 'preact/hooks';
import type { AgreementVersion } from '../../../sdk/browser.js';
import { app } from '../state/app.js';
import { Button, ErrorSummary, formatDate, PageTitle, useAction } from '../ui/form.js';
import { useObservable } from '../state/observable.js';

/**
 * First sign-in under an agreement version: the person confirms they have read the agreement and the
 * sharing advice and will keep what they see confidential (ISA clause 8), before anything is shared.
 */
export function Attest() {
  const me = useObservable(app.me);
  const [read, setRead] = useState(false);
  const [advice, setAdvice] = useState(false);
  const [confidential, setConfidential] = useState(false);
  const action = useAction(() => app.attest());
  const [agreement, setAgreement] = useState<AgreementVersion | null>(null);
  useEffect(() => {
    void app.client.currentAgreement().then(setAgreement, () => setAgreement(null));
  }, []);
  const a = me?.attestation;
  return (
    <main id="main" class="narrow">
      <PageTitle>Before you start</PageTitle>
      <p>
        Strongroom is for sharing information about families under the Information Sharing Agreement
        {a?.agreementVersion ? ` (version ${a.agreementVersion})` : ''} signed by your agency,{' '}
        {me?.agency.name ?? 'your agency'}. Confirm each of these to go on.
      </p>
      {agreement && (
        <div class="notice">
          <p>
            <strong>The agreement:</strong> {agreement.textRef}
            {/^https:\/\//.test(agreement.textRef) ? '' : `, published ${formatDate(agreement.publishedOn)}`}.
          </p>
          {/^https:\/\//.test(agreement.textRef) ? (
            <p>
              <a href={agreement.textRef} target="_blank" rel="noopener noreferrer">
                Read the agreement (opens in a new tab)
              </a>
            </p>
          ) : (
            <p>Your agency’s data protection lead holds the signed copy; ask them if you have not read it.</p>
          )}
        </div>
      )}
      <ErrorSummary error={action.error} />
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void action.run();
        }}
      >
        <fieldset>
          <legend>I confirm that</legend>
          <Check checked={read} onChange={setRead}>
            I have read the Information Sharing Agreement{a?.agreementVersion ? `, version ${a.agreementVersion}` : ''}.
          </Check>
          <Check checked={advice} onChange={setAdvice}>
            I have read the sharing advice{a?.adviceVersion ? ` (${a.adviceVersion})` : ''}: I share only what is
            needed, with those who need it, on a lawful basis.
          </Check>
          <Check checked={confidential} onChange={setConfidential}>
            I will keep what I read here confidential and use it only for the purposes of the agreement.
          </Check>
        </fieldset>
        <Button type="submit" busy={action.busy} disabled={!(read && advice && confidential)}>
          Confirm and continue
        </Button>
        <Button variant="link" onClick={() => void app.signOut()}>
          Sign out
        </Button>
      </form>
    </main>
  );
}

function Check({
  checked,
  onChange,
  children,
}: {
  checked: boolean;
  onChange: (v: boolean) => void;
  children: preact.ComponentChildren;
}) {
  return (
    <label class="check">
      <input type="checkbox" checked={checked} onChange={(e) => onChange(e.currentTarget.checked)} />
      <span>{children}</span>
    </label>
  );
}
