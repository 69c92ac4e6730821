import { z } from 'zod';
import { sealedField, sealedView, timestamp } from './common.js';
import { LAWFUL_BASES } from './consent.js';

/**
 * The MASH hub ("Compass", ISA 3.3.13): referrals from any signed agency's practitioners, screened by
 * the hub with a RAG rating against deadlines from receipt, shared with partners, decided, and the
 * decision fed back to the referrer. Everything a person wrote (the concern, names and dates of birth,
 * rationales) is sealed under the referral's own channel; the server holds states, ratings, dates and
 * who did what.
 */

/** A referral's life: a draft gets its reference number when it is submitted (`received`). */
export const REFERRAL_STATES = [
  'draft',
  'received',
  'screening',
  'information_gathering',
  'decided',
  'closed',
] as const;
export type ReferralState = (typeof REFERRAL_STATES)[number];
/** Submitted and not yet decided: what the hub's queue holds. */
export const OPEN_REFERRAL_STATES = ['received', 'screening', 'information_gathering'] as const;

/** The hub's screening rating: red, amber, green. */
export const RAG_RATINGS = ['red', 'amber', 'green'] as const;
export type RagRating = (typeof RAG_RATINGS)[number];

/**
 * How soon the referrer asks the hub to act. Until the hub rates it, a referral's deadline runs as if
 * rated `immediate` → red, `urgent` → amber, `standard` → green.
 */
export const REFERRAL_URGENCIES = ['immediate', 'urgent', 'standard'] as const;
export type ReferralUrgency = (typeof REFERRAL_URGENCIES)[number];

/** Whether the family knows about the referral and agrees to it being shared. */
export const FAMILY_CONSENTS = ['given', 'refused', 'not_asked'] as const;
export type FamilyConsent = (typeof FAMILY_CONSENTS)[number];

export const REFERRAL_DECISIONS = [
  'no_further_action',
  'early_help',
  'social_care_assessment',
  'strategy_discussion',
  'signpost',
] as const;
export type ReferralDecision = (typeof REFERRAL_DECISIONS)[number];

export const REFERRAL_SUBJECT_ROLES = ['child', 'adult'] as const;
export type ReferralSubjectRole = (typeof REFERRAL_SUBJECT_ROLES)[number];

/** On what basis the hub shares a referral with a partner: the family's consent, or a lawful basis. */
export const REFERRAL_SHARE_BASES = ['consent', 'lawful_basis'] as const;
export type ReferralShareBasis = (typeof REFERRAL_SHARE_BASES)[number];

/** The concern categories the hub takes when none are configured (`REFERRAL_CONCERN_CATEGORIES`). */
export const DEFAULT_CONCERN_CATEGORIES = [
  'neglect',
  'physical_abuse',
  'emotional_abuse',
  'sexual_abuse',
  'domestic_abuse',
  'criminal_exploitation',
  'sexual_exploitation',
  'parental_mental_health',
  'parental_substance_misuse',
  'child_mental_health',
  'school_attendance',
  'housing',
  'other',
] as const;

/** A concern category's code: lower-case words joined by underscores. */
export const concernCategory = z
  .string()
  .regex(/^[a-z][a-z0-9_]{1,48}$/, 'must be a concern category code such as "neglect"');

/** What the timeline records, in order. */
export const REFERRAL_EVENT_KINDS = [
  'submitted',
  'claimed',
  'rated',
  'shared',
  'information_requested',
  'decided',
  'closed',
] as const;
export type ReferralEventKind = (typeof REFERRAL_EVENT_KINDS)[number];

// ── requests ──

export const startReferralSchema = z.strictObject({
  /** The referral's id, made by the client: its sealed fields are bound to it (docs/protocol.md). */
  id: z.uuid(),
});
export type StartReferralInput = z.infer<typeof startReferralSchema>;

export const referralSubjectInput = z.strictObject({
  /** The subject's id, made by the client: their sealed details are bound to it. */
  id: z.uuid(),
  role: z.enum(REFERRAL_SUBJECT_ROLES),
  /** Name and date of birth, sealed (purpose `referral-subject`). */
  details: sealedField,
});

