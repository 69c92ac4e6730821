import { z } from 'zod';
import { timestamp } from './common.js';

/**
 * Signed heads of the audit log (ISA 8.3, 12): every so many events or minutes the server signs the
 * chain's current end (its sequence number and hash) with an Ed25519 key from its configuration. A
 * partner's data-protection lead saves a head; later, given the log, they check offline that it still
 * leads to that head (nothing before it was altered or removed) and that the head was signed by the key
 * they were given (docs/operations.md, "Audit log").
 */

/** The algorithm and format of a head's signature, named in every head so a verifier knows what it holds. */
export const AUDIT_HEAD_FORMAT = 'strongroom-audit-head:v1';

/**
 * The exact text the server signs for a head (UTF-8): the format line, then the canonical JSON of the
 * head's sequence number, hash and signing time, keys sorted, no spaces. Shared by the server and the SDK.
 */
export function auditHeadSigningText(h: { seq: number; hash: string; signedAt: string }): string {
  return `${AUDIT_HEAD_FORMAT}\n{"hash":${JSON.stringify(h.hash)},"seq":${h.seq},"signedAt":${JSON.stringify(h.signedAt)}}`;
}

const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 hash in hex');
const b64url = z.string().regex(/^[A-Za-z0-9_-]+$/, 'must be base64url');

/** One signed head, as the server lists it and as a person saves it to a file. */
export const auditHeadView = z.object({
  format: z.literal(AUDIT_HEAD_FORMAT),
  /** The last event the head covers. */
  seq: z.number().int().min(1),
  /** That event's hash: the whole chain up to it is fixed by this one value. */
  hash: hex64,
  signedAt: timestamp,
  /** The Ed25519 public key that signed, base64url (32 bytes). */
  publicKey: b64url,
  /** Ed25519 signature of `auditHeadSigningText`, base64url (64 bytes). */
  signature: b64url,
});
export type AuditHeadView = z.infer<typeof auditHeadView>;

export const auditHeadsQuery = z.strictObject({
  /** Only heads covering events before this sequence number (paging back through older heads). */
  beforeSeq: z.coerce.number().int().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});
export type AuditHeadsQuery = z.infer<typeof auditHeadsQuery>;

/** The key heads are signed with, for a partner to keep, and how often a head is signed. */
export const auditSigningKeyView = z.object({
  /** Null when this server signs no heads (its operator has not set AUDIT_SIGNING_KEY). */
  publicKey: b64url.nullable(),
  algorithm: z.literal('ed25519'),
  everyEvents: z.number().int(),
  everyMinutes: z.number().int(),
});
export type AuditSigningKeyView = z.infer<typeof auditSigningKeyView>;
