import { useState } from 'preact/hooks';
import type { AuditVerifyReport, ChainBreakReason } from '../../../sdk/browser.js';
import { app } from '../state/app.js';
import { Button, ErrorSummary, PageTitle, useAction } from '../ui/form.js';
import { Status } from '../ui/status.js';
import { AdminPage, mayUse } from './admin.js';
import { AuditEvents } from './admin-audit-events.js';
import { AuditHeads } from './admin-audit-heads.js';

/** What a break in the chain means, in words. */
const BREAK_WORDS: Record<ChainBreakReason, string> = {
  sequence_gap: 'an event before it is missing',
  prev_hash_mismatch: 'it does not follow on from the event before it: events were removed, inserted or reordered',
  hash_mismatch: 'its contents were changed after it was written',
};

const n = (x: number) => x.toLocaleString('en-GB');

/** One check's verdict in a sentence. */
function verdict(r: Pick<AuditVerifyReport, 'ok' | 'eventsChecked' | 'firstBroken'>): string {
  if (r.ok) return `Intact: all ${n(r.eventsChecked)} events check out.`;
  if (!r.firstBroken) return 'Broken, at an unknown place.';
  return `Broken at event ${n(r.firstBroken.seq)}: ${BREAK_WORDS[r.firstBroken.reason]}.`;
}

interface Result {
  server: AuditVerifyReport;
  local: AuditVerifyReport;
  agree: boolean;
}

/**
 * The audit log's page: the ISA team and auditors check the whole chain and its signed points, and
 * everyone who may read events (an agency administrator, their agency's part) lists, filters and exports them.
 */
export function AdminAudit() {
  return (
    <AdminPage part="audit" title="The audit log">
      <PageTitle>The audit log</PageTitle>
      {mayUse('auditCheck') && (
        <>
          <CheckChain />
          <AuditHeads />
        </>
      )}
      <AuditEvents />
    </AdminPage>
  );
}

/**
 * Checks the audit log's hash chain twice: the server's own check, then this browser recomputes every
 * link from the events themselves, trusting nothing the server concludes. Both must say intact, and end
 * on the same last event, for the log to be trusted.
 */
function CheckChain() {
  const [progress, setProgress] = useState<string | null>(null);
  const [result, setResult] = useState<Result | null>(null);
  const check = useAction(async () => {
    setResult(null);
    setProgress('Asking the server to check the log…');
    const server = await app.secure.client.auditVerify();
    setProgress('Checking the log on this computer…');
    let last = 0;
    const local = await app.secure.client.verifyAuditChainLocally((count) => {
      // Announced every 5,000 events, not every page: a screen reader would read each one.
      if (count - last >= 5000) {
        last = count;
        setProgress(`Checked ${n(count)} events on this computer…`);
      }
    });
    setProgress(null);
    setResult({ server, local, agree: server.ok === local.ok && server.head.hash === local.head.hash });
  });
  const ok = result && result.server.ok && result.local.ok && result.agree;
  return (
    <section aria-labelledby="check-chain-heading">
      <h2 id="check-chain-heading">Check the audit log</h2>
      <p>
        Every security-relevant act is written to an audit log in which each event is linked to the one before by a
        fingerprint. The check recomputes every link, on the server and again on this computer, so a change, removal or
        reordering anywhere shows.
      </p>
      <ErrorSummary error={check.error} />
      <Button busy={check.busy} onClick={() => void check.run()}>
        {result ? 'Check again' : 'Check the audit log'}
      </Button>
      <Status>
        {progress ??
          (result &&
            (ok
              ? `The audit log is intact: ${n(result.local.eventsChecked)} events checked, on the server and on this computer.`
              : 'The audit log did not check out. See below.'))}
      </Status>
      {result && (
        <section aria-labelledby="audit-result" class={ok ? 'result-ok' : 'warning-block'}>
          <h3 id="audit-result">{ok ? 'Intact' : 'The log did not check out'}</h3>
          <dl class="summary">
            <div>
              <dt>The server’s check</dt>
              <dd>{verdict(result.server)}</dd>
            </div>
            <div>
              <dt>This computer’s check</dt>
              <dd>{verdict(result.local)}</dd>
            </div>
          </dl>
          {!result.agree && (
            <p>
              <strong>
                The server and this computer do not agree on the log. Treat it as untrustworthy and tell the ISA team’s
                security lead.
              </strong>
            </p>
          )}
          {result.agree && !ok && (
            <p>
              <strong>
                Treat the log as untrustworthy from the event named above, and tell the ISA team’s security lead.
              </strong>
            </p>
          )}
        </section>
      )}
    </section>
  );
}
