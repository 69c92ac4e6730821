import { z } from 'zod';
import { timestamp } from './common.js';

/** The hash-chained audit log. */
export const AUDIT_OUTCOMES = ['success', 'failure', 'denied'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/** Why a link of the chain is broken: a missing event, a wrong back-link, or altered content. */
export const CHAIN_BREAK_REASONS = ['sequence_gap', 'prev_hash_mismatch', 'hash_mismatch'] as const;
export type ChainBreakReason = (typeof CHAIN_BREAK_REASONS)[number];

// ── requests ──

/**
 * An action code (`auth.login`), or a prefix of one ending in a dot (`channel.`) for every action that
 * starts with it. Lower-case words joined by dots: nothing else can reach the query.
 */
export const AUDIT_ACTION_FILTER = /^[a-z_]+(\.[a-z_]+)*\.?$/;

/** Bounds PostgreSQL and date arithmetic handle: a year-0000 time would otherwise fail as a 500. */
const EARLIEST_TIME = '1900-01-01T00:00:00Z';
const LATEST_TIME = '9999-01-01T00:00:00Z';
const filterTime = z.iso
  .datetime({ offset: true, message: 'must be a date and time as ISO 8601 with an offset, e.g. 2026-12-01T09:00:00Z' })
  // zod runs these even when the format check failed: an unparsable value (NaN) is left to that check.
  .refine((d) => !(Date.parse(d) < Date.parse(EARLIEST_TIME)), 'must be in or after 1900')
  .refine((d) => !(Date.parse(d) >= Date.parse(LATEST_TIME)), 'must be before the year 9999');

/** Where a page starts and which way it runs: `afterSeq` pages forward (oldest first), `beforeSeq` back. */
export const AUDIT_ORDERS = ['oldest', 'newest'] as const;
export type AuditOrder = (typeof AUDIT_ORDERS)[number];

/**
 * Which events, and which page of them. Every filter narrows: none can show an agency admin more than
 * their agency's own trail (src/audit/audit.controller.ts). `from` is inclusive, `to` exclusive, both on
 * the time the event happened.
 */
export const auditEventsQuery = z
  .strictObject({
    afterSeq: z.coerce.number().int().min(0).default(0),
    /** Only events before this one: with `order=newest`, the next page back. */
    beforeSeq: z.coerce.number().int().min(1).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(200),
    /** `oldest` (the default) first, or `newest` first: the newest page of a long log in one request. */
    order: z.enum(AUDIT_ORDERS, { message: 'must be oldest or newest' }).default('oldest'),
    /** Only events whose actor belongs to this agency (agency admins may name only their own). */
    agencyId: z.uuid({ message: 'must be an agency id (a UUID)' }).optional(),
    /** Only events this person did. */
    actorUserId: z.uuid({ message: 'must be a person’s user id (a UUID)' }).optional(),
    action: z
      .string()
      .max(100, 'must be at most 100 characters')
      .regex(
        AUDIT_ACTION_FILTER,
        'must be an action such as auth.login, or the start of one ending in a dot, such as channel.',
      )
      .optional(),
    /** What kind of record the event is about: `user`, `agency`, `channel`… */
    targetType: z
      .string()
      .max(40, 'must be at most 40 characters')
      .regex(/^[a-z_]+$/, 'must be a kind of record such as user, agency or channel')
      .optional(),
    /** The record the event is about (usually a UUID). */
    targetId: z
      .string()
      .max(200, 'must be at most 200 characters')
      .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]*$/, 'must be a record id (letters, digits and - _ . : only)')
      .optional(),
    /** Events at or after this time. */
    from: filterTime.optional(),
    /** Events before this time. */
    to: filterTime.optional(),
    outcome: z.enum(AUDIT_OUTCOMES, { message: `must be one of: ${AUDIT_OUTCOMES.join(', ')}` }).optional(),
  })
  .superRefine((v, ctx) => {
    if (v.from && v.to && !(Date.parse(v.from) < Date.parse(v.to))) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be later than from' });
    }
  });
export type AuditEventsQuery = z.infer<typeof auditEventsQuery>;
/** The filters alone, as a caller gives them (no paging). */
export type AuditEventFilters = Pick<
  z.input<typeof auditEventsQuery>,
  'agencyId' | 'actorUserId' | 'action' | 'targetType' | 'targetId' | 'from' | 'to' | 'outcome'
>;

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
