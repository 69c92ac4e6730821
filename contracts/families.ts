import { z } from 'zod';
import { familyLocality } from './localities.js';
import { base64url, dateString, isoDate, objectiveId, sealedField, sealedView, timestamp } from './common.js';

/** Families (by pseudonymous reference), their members and the whole-family plan. */
export const FAMILY_MEMBER_ROLES = ['child', 'parent', 'carer', 'other'] as const;
export type FamilyMemberRole = (typeof FAMILY_MEMBER_ROLES)[number];

/** `professional`: the named professional's report; `family`: the family's own assessment. */
export const PROGRESS_KINDS = ['professional', 'family'] as const;
export type ProgressKind = (typeof PROGRESS_KINDS)[number];

/**
 * What a review of the plan found: `met` (the plan's outcomes were met), `partly_met` or `not_met`. Plain
 * metadata, like the review date, so the programme report can count plans with outcomes met.
 */
export const PLAN_REVIEW_OUTCOMES = ['met', 'partly_met', 'not_met'] as const;
export type PlanReviewOutcome = (typeof PLAN_REVIEW_OUTCOMES)[number];

// ── requests ──

/** Opening a family: its locality may be chosen at once (an id from the list of localities). */
export const createFamilySchema = z.strictObject({ localityId: z.uuid().optional() }).optional();
export type CreateFamilyInput = z.infer<typeof createFamilySchema>;

export const addFamilyMemberSchema = z.strictObject({
  /** The new record's id, made by the client: its sealed fields are bound to it (docs/protocol.md). */
  id: z.uuid(),
  role: z.enum(FAMILY_MEMBER_ROLES),
  /** Name, date of birth and the like, sealed by the client. */
  details: sealedField.optional(),
});
export type AddFamilyMemberInput = z.infer<typeof addFamilyMemberSchema>;

export const handOverSchema = z.strictObject({ userId: z.uuid() });
export type HandOverInput = z.infer<typeof handOverSchema>;

export const savePlanSchema = z.strictObject({
  /** The version this edit started from (0 for the first): a stale one is refused, never overwritten. */
  baseVersion: z.number().int().min(0).max(1_000_000),
  /** Objectives, outcomes and measures (and their ids), sealed by the client. */
  plan: sealedField,
  reviewOn: isoDate,
  /** The family members the plan covers (ISA 3.3.11: every relevant one). */
  coveredMemberIds: z.array(z.uuid()).min(1).max(50),
  /**
   * The hash of the plan's text with its review date and covered members (docs/protocol.md, "Signed plan
   * versions"), which the saving device signs with the sealed bytes; the server keeps it for every reader.
   */
  textHash: base64url(32),
  deviceId: z.uuid(),
  signature: base64url(64),
});
export type SavePlanInput = z.infer<typeof savePlanSchema>;

export const planProgressSchema = z.strictObject({
  /** The new record's id, made by the client: its sealed fields are bound to it (docs/protocol.md). */
  id: z.uuid(),
  /** The id of the plan objective (inside the sealed plan) the report is about. */
  objective: objectiveId,
  kind: z.enum(PROGRESS_KINDS),
  report: sealedField,
});
export type PlanProgressInput = z.infer<typeof planProgressSchema>;

export const planReviewSchema = z.strictObject({
  /**
   * The review's id, made by the client: its note is bound to it, and a retry after a lost answer is
   * recognised (the same review again answers with the one stored; a different one under the id is refused).
   */
  id: z.uuid(),
  /** The version of the plan reviewed: the current one (a stale one is refused, 409 `plan_conflict`). */
  planVersion: z.number().int().min(1).max(1_000_000),
  outcome: z.enum(PLAN_REVIEW_OUTCOMES),
  /** The day of the review: not in the future, not before the plan's first version. */
  reviewedOn: isoDate,
  /** Why, sealed by the client under the family's channel (optional). */
  note: sealedField.optional(),
});
export type PlanReviewInput = z.infer<typeof planReviewSchema>;

// ── responses ──

/** A family member as the server knows them: a member ref, a role and sealed details. */
export const familyMemberView = z.object({
  id: z.uuid(),
  /** Pseudonymous member reference, e.g. EH-2026-0042-M1. */
  ref: z.string(),
  role: z.enum(FAMILY_MEMBER_ROLES),
  details: sealedView.nullable(),
  createdAt: timestamp,
});
export type FamilyMemberView = z.infer<typeof familyMemberView>;

