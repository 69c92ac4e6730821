import { createHash } from 'node:crypto';
import type { ChainBreak } from '../../contracts/audit.js';
import { canonicalJson } from '../common/canonical-json.js';

export const GENESIS_HASH = '0'.repeat(64);

/** The fields that are hashed, in the form an outside verifier sees them over the API. */
export interface ChainedFields {
  seq: number;
  occurredAt: string;
  actorUserId: string | null;
  actorAgencyId: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  outcome: string;
  requestId: string | null;
  sourceIp: string | null;
  details: Record<string, unknown>;
}

/** `hash = SHA-256(prev_hash || canonical JSON of the event)`, prev_hash as its 32 raw bytes. */
export function chainHash(prevHash: string, fields: ChainedFields): string {
  return createHash('sha256').update(Buffer.from(prevHash, 'hex')).update(canonicalJson(fields), 'utf8').digest('hex');
}

/** Walks events in order from a known (seq, hash) and returns the first broken link, if any. */
export function findBreak(
  events: (ChainedFields & { prevHash: string; hash: string })[],
  start: { seq: number; hash: string },
): { break: ChainBreak | null; last: { seq: number; hash: string } } {
  let last = start;
  for (const e of events) {
    if (e.seq !== last.seq + 1) return { break: { seq: last.seq + 1, reason: 'sequence_gap' }, last };
    if (e.prevHash !== last.hash) return { break: { seq: e.seq, reason: 'prev_hash_mismatch' }, last };
    const { prevHash: _p, hash, ...fields } = e;
    if (chainHash(last.hash, fields) !== hash) return { break: { seq: e.seq, reason: 'hash_mismatch' }, last };
    last = { seq: e.seq, hash };
  }
  return { break: null, last };
}
