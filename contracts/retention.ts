import { z } from 'zod';
import { timestamp } from './common.js';

/**
 * Legal holds and disposal evidence (ISA 7, 8.3): an ISA administrator places a hold, with a reason, on a
 * channel, a family, an agency or a whole record class; every expiry it covers waits until it is released.
 * Each expiry run leaves a disposal record: what class, under which rule, how many, their time range.
 */
export const HOLD_SCOPES = ['channel', 'family', 'agency', 'class'] as const;
export type HoldScope = (typeof HOLD_SCOPES)[number];

/** The record classes that expire today, and so that a hold can cover. */
export const RECORD_CLASSES = ['messages', 'attachments'] as const;
export type RecordClass = (typeof RECORD_CLASSES)[number];

const reason = z
  .string()
  .trim()
  .min(1, 'say why (it is kept with the hold)')
  .max(1000, 'must be at most 1000 characters');

/**
 * The hold's id, made by the client so that a retry after a lost answer is recognised: the same hold placed
 * again under its id answers with the one stored, and places no second hold.
 */
const holdId = z.uuid().optional();
export const placeHoldRequest = z.discriminatedUnion('scope', [
  z.strictObject({ id: holdId, scope: z.literal('channel'), channelId: z.uuid(), reason }),
  /** The family by its id or its reference (EH-2026-0001). */
  z.strictObject({
    id: holdId,
    scope: z.literal('family'),
    family: z.string().trim().min(1).max(64),
    reason,
  }),
  z.strictObject({ id: holdId, scope: z.literal('agency'), agencyId: z.uuid(), reason }),
  z.strictObject({ id: holdId, scope: z.literal('class'), recordClass: z.enum(RECORD_CLASSES), reason }),
]);
export type PlaceHoldRequest = z.infer<typeof placeHoldRequest>;

export const releaseHoldRequest = z.strictObject({ reason });
export type ReleaseHoldRequest = z.infer<typeof releaseHoldRequest>;

export const holdsQuery = z.strictObject({
  /** `true` (the default): only holds in force; `false`: released ones too. */
  active: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
});
export type HoldsQuery = z.infer<typeof holdsQuery>;

export const holdView = z.object({
  id: z.uuid(),
  scope: z.enum(HOLD_SCOPES),
  /** The channel, family or agency held; null for a record class. */
  scopeId: z.uuid().nullable(),
  recordClass: z.enum(RECORD_CLASSES).nullable(),
  reason: z.string(),
  placedBy: z.uuid(),
  placedAt: timestamp,
  releasedAt: timestamp.nullable(),
  releasedBy: z.uuid().nullable(),
  releaseReason: z.string().nullable(),
});
export type HoldView = z.infer<typeof holdView>;

export const disposalsQuery = z
  .strictObject({
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    recordClass: z.enum(RECORD_CLASSES).optional(),
    limit: z.coerce.number().int().min(1).max(5000).default(500),
  })
  .refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), {
    message: '`from` must be before `to`',
    path: ['from'],
  });
export type DisposalsQuery = z.infer<typeof disposalsQuery>;

/** One piece of disposal evidence: never content, only what, why, how many and from when. */
export const disposalView = z.object({
  id: z.uuid(),
  runAt: timestamp,
  recordClass: z.enum(RECORD_CLASSES),
  /** `channel_retention` (the channel's retention period) or `upload_window` (a file never finished). */
  rule: z.string(),
  channelId: z.uuid().nullable(),
  count: z.number().int(),
  oldestCreatedAt: timestamp,
  newestCreatedAt: timestamp,
});
export type DisposalView = z.infer<typeof disposalView>;

/**
 * A hold as the members of a channel it covers see it: that their records are kept past their expiry, by
 * what kind of hold and since when. Not the reason, which may name a complaint or proceedings.
 */
export const channelHoldView = z.object({
  id: z.uuid(),
  scope: z.enum(HOLD_SCOPES),
  recordClass: z.enum(RECORD_CLASSES).nullable(),
  placedAt: timestamp,
});
export type ChannelHoldView = z.infer<typeof channelHoldView>;
