/**
 * An independent check of the server's audit hash chain, so a verifier need not trust the server's own
 * `/audit/verify`. Written apart from the server's code on purpose: if both agree, the chain format is
 * what the docs say it is. Uses WebCrypto, so it runs in Node and the browser alike, and does no I/O.
 *
 * Format (docs/adr/0002-audit-hash-chain.md): `hash = SHA-256(prev_hash_bytes || canonical JSON of the
 * event without prevHash and hash)`, canonical JSON having object keys sorted and no whitespace.
 */

import type { ChainBreakReason, ChainLink } from '../../../contracts/audit.js';

export type { ChainBreakReason, ChainLink };

export const AUDIT_GENESIS_HASH = '0'.repeat(64);

/** An event as `/api/audit/events` returns it. */
export interface ChainedEvent {
  seq: number;
  prevHash: string;
  hash: string;
}

/** Canonical JSON: keys sorted by UTF-16 code unit at every level, no whitespace, undefined dropped. */
export function canonicalize(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  if (Array.isArray(value)) return '[' + value.map(canonicalize).join(',') + ']';
  if (typeof value === 'object') {
    const keys = Object.keys(value).filter((k) => (value as Record<string, unknown>)[k] !== undefined);
    keys.sort();
    return (
      '{' +
      keys.map((k) => JSON.stringify(k) + ':' + canonicalize((value as Record<string, unknown>)[k])).join(',') +
      '}'
    );
  }
  return JSON.stringify(value);
}

function hexToBytes(hex: string): Uint8Array {
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new Error('not a 32-byte hex hash');
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

function bytesToHex(bytes: ArrayBuffer): string {
  return Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The hash an event should carry, given the hash before it. */
export async function eventHash(prevHash: string, event: ChainedEvent): Promise<string> {
  // Every field the server sent is hashed, not just the ones this SDK knows: nothing can hide beside them.
  const { prevHash: _p, hash: _h, ...fields } = event as ChainedEvent & Record<string, unknown>;
  const body = new TextEncoder().encode(canonicalize(fields));
  const input = new Uint8Array(32 + body.length);
  input.set(hexToBytes(prevHash), 0);
  input.set(body, 32);
  return bytesToHex(await globalThis.crypto.subtle.digest('SHA-256', input));
}

/**
 * Checks events in order, continuing from `from` (the genesis link for the first page). Returns the
 * last good link and the first break, if any, so a caller can verify page by page.
 */
export async function checkChain(
  events: readonly ChainedEvent[],
  from: ChainLink = { seq: 0, hash: AUDIT_GENESIS_HASH },
): Promise<{ last: ChainLink; firstBroken: { seq: number; reason: ChainBreakReason } | null }> {
  let last = from;
  for (const e of events) {
    if (e.seq !== last.seq + 1) return { last, firstBroken: { seq: last.seq + 1, reason: 'sequence_gap' } };
    if (e.prevHash !== last.hash) return { last, firstBroken: { seq: e.seq, reason: 'prev_hash_mismatch' } };
    let expected: string;
    try {
      expected = await eventHash(last.hash, e);
    } catch {
      return { last, firstBroken: { seq: e.seq, reason: 'prev_hash_mismatch' } };
    }
    if (expected !== e.hash) return { last, firstBroken: { seq: e.seq, reason: 'hash_mismatch' } };
    last = { seq: e.seq, hash: e.hash };
  }
  return { last, firstBroken: null };
}