export const submitReferralSchema = z.strictObject({
  categories: z.array(concernCategory).min(1).max(20),
  urgency: z.enum(REFERRAL_URGENCIES),
  familyConsent: z.enum(FAMILY_CONSENTS),
  /** The children and adults the concern is about: at least one child. */
  subjects: z.array(referralSubjectInput).min(1).max(30),
  /** What, when, evidence, why the family was not asked, attached files: sealed (purpose `referral`). */
  content: sealedField,
});
export type SubmitReferralInput = z.infer<typeof submitReferralSchema>;

export const rateReferralSchema = z.strictObject({
  /** The rating's id, made by the client: the rationale is bound to it. */
  id: z.uuid(),
  rag: z.enum(RAG_RATINGS),
  /** Why this rating, sealed (purpose `referral-rating`). */
  rationale: sealedField,
});
export type RateReferralInput = z.infer<typeof rateReferralSchema>;

export const shareReferralSchema = z
  .strictObject({
    /** The share's id, made by the client: a lawful-basis justification is bound to it. */
    id: z.uuid(),
    /** The partner practitioner brought into the referral. */
    userId: z.uuid(),
    basis: z.enum(REFERRAL_SHARE_BASES),
    lawfulBasis: z.enum(LAWFUL_BASES).optional(),
    /** Why sharing without consent is necessary and proportionate, sealed (purpose `referral-share`). */
    justification: sealedField.optional(),
  })
  .superRefine((v, ctx) => {
    // Named by the field that is missing, so a form can point at it.
    if (v.basis !== 'lawful_basis') return;
    if (v.lawfulBasis === undefined) {
      ctx.addIssue({ code: 'custom', path: ['lawfulBasis'], message: 'sharing on a lawful basis needs the basis' });
    }
    if (v.justification === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['justification'],
        message: 'sharing on a lawful basis needs a sealed justification',
      });
    }
  });
export type ShareReferralInput = z.infer<typeof shareReferralSchema>;
export type ShareReferralRequest = z.input<typeof shareReferralSchema>;

export const decideReferralSchema = z
  .strictObject({
    decision: z.enum(REFERRAL_DECISIONS),
    /** Why, sealed (purpose `referral-decision`), bound to the referral. */
    rationale: sealedField,
    /** Early help: link this existing family… */
    familyId: z.uuid().optional(),
    /** …or open a new family led by this practitioner. */
    leadWorkerId: z.uuid().optional(),
  })
  .superRefine((v, ctx) => {
    // Early help needs either `familyId` (an existing family) or `leadWorkerId` (a new family), and other
    // decisions neither; each refusal names the fields it is about.
    const given = (['familyId', 'leadWorkerId'] as const).filter((k) => v[k] !== undefined);
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (v.decision !== 'early_help') {
      if (given.length) issue('decision', 'only early help links or opens a family');
      for (const k of given) issue(k, 'only early help links or opens a family');
    } else if (!given.length) {
      issue('familyId', 'early help needs a family to link, or a lead worker to open one');
      issue('leadWorkerId', 'early help needs a lead worker to open a family, or a family to link');
    } else if (given.length === 2) {
      for (const k of given) issue(k, 'give either a family to link or a lead worker to open one, not both');
    }
  });
export type DecideReferralInput = z.infer<typeof decideReferralSchema>;

export const listReferralsQuery = z.strictObject({
  /** `mine`: the referrals you made; `hub`: every referral (hub workers); `shared`: those shared with you. */
  box: z.enum(['mine', 'hub', 'shared']).default('mine'),
  state: z.enum(REFERRAL_STATES).optional(),
});
export type ListReferralsQuery = z.infer<typeof listReferralsQuery>;

// ── responses ──

/**
 * What the referrer sees of their referral once it has left their hands: the acknowledgement, the
 * rating and the decision; never what the hub or partners wrote.
 */
export const referralReceipt = z.object({
  id: z.uuid(),
  /** `MASH-2026-000123`; null for a draft. */
  ref: z.string().nullable(),
  state: z.enum(REFERRAL_STATES),
  referrerUserId: z.uuid(),
  referrerAgencyId: z.uuid(),
  categories: z.array(z.string()),
  urgency: z.enum(REFERRAL_URGENCIES).nullable(),
  receivedAt: timestamp.nullable(),
  /** When the hub's system acknowledged it: at once, on receipt. */
  acknowledgedAt: timestamp.nullable(),
  rag: z.enum(RAG_RATINGS).nullable(),
  ratedAt: timestamp.nullable(),
  decision: z.enum(REFERRAL_DECISIONS).nullable(),
  decidedAt: timestamp.nullable(),
  closedAt: timestamp.nullable(),
});
export type ReferralReceipt = z.infer<typeof referralReceipt>;

