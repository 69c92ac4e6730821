/**
 * Checking an audit log against a signed head the checker saved earlier (ISA 8.3, 12), offline: the head's
 * Ed25519 signature, then the whole chain recomputed from the first event (client/sdk/crypto/audit-chain.ts),
 * then that the log reaches the head and holds exactly the signed hash there. Any event before the head that
 * was altered, inserted or removed changes that hash; newest events removed leave the log short of it.
 *
 * What it cannot see: events after the newest head a person saved may be removed without trace until a
 * later head covers them. Saving heads often is the remedy (docs/operations.md, "Audit log").
 */
import { AUDIT_HEAD_FORMAT, auditHeadSigningText, type AuditHeadView } from '../../../contracts/audit-heads.js';
import {
  AUDIT_GENESIS_HASH,
  checkChain,
  type ChainBreakReason,
  type ChainedEvent,
  type ChainLink,
} from './audit-chain.js';
import { fromB64, sodium } from './sodium.js';

/** What the check found, worst first: only `extends` means the log is the one that was signed. */
export type HeadCheckVerdict =
  /** The head's signature does not verify: the saved file was changed, or it is not a head. */
  | 'bad_signature'
  /** The head verifies, but with another key than the one the checker was told to expect. */
  | 'other_key'
  /** An event at or before the head fails its check: altered, inserted, removed or out of order. */
  | 'altered'
  /** The log ends before the head: its newest events were removed. */
  | 'shorter'
  /** Every link checks, but the event at the head has another hash: the log was rewritten as a whole. */
  | 'rewritten'
  /** Everything up to the head is intact, but an event after it fails its check. */
  | 'altered_after'
  /** The log leads to the signed head unchanged, and everything after it checks. */
  | 'extends';

export interface HeadCheckReport {
  ok: boolean;
  verdict: HeadCheckVerdict;
  head: { seq: number; hash: string; signedAt: string; publicKey: string };
  eventsChecked: number;
  /** The last link that checked out. */
  logEnd: ChainLink;
  firstBroken: { seq: number; reason: ChainBreakReason } | null;
}

/** True when `head.signature` is the Ed25519 signature of its signing text by `head.publicKey`. */
export async function auditHeadSignatureValid(head: AuditHeadView): Promise<boolean> {
  if (head.format !== AUDIT_HEAD_FORMAT) return false;
  const s = await sodium();
  try {
    return s.crypto_sign_verify_detached(
      fromB64(s, head.signature),
      new TextEncoder().encode(auditHeadSigningText(head)),
      fromB64(s, head.publicKey),
    );
  } catch {
    return false;
  }
}

/** A listed head, checked here: signed by the server's key, by another key, or not signed at all. */
export type AuditHeadCheck = 'valid' | 'bad_signature' | 'other_key';

/**
 * A head as the server lists it, checked here rather than taken on its word: someone who can write to the
 * server's database can add a row, but cannot sign it with the server's key (`serverKey`, null when the
 * server signs nothing now). A head signed before a change of key shows as `other_key` too.
 */
export async function checkAuditHead(head: AuditHeadView, serverKey: string | null): Promise<AuditHeadCheck> {
  if (!(await auditHeadSignatureValid(head))) return 'bad_signature';
  return serverKey !== null && head.publicKey !== serverKey ? 'other_key' : 'valid';
}

/**
 * Checks a log, given page by page from its first event, against a saved head. `expectedKey`, when given,
 * is the public key the checker was told (out of band) the server signs with.
 */
export async function checkLogAgainstHead(
  head: AuditHeadView,
  pages: AsyncIterable<readonly ChainedEvent[]> | Iterable<readonly ChainedEvent[]>,
  opts: { expectedKey?: string; onProgress?: (eventsChecked: number) => void } = {},
): Promise<HeadCheckReport> {
  const report = (verdict: HeadCheckVerdict, rest: Partial<HeadCheckReport> = {}): HeadCheckReport => ({
    ok: verdict === 'extends',
    verdict,
    head: { seq: head.seq, hash: head.hash, signedAt: head.signedAt, publicKey: head.publicKey },
    eventsChecked: 0,
    logEnd: { seq: 0, hash: AUDIT_GENESIS_HASH },
    firstBroken: null,
    ...rest,
  });
  if (!(await auditHeadSignatureValid(head))) return report('bad_signature');
  if (opts.expectedKey !== undefined && opts.expectedKey !== head.publicKey) return report('other_key');

  let last: ChainLink = { seq: 0, hash: AUDIT_GENESIS_HASH };
  let hashAtHead: string | null = null;
  for await (const page of pages) {
    // Checked in pieces that end at the head, so its hash is seen whichever page it falls in.
    const before = page.filter((e) => e.seq <= head.seq);
    const after = page.filter((e) => e.seq > head.seq);
    for (const part of [before, after]) {
      if (!part.length) continue;
      const result = await checkChain(part, last);
      const checked = result.last.seq;
      last = result.last;
      if (last.seq === head.seq) hashAtHead = last.hash;
      opts.onProgress?.(checked);
      if (result.firstBroken) {
        const rest = { eventsChecked: last.seq, logEnd: last, firstBroken: result.firstBroken };
        return report(result.firstBroken.seq <= head.seq ? 'altered' : 'altered_after', rest);
      }
    }
  }
  const rest = { eventsChecked: last.seq, logEnd: last };
  if (last.seq < head.seq) return report('shorter', rest);
  if (hashAtHead !== head.hash) return report('rewritten', rest);
  return report('extends', rest);
}

/** What a broken link means, in words. */
const BREAK_WORDS: Record<ChainBreakReason, string> = {
  sequence_gap: 'an event before it is missing',
  prev_hash_mismatch: 'it does not follow on from the event before it (events removed, inserted or reordered)',
  hash_mismatch: 'its contents were changed after it was written',
};

/** The check's finding in a sentence a person can act on (the CLI prints it; the web client shows it). */
export function describeHeadCheck(r: HeadCheckReport): string {
  const at = `event ${r.head.seq}, signed ${r.head.signedAt}`;
  const broken = r.firstBroken ? `event ${r.firstBroken.seq}: ${BREAK_WORDS[r.firstBroken.reason]}` : '';
  switch (r.verdict) {
    case 'extends':
      return (
        `Intact: the log leads to the point you saved (${at}) unchanged, so nothing up to it was altered or ` +
        `removed; all ${r.eventsChecked} events check out.`
      );
    case 'bad_signature':
      return 'Not trusted: the saved point’s signature does not check. The file was changed, or it is not a signed point from a Strongroom server.';
    case 'other_key':
      return `Not trusted: the saved point was signed with another key (${r.head.publicKey}) than the one you gave.`;
    case 'altered':
      return `Broken: the log was altered at or before the point you saved (${at}). First failure at ${broken}.`;
    case 'shorter':
      return `Broken: the log ends at event ${r.logEnd.seq}, before the point you saved (${at}): its newest events were removed.`;
    case 'rewritten':
      return `Broken: every link checks, but event ${r.head.seq} is not the one that was signed (${at}): the log was rewritten.`;
    case 'altered_after':
      return `Broken after the head: everything up to the point you saved (${at}) is intact, but ${broken}.`;
  }
}
