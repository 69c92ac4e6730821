import { z } from 'zod';
import { timestamp } from './common.js';

/**
 * Time-limited audit access (ISA 6.1): an auditor asks for access to one case (a channel, a family or a
 * referral) with a purpose; an ISA administrator approves it with an end time, or refuses it. While the
 * grant is live the auditor is a visible, read-only observer of the case's channel, and at its end (or
 * when it is ended early) they are removed and the channel gets a new key.
 */
export const GRANT_CASE_KINDS = ['channel', 'family', 'referral'] as const;
export type GrantCaseKind = (typeof GRANT_CASE_KINDS)[number];

export const GRANT_STATUSES = ['requested', 'approved', 'refused', 'ended', 'expired'] as const;
export type GrantStatus = (typeof GRANT_STATUSES)[number];

/** The longest an audit grant may last, from its approval. */
export const GRANT_MAX_DAYS = 90;

const purpose = z
  .string()
  .trim()
  .min(1, 'say what the audit is for (it is kept with the grant)')
  .max(1000, 'must be at most 1000 characters');

/** A family or a referral by its id or its reference (EH-2026-0001, MASH-2026-0001). */
const caseRef = z.string().trim().min(1).max(64);

export const requestGrantRequest = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('channel'), channelId: z.uuid(), purpose }),
  z.strictObject({ kind: z.literal('family'), family: caseRef, purpose }),
  z.strictObject({ kind: z.literal('referral'), referral: caseRef, purpose }),
]);
export type RequestGrantRequest = z.infer<typeof requestGrantRequest>;

export const approveGrantRequest = z.strictObject({
  /** When the access ends: in the future, at most GRANT_MAX_DAYS days from now. */
  endsAt: z.iso.datetime({ offset: true }),
});
export type ApproveGrantRequest = z.infer<typeof approveGrantRequest>;

export const grantsQuery = z.strictObject({
  status: z.enum(GRANT_STATUSES).optional(),
});
export type GrantsQuery = z.infer<typeof grantsQuery>;

export const grantView = z.object({
  id: z.uuid(),
  auditorId: z.uuid(),
  auditorName: z.string(),
  caseKind: z.enum(GRANT_CASE_KINDS),
  /** The family's or referral's reference; null for a channel. */
  caseRef: z.string().nullable(),
  /** The channels the grant opens (one for each case today). */
  channelIds: z.array(z.uuid()),
  purpose: z.string(),
  status: z.enum(GRANT_STATUSES),
  requestedAt: timestamp,
  decidedBy: z.uuid().nullable(),
  decidedAt: timestamp.nullable(),
  endsAt: timestamp.nullable(),
  endedAt: timestamp.nullable(),
  endedBy: z.uuid().nullable(),
});
export type GrantView = z.infer<typeof grantView>;
