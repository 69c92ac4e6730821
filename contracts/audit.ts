import { z } from 'zod';
import { timestamp } from './common.js';

/** The hash-chained audit log. */
export const AUDIT_OUTCOMES = ['success', 'failure', 'denied'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/** Why a link of the chain is broken: a missing event, a wrong back-link, or altered content. */
export const CHAIN_BREAK_REASONS = ['sequence_gap', 'prev_hash_mismatch', 'hash_mismatch'] as const;
export type ChainBreakReason = (typeof CHAIN_BREAK_REASONS)[number];

// ── requests ──

export const auditEventsQuery = z.strictObject({
  afterSeq: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
  /** Only events whose actor belongs to this agency (agency admins always get their own). */
  agencyId: z.uuid().optional(),
});
export type AuditEventsQuery = z.infer<typeof auditEventsQuery>;

// ── responses ──

/**
 * One link of the chain, with the fields that are hashed exactly as they travel, so a verifier outside
 * the server can recompute `hash = SHA-256(prevHash ‖ canonical JSON of the other fields)`.
 */
export const auditEventView = z.object({
  seq: z.number().int(),
  occurredAt: timestamp,
  actorUserId: z.uuid().nullable(),
  actorAgencyId: z.uuid().nullable(),
  action: z.string(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  outcome: z.enum(AUDIT_OUTCOMES),
  requestId: z.string().nullable(),
  sourceIp: z.string().nullable(),
  /** Identifiers and codes only: never content, names, e-mail addresses or secrets. */
  details: z.record(z.string(), z.unknown()),
  /** Hex SHA-256 of the previous event (64 zeros for the first). */
  prevHash: z.string(),
  hash: z.string(),
});
export type AuditEventView = z.infer<typeof auditEventView>;

export const chainLink = z.object({ seq: z.number().int(), hash: z.string() });
export type ChainLink = z.infer<typeof chainLink>;

export const chainBreak = z.object({ seq: z.number().int(), reason: z.enum(CHAIN_BREAK_REASONS) });
export type ChainBreak = z.infer<typeof chainBreak>;

export const auditVerifyReport = z.object({
  ok: z.boolean(),
  eventsChecked: z.number().int(),
  /** The last link that checked out. */
  head: chainLink,
  firstBroken: chainBreak.nullable(),
});
export type AuditVerifyReport = z.infer<typeof auditVerifyReport>;