export const referralSubjectView = z.object({
  id: z.uuid(),
  role: z.enum(REFERRAL_SUBJECT_ROLES),
  details: sealedView,
});
export type ReferralSubjectView = z.infer<typeof referralSubjectView>;

export const referralRatingView = z.object({
  id: z.uuid(),
  rag: z.enum(RAG_RATINGS),
  rationale: sealedView,
  ratedBy: z.uuid(),
  ratedAt: timestamp,
  deadlineAt: timestamp,
});
export type ReferralRatingView = z.infer<typeof referralRatingView>;

export const referralShareView = z.object({
  id: z.uuid(),
  userId: z.uuid(),
  agencyId: z.uuid(),
  basis: z.enum(REFERRAL_SHARE_BASES),
  lawfulBasis: z.enum(LAWFUL_BASES).nullable(),
  justification: sealedView.nullable(),
  sharedBy: z.uuid(),
  sharedAt: timestamp,
});
export type ReferralShareView = z.infer<typeof referralShareView>;

export const referralEventView = z.object({
  kind: z.enum(REFERRAL_EVENT_KINDS),
  actorUserId: z.uuid().nullable(),
  at: timestamp,
  /** Codes and ids only (a rating, a decision, who was brought in): never content. */
  details: z.record(z.string(), z.unknown()),
});
export type ReferralEventView = z.infer<typeof referralEventView>;

/** A referral as the hub, and the partners it was shared with, see it. */
export const referralView = referralReceipt.extend({
  channelId: z.uuid(),
  hubAgencyId: z.uuid(),
  familyConsent: z.enum(FAMILY_CONSENTS).nullable(),
  subjects: z.array(referralSubjectView),
  content: sealedView.nullable(),
  assignedTo: z.uuid().nullable(),
  claimedAt: timestamp.nullable(),
  /** When screening must be done by: from receipt, by the rating (or the urgency asked for, before one). */
  deadlineAt: timestamp.nullable(),
  overdue: z.boolean(),
  ratings: z.array(referralRatingView),
  shares: z.array(referralShareView),
  decisionRationale: sealedView.nullable(),
  decidedBy: z.uuid().nullable(),
  familyId: z.uuid().nullable(),
  timeline: z.array(referralEventView),
});
export type ReferralView = z.infer<typeof referralView>;

/** `GET /referrals/:id` answers the full view to the hub and partners, the receipt to the referrer. */
export type ReferralAnswer = ({ view: 'full' } & ReferralView) | ({ view: 'receipt' } & ReferralReceipt);

/** One line of the hub's queue. */
export const queueEntryView = z.object({
  id: z.uuid(),
  ref: z.string(),
  state: z.enum(OPEN_REFERRAL_STATES),
  urgency: z.enum(REFERRAL_URGENCIES),
  rag: z.enum(RAG_RATINGS).nullable(),
  categories: z.array(z.string()),
  referrerAgencyId: z.uuid(),
  assignedTo: z.uuid().nullable(),
  receivedAt: timestamp,
  deadlineAt: timestamp,
  overdue: z.boolean(),
});
export type QueueEntryView = z.infer<typeof queueEntryView>;

export const referralQueueView = z.object({
  /** Open referrals, overdue first, then by deadline. */
  entries: z.array(queueEntryView),
  /** Open referrals by rating; `unrated` before screening gives one. */
  byRag: z.object({ red: z.number(), amber: z.number(), green: z.number(), unrated: z.number() }),
  byState: z.object({ received: z.number(), screening: z.number(), information_gathering: z.number() }),
  overdue: z.number(),
});
export type ReferralQueueView = z.infer<typeof referralQueueView>;

/** What the hub takes: its concern categories and deadline hours. */
export const referralSettingsView = z.object({
  hubAgencyId: z.uuid().nullable(),
  hubAgencyName: z.string().nullable(),
  categories: z.array(z.string()),
  deadlineHours: z.object({ red: z.number(), amber: z.number(), green: z.number() }),
});
export type ReferralSettingsView = z.infer<typeof referralSettingsView>;