/** One change of lead worker; the first has no `fromUserId` (the family was opened). */
export const leadChangeView = z.object({
  fromUserId: z.uuid().nullable(),
  toUserId: z.uuid(),
  changedBy: z.uuid(),
  changedAt: timestamp,
});
export type LeadChangeView = z.infer<typeof leadChangeView>;

export const familyView = z.object({
  id: z.uuid(),
  /** Pseudonymous family reference, e.g. EH-2026-0042. */
  ref: z.string(),
  /** The family's encrypted channel, where its professionals meet. */
  channelId: z.uuid(),
  owningAgencyId: z.uuid(),
  /** The locality (area of the partnership) the family is supported in, from the ISA team's list. */
  locality: familyLocality,
  leadWorker: z.object({ userId: z.uuid(), displayName: z.string(), agencyId: z.uuid() }),
  /** The lead worker has left (disabled, or their agency withdrawn): the family waits for a new one. */
  leadHandOverNeeded: z.boolean(),
  createdAt: timestamp,
  members: z.array(familyMemberView),
  leadHistory: z.array(leadChangeView),
});
export type FamilyView = z.infer<typeof familyView>;

/** A family in the list of families whose channel the caller is in. */
export const familySummary = z.object({
  id: z.uuid(),
  ref: z.string(),
  channelId: z.uuid(),
  leadWorkerId: z.uuid(),
  youAreLead: z.boolean(),
  locality: familyLocality,
});
export type FamilySummary = z.infer<typeof familySummary>;

/** The answer to a plan save: the version it made. */
export const planSavedView = z.object({ familyId: z.uuid(), version: z.number().int() });
export type PlanSavedView = z.infer<typeof planSavedView>;

/** The answer to a progress report: its id. */
export const planProgressRecordedView = z.object({ id: z.uuid() });
export type PlanProgressRecordedView = z.infer<typeof planProgressRecordedView>;

/** The latest version of the whole-family plan: sealed content, with what the server may see in clear. */
export const familyPlanVersionView = sealedView.extend({
  version: z.number().int(),
  reviewOn: dateString,
  /** The review date is before today (UTC). */
  reviewOverdue: z.boolean(),
  coveredMemberIds: z.array(z.uuid()),
  authorId: z.uuid(),
  savedAt: timestamp,
  /** The saving device's signature over the text hash and sealed bytes; all three null for a version saved before plans were signed. */
  textHash: z.string().nullable(),
  deviceId: z.uuid().nullable(),
  signature: z.string().nullable(),
});
export type FamilyPlanVersionView = z.infer<typeof familyPlanVersionView>;

export const planProgressView = z.object({
  id: z.uuid(),
  /** The plan objective's id (inside the sealed plan). */
  objective: z.string(),
  kind: z.enum(PROGRESS_KINDS),
  report: sealedView,
  authorId: z.uuid(),
  createdAt: timestamp,
});
export type PlanProgressView = z.infer<typeof planProgressView>;

/** A review of the plan: which version, when, what it found (in clear), and why (sealed, optional). */
export const planReviewView = z.object({
  id: z.uuid(),
  planVersion: z.number().int(),
  outcome: z.enum(PLAN_REVIEW_OUTCOMES),
  reviewedOn: dateString,
  note: sealedView.nullable(),
  reviewedBy: z.uuid(),
  createdAt: timestamp,
});
export type PlanReviewView = z.infer<typeof planReviewView>;

export const familyPlanView = z.object({
  familyId: z.uuid(),
  /** Null until the first version is saved. */
  plan: familyPlanVersionView.nullable(),
  /** Family members the plan does not cover (yet): a prompt, since relevance is a judgement. */
  uncoveredMembers: z.array(z.object({ memberId: z.uuid(), memberRef: z.string(), role: z.enum(FAMILY_MEMBER_ROLES) })),
  progress: z.array(planProgressView),
  /** Reviews of the plan, oldest first (by the day reviewed). */
  reviews: z.array(planReviewView),
});
export type FamilyPlanView = z.infer<typeof familyPlanView>;
