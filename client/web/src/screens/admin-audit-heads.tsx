import { useEffect, useState } from 'preact/hooks';
import { auditHeadView, type AuditHeadView } from '../../../../contracts/audit-heads.js';
import { checkAuditHead, describeHeadCheck, type AuditHeadCheck, type HeadCheckReport } from '../../../sdk/browser.js';
import { app } from '../state/app.js';
import { Button, ErrorSummary, formatDateTime, useAction } from '../ui/form.js';
import { Status, useLoad } from '../ui/status.js';
import { Td } from '../ui/table.js';

/** The file name a saved head gets: its event number and day, so several sit side by side. */
const headFileName = (h: AuditHeadView) => `strongroom-audit-head-${h.seq}-${h.signedAt.slice(0, 10)}.json`;

/**
 * Signed points in the audit log (docs/operations.md, "Audit log: signed heads"): the server signs the
 * log's end with its key; a person saves one to a file kept away from the server, and later checks that
 * the log still leads to it unchanged. The check runs in this browser, trusting nothing the server says.
 */
export function AuditHeads() {
  // Each listed head is checked here: a row written into the server's database cannot carry its signature.
  const heads = useLoad(async () => {
    const [key, list] = await Promise.all([app.secure.client.auditSigningKey(), app.secure.client.auditHeads()]);
    const checked = await Promise.all(list.map(async (h) => ({ ...h, check: await checkAuditHead(h, key.publicKey) })));
    return [key, checked] as const;
  });
  const [status, setStatus] = useState<string | null>(null);
  const sign = useAction(async () => {
    const { head, created } = await app.secure.client.signAuditHead();
    setStatus(
      created
        ? `Signed the log’s end now, at event ${head?.seq}. Save it below.`
        : `The newest signed point already covers the log’s end (event ${head?.seq}).`,
    );
    await heads.reload();
  });
  const [key, list] = heads.data ?? [null, []];
  return (
    <section aria-labelledby="heads-heading">
      <h2 id="heads-heading">Signed points in the log</h2>
      <p>
        The server signs the end of the log from time to time. Save one to a file and keep it where the server cannot
        reach it: later, a log that was changed or cut short no longer leads to it.
      </p>
      <ErrorSummary error={heads.error ?? sign.error} />
      <Status>{status}</Status>
      {key && !key.publicKey && (
        <p class="notice">
          This server does not sign its audit log: its operator turns this on with the AUDIT_SIGNING_KEY setting.
        </p>
      )}
      {key?.publicKey && (
        <>
          <p>
            Signing key (Ed25519): <code class="key">{key.publicKey}</code>. A point is signed every{' '}
            {key.everyEvents.toLocaleString('en-GB')} events or {key.everyMinutes} minutes.
          </p>
          <Button variant="secondary" busy={sign.busy} onClick={() => void sign.run()}>
            Sign the log’s end now
          </Button>
        </>
      )}
      {heads.data && list.length > 0 && <HeadsTable heads={list} />}
      {heads.data && list.length === 0 && <p>No point has been signed yet.</p>}
      <CheckAgainstHead expectedKey={key?.publicKey ?? undefined} />
    </section>
  );
}

type CheckedHead = AuditHeadView & { check: AuditHeadCheck };

/** What a head that does not check means, in words. */
const CHECK_WORDS: Record<Exclude<AuditHeadCheck, 'valid'>, string> = {
  bad_signature: 'Its signature does not check: not saved.',
  other_key:
    'Signed with another key than this server’s now (expected after a change of key; otherwise forged): not saved.',
};

function HeadsTable({ heads }: { heads: CheckedHead[] }) {
  return (
    <table class="table">
      <caption class="visually-hidden">Signed points in the log, newest first</caption>
      <thead>
        <tr>
          <th scope="col">Up to event</th>
          <th scope="col">Signed</th>
          <th scope="col">Fingerprint</th>
          <th scope="col">
            <span class="visually-hidden">Save</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {heads.map((h) => (
          <tr key={h.seq}>
            <Td label="Up to event">{h.seq.toLocaleString('en-GB')}</Td>
            <Td label="Signed">{formatDateTime(h.signedAt)}</Td>
            <Td label="Fingerprint">
              <code>{h.hash.slice(0, 16)}…</code>
            </Td>
            <Td label="Save">
              {h.check === 'valid' ? (
                <SaveHead head={h} />
              ) : (
                <strong class="warning-text">{CHECK_WORDS[h.check]}</strong>
              )}
            </Td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A link that saves the head as a JSON file, exactly as the server signed it. */
function SaveHead({ head }: { head: CheckedHead }) {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    const { check: _check, ...signed } = head;
    const made = URL.createObjectURL(
      new Blob([JSON.stringify(signed, null, 2) + '\n'], { type: 'application/json;charset=utf-8' }),
    );
    setUrl(made);
    return () => URL.revokeObjectURL(made);
  }, [head]);
  if (!url) return null;
  return (
    <a href={url} download={headFileName(head)}>
      Save<span class="visually-hidden"> the point at event {head.seq}</span> to a file
    </a>
  );
}

/** Checks the server's whole log, here in the browser, against a head saved earlier. */
function CheckAgainstHead({ expectedKey }: { expectedKey?: string }) {
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState<string | null>(null);
  const [report, setReport] = useState<HeadCheckReport | null>(null);
  const check = useAction(async () => {
    setReport(null);
    if (!file) throw new Error('Choose a saved point’s file first.');
    let parsed: unknown;
    try {
      parsed = JSON.parse(await file.text());
    } catch {
      throw new Error(`${file.name} is not a saved point from Strongroom (it is not JSON).`);
    }
    const head = auditHeadView.safeParse(parsed);
    if (!head.success) throw new Error(`${file.name} is not a saved point from Strongroom.`);
    setProgress('Checking the log on this computer…');
    let last = 0;
    const result = await app.secure.client.checkAuditLogAgainstHead(head.data, {
      expectedKey,
      onProgress: (count) => {
        if (count - last >= 5000) {
          last = count;
          setProgress(`Checked ${count.toLocaleString('en-GB')} events on this computer…`);
        }
      },
    });
    setProgress(null);
    setReport(result);
  });
  return (
    <form
      aria-labelledby="check-head-heading"
      onSubmit={(e) => {
        e.preventDefault();
        void check.run();
      }}
    >
      <h3 id="check-head-heading">Check the log against a saved point</h3>
      <ErrorSummary error={check.error} />
      <p class="hint" id="head-file-hint">
        The file you saved from this page (or with strongroom audit heads --save). It is checked against this server’s
        signing key.
      </p>
      <label for="head-file">Saved point</label>
      <input
        id="head-file"
        type="file"
        accept="application/json,.json"
        aria-describedby="head-file-hint"
        onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)}
      />
      <p>
        <Button type="submit" busy={check.busy}>
          Check against this point
        </Button>
      </p>
      <Status>{progress ?? (report && describeHeadCheck(report))}</Status>
      {report && !report.ok && (
        <p class="warning-block">
          <strong>Treat the log as untrustworthy, and tell the ISA team’s security lead.</strong>
        </p>
      )}
    </form>
  );
}
