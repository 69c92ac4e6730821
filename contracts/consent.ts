import { z } from 'zod';
import { dateString, isoDate, sealedField, sealedView, timestamp } from './common.js';
import { FAMILY_MEMBER_ROLES } from './families.js';

/** The consent register: consent to record and to share, fair-processing notices, lawful bases. */
export const CONSENT_KINDS = ['record', 'share'] as const;
export type ConsentKind = (typeof CONSENT_KINDS)[number];
export const CONSENT_STATUSES = ['given', 'refused', 'withdrawn'] as const;
export type ConsentStatus = (typeof CONSENT_STATUSES)[number];
export const CONSENT_GIVERS = ['self', 'parent', 'carer'] as const;
export type ConsentGiver = (typeof CONSENT_GIVERS)[number];
export const CONSENT_METHODS = ['written', 'verbal', 'electronic'] as const;
export type ConsentMethod = (typeof CONSENT_METHODS)[number];
/**
 * Lawful bases for sharing without consent (ISA 3.3.6, 3.4):
 * - `safeguarding`: Children Act 2004 s10/s11 with DPA 2018 Sch 1 para 18;
 * - `crime_prevention`: Crime and Disorder Act 1998 s115;
 * - `dea_s35`: Digital Economy Act 2017 s35, only with agencies flagged as s35 partners;
 * - `other`: anything else, explained in the justification.
 */
export const LAWFUL_BASES = ['safeguarding', 'crime_prevention', 'dea_s35', 'other'] as const;
export type LawfulBasisKind = (typeof LAWFUL_BASES)[number];
/** Why an agency may see a family's content: it leads, it has a recorded lawful basis, or consent covers it. */
export const SHARING_BASES = ['lead_agency', 'lawful_basis', 'consent'] as const;
export type SharingBasis = (typeof SHARING_BASES)[number];
/**
 * What a sharing decision was about: a person joining the family's channel, a lawful basis recorded, or an
 * information request (ISA 3.3.9, 3.3.10) to an agency: asked (the question shared with it), answered by
 * it (provided, or declined with a written explanation), or withdrawn by the requester.
 */
export const SHARING_DECISION_KINDS = [
  'channel_member_added',
  'lawful_basis_recorded',
  'information_requested',
  'information_provided',
  'information_declined',
  'information_request_withdrawn',
] as const;
export type SharingDecisionKind = (typeof SHARING_DECISION_KINDS)[number];
/** `withdrawn`: an information request the requester took back, so nothing more is shared under it. */
export const SHARING_OUTCOMES = ['shared', 'refused', 'withdrawn'] as const;
export type SharingOutcome = (typeof SHARING_OUTCOMES)[number];

// ── requests ──

export const recordConsentSchema = z.strictObject({
  /** The new record's id, made by the client: its sealed fields are bound to it (docs/protocol.md). */
  id: z.uuid(),
  kind: z.enum(CONSENT_KINDS),
  status: z.enum(CONSENT_STATUSES),
  givenBy: z.enum(CONSENT_GIVERS),
  method: z.enum(CONSENT_METHODS),
  decidedOn: isoDate,
  formVersion: z.string().trim().min(1).max(100),
  /** Consent to share: the agencies it covers (required when given). */
  agencyIds: z.array(z.uuid()).max(200).default([]),
  /** A young person consenting for themself: the competence judgement behind it. */
  competence: z
    .strictObject({
      assessedBy: z.uuid(),
      assessedOn: isoDate,
      rationale: sealedField,
    })
    .optional(),
});
/** A consent decision as the server has it after validation (`agencyIds` defaulted). */
export type RecordConsentInput = z.infer<typeof recordConsentSchema>;
/** A consent decision as a client sends it (`agencyIds` may be left out). */
export type ConsentInput = z.input<typeof recordConsentSchema>;

export const recordNoticeSchema = z.strictObject({
  noticeVersion: z.string().trim().min(1).max(100),
  givenOn: isoDate,
});
export type RecordNoticeInput = z.infer<typeof recordNoticeSchema>;

export const recordLawfulBasisSchema = z.strictObject({
  /** The new record's id, made by the client: its sealed fields are bound to it (docs/protocol.md). */
  id: z.uuid(),
  agencyId: z.uuid(),
  basis: z.enum(LAWFUL_BASES),
  /** Why sharing without consent is necessary and proportionate, sealed by the client. */
  justification: sealedField,
  /** The manager who approved it: another active person of the recorder's agency. */
  approvedBy: z.uuid(),
});
export type RecordLawfulBasisInput = z.infer<typeof recordLawfulBasisSchema>;

