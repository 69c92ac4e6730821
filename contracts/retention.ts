import { z } from 'zod';
import { CHANNEL_KINDS } from './channels.js';
import { timestamp } from './common.js';

/**
 * Legal holds and disposal evidence (ISA 7, 8.3): an ISA administrator places a hold, with a reason, on a
 * channel, a family, an agency or a whole record class; every expiry it covers waits until it is released.
 * Each expiry run leaves a disposal record: what class, under which rule, how many, their time range.
 */
export const HOLD_SCOPES = ['channel', 'family', 'agency', 'class'] as const;
export type HoldScope = (typeof HOLD_SCOPES)[number];

/**
 * The record classes that expire, and so that a hold can cover: chat and its files by their channel's
 * period; closed meetings' minutes and decisions, finished actions, replaced versions of a family's plan,
 * closed referrals, ended information requests and consent records by the date their owning agency's
 * schedule keeps them until.
 */
export const RECORD_CLASSES = [
  'messages',
  'attachments',
  'minutes',
  'actions',
  'family_plans',
  'referrals',
  'information_requests',
  'consent_records',
] as const;
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
  /**
   * `channel_retention` (the channel's retention period), `upload_window` (a file never finished) or
   * `schedule` (a dated record past the date its agency's schedule kept it until).
   */
  rule: z.string(),
  channelId: z.uuid().nullable(),
  /**
   * For messages and files: the kind of channel they were in, so the chat class of the schedule they were
   * kept under (`direct` is `messages_direct`); null for other classes.
   */
  channelKind: z.enum(CHANNEL_KINDS).nullable(),
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

/**
 * Retention schedules (ISA 7: each party's own schedule). Every record class has a default period and
 * bounds; an agency's data-protection lead (agency_admin) or an ISA administrator sets the agency's own
 * period within them. A record takes the period of its owning agency's schedule when it is created, and
 * keeps it: a later change of schedule applies to records created after it.
 */
export const SCHEDULE_CLASSES = [
  'messages_direct',
  'messages_locality_meeting',
  'messages_family_meeting',
  'messages_professionals_meeting',
  'messages_referral',
  'messages_information_request',
  'minutes',
  'actions',
  'family_plans',
  'referrals',
  'information_requests',
  'consent_records',
] as const;
export type ScheduleClass = (typeof SCHEDULE_CLASSES)[number];

/** Each class as a person reads it (server messages, CLI and web alike). */
export const SCHEDULE_CLASS_LABELS: Record<ScheduleClass, string> = {
  messages_direct: 'direct messages',
  messages_locality_meeting: 'locality meeting chat',
  messages_family_meeting: 'family meeting chat',
  messages_professionals_meeting: 'professionals meeting chat',
  messages_referral: 'referral chat',
  messages_information_request: 'information request chat',
  minutes: 'minutes and decisions',
  actions: 'actions',
  family_plans: 'family plans',
  referrals: 'referrals',
  information_requests: 'information requests',
  consent_records: 'consent records',
};

/**
 * What a period counts from: when the record was written, or when it closed (a meeting, referral or request
 * closed; an action done or cancelled; a version of a family's plan replaced by a newer one).
 */
export const RETENTION_ANCHORS = ['creation', 'closure'] as const;
export type RetentionAnchor = (typeof RETENTION_ANCHORS)[number];

/**
 * How a class's period is applied today: `deleted` (the expiry job removes it, legal holds respected,
 * disposal records written); `dated` (the server records the date it is kept until, but nothing deletes it
 * yet); `not_enforced` (the period is the agency's policy; the server neither dates nor deletes these yet).
 */
export const RETENTION_ENFORCEMENT = ['deleted', 'dated', 'not_enforced'] as const;
export type RetentionEnforcement = (typeof RETENTION_ENFORCEMENT)[number];

export const scheduleQuery = z.strictObject({
  /** The agency whose schedule to show; your own when left out. */
  agencyId: z.uuid().optional(),
});
export type ScheduleQuery = z.infer<typeof scheduleQuery>;

export const setScheduleRequest = z.strictObject({
  /** The period in whole days; the class's bounds are checked by the server (400 when outside them). */
  days: z.number().int().min(1).max(100_000),
});
export type SetScheduleRequest = z.infer<typeof setScheduleRequest>;

export const scheduleEntryView = z.object({
  recordClass: z.enum(SCHEDULE_CLASSES),
  /** The agency's period: its own setting, or the default. */
  days: z.number().int(),
  defaultDays: z.number().int(),
  minDays: z.number().int(),
  maxDays: z.number().int(),
  anchor: z.enum(RETENTION_ANCHORS),
  enforcement: z.enum(RETENTION_ENFORCEMENT),
  /** Who set the agency's own period, and when; null while the default applies. */
  setBy: z.uuid().nullable(),
  setAt: timestamp.nullable(),
});
export type ScheduleEntryView = z.infer<typeof scheduleEntryView>;

export const scheduleView = z.object({
  agencyId: z.uuid(),
  agencyName: z.string(),
  classes: z.array(scheduleEntryView),
});
export type ScheduleView = z.infer<typeof scheduleView>;