// ── responses ──

/** The competence judgement behind a young person's own decision. */
export const competenceView = z.object({
  assessedBy: z.uuid(),
  assessedOn: dateString,
  rationale: sealedView.nullable(),
});
export type CompetenceView = z.infer<typeof competenceView>;

/** One consent decision, as recorded (records are never changed: a later one supersedes it). */
export const consentRecordView = z.object({
  id: z.uuid(),
  kind: z.enum(CONSENT_KINDS),
  status: z.enum(CONSENT_STATUSES),
  givenBy: z.enum(CONSENT_GIVERS),
  method: z.enum(CONSENT_METHODS),
  decidedOn: dateString,
  formVersion: z.string(),
  /** Consent to share: the agencies it covers; empty otherwise. */
  agencyIds: z.array(z.uuid()),
  competence: competenceView.nullable(),
  recordedBy: z.uuid(),
  recordedAt: timestamp,
});
export type ConsentRecordView = z.infer<typeof consentRecordView>;

/** A fair-processing notice given to a family member by a person of `agencyId` (ISA 5.1). */
export const fairProcessingNoticeView = z.object({
  agencyId: z.uuid(),
  noticeVersion: z.string(),
  givenOn: dateString,
  givenBy: z.uuid(),
});
export type FairProcessingNoticeView = z.infer<typeof fairProcessingNoticeView>;

/** A family member's consent: the decisions in force, the whole history and the notices given. */
export const memberConsentView = z.object({
  memberId: z.uuid(),
  memberRef: z.string(),
  role: z.enum(FAMILY_MEMBER_ROLES),
  /** The latest decision on consent to record, if any. */
  consentToRecord: consentRecordView.nullable(),
  /** The latest decision on consent to share, if any. */
  consentToShare: consentRecordView.nullable(),
  history: z.array(consentRecordView),
  noticesGiven: z.array(fairProcessingNoticeView),
});
export type MemberConsentView = z.infer<typeof memberConsentView>;

/** A lawful basis to share with an agency without consent, in force. */
export const lawfulBasisView = z.object({
  id: z.uuid(),
  agencyId: z.uuid(),
  basis: z.enum(LAWFUL_BASES),
  justification: sealedView,
  approvedBy: z.uuid(),
  recordedBy: z.uuid(),
  recordedAt: timestamp,
});
export type LawfulBasisView = z.infer<typeof lawfulBasisView>;

/** Why new content in a family's channel is restricted, and to which agencies it still goes. */
export const sharingRestrictionView = z.object({
  reason: z.string(),
  message: z.string(),
  agencyIds: z.array(z.uuid()),
});
export type SharingRestrictionView = z.infer<typeof sharingRestrictionView>;

/** Who may share a family's information now: the lead agency, any restriction, each agency's basis. */
export const sharingView = z.object({
  leadAgencyId: z.uuid(),
  restriction: sharingRestrictionView.nullable(),
  /** Every agency that may share now, and on what basis (agencies with none are left out). */
  agencies: z.array(z.object({ agencyId: z.uuid(), agencyName: z.string(), basis: z.enum(SHARING_BASES) })),
});
export type SharingView = z.infer<typeof sharingView>;

/**
 * One decision to share a family's information with an agency, or not. For an information request,
 * `agencyId` is the agency asked, and `informationRequestId` names the request.
 */
export const sharingDecisionView = z.object({
  agencyId: z.uuid(),
  what: z.enum(SHARING_DECISION_KINDS),
  subjectUserId: z.uuid().nullable(),
  informationRequestId: z.uuid().nullable(),
  outcome: z.enum(SHARING_OUTCOMES),
  /** `none` when the decision was a refusal. */
  basis: z.enum([...SHARING_BASES, 'none']),
  decidedBy: z.uuid(),
  decidedAt: timestamp,
});
export type SharingDecisionView = z.infer<typeof sharingDecisionView>;

/** A family's whole consent register: consent history, notices, lawful bases, who may share and why. */
export const consentRegisterView = z.object({
  familyId: z.uuid(),
  familyRef: z.string(),
  members: z.array(memberConsentView),
  lawfulBases: z.array(lawfulBasisView),
  sharing: sharingView,
  decisions: z.array(sharingDecisionView),
});
export type ConsentRegisterView = z.infer<typeof consentRegisterView>;
