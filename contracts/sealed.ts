/**
 * What each sealed field holds, by purpose. The purpose is part of the field's additional data
 * (docs/protocol.md), so a field sealed for one purpose never opens as another; this registry gives
 * each purpose its document type, so `sealField('minutes', doc)` and `openField('minutes', …)` are
 * typed alike in the SDK, the CLI and the web client (the server never sees these documents).
 */

/** Free text: decisions, action descriptions, progress notes, rationales, justifications, a place. */
export interface TextDocument {
  text: string;
}

/** A family member's details: everything that would identify them stays sealed. */
export interface FamilyMemberDetails {
  name?: string;
  dateOfBirth?: string;
}

export interface AgendaItem {
  id: string;
  title: string;
}

/** Meeting minutes: notes per agenda item, and the family's own words. */
export interface MinutesDocument {
  sections: { item: string; notes: string }[];
  familyVoice?: string;
}

/** A signed correction to closed minutes. */
export interface MinutesAmendment {
  text: string;
  reason: string;
}

/** The whole-family plan: objectives with their outcome and measure, and the family's voice. */
export interface PlanDocument {
  objectives: { id: string; objective: string; outcome?: string; measure?: string }[];
  familyVoice?: string;
}

/**
 * A file kept encrypted beside a record or message (docs/protocol.md, "Attachments"): the server holds
 * its chunks by `attachmentId`; the name, type and key travel only inside something sealed.
 */
export interface FileReference {
  type: 'file';
  attachmentId: string;
  name: string;
  mediaType: string;
  /** Plaintext bytes. */
  size: number;
  /** The file's own key and stream header, base64url. */
  key: string;
  header: string;
  chunkSize: number;
}

/** What a referrer tells the hub (ISA 3.3.13): the concern, when, the evidence, files. */
export interface ReferralDocument {
  /** What happened or what worries the referrer. */
  concern: string;
  /** When it happened or was seen. */
  when?: string;
  /** What the referrer saw, heard or holds. */
  evidence?: string;
  /** When the family does not know or has not agreed: why not. */
  consentNote?: string;
  files?: FileReference[];
}

/** What an information request asks of a partner agency, and why (ISA 3.3.9). */
export interface InformationRequestDocument {
  question: string;
  why: string;
}

/** A partner agency's answer to an information request, with any files it sends (each with its own key). */
export interface InformationResponseDocument {
  text: string;
  files?: FileReference[];
}

export interface SealedDocuments {
  'family-member': FamilyMemberDetails;
  'competence-rationale': TextDocument;
  'lawful-basis': TextDocument;
  'meeting-place': TextDocument;
  'meeting-agenda': AgendaItem[];
  'meeting-entry': TextDocument;
  minutes: MinutesDocument;
  'minutes-amendment': MinutesAmendment;
  action: TextDocument;
  'action-note': TextDocument;
  'family-plan': PlanDocument;
  'plan-progress': TextDocument;
  /** Why a review of the plan found what it found. */
  'plan-review': TextDocument;
  'referral-subject': FamilyMemberDetails;
  referral: ReferralDocument;
  'referral-rating': TextDocument;
  'referral-share': TextDocument;
  'referral-decision': TextDocument;
  'information-request': InformationRequestDocument;
  'information-response': InformationResponseDocument;
  /** Why an agency declines an information request (ISA 3.3.10): at least a sentence, read by the requester. */
  'information-decline': TextDocument;
}
export type SealedPurpose = keyof SealedDocuments;
export type SealedDocument<P extends SealedPurpose> = SealedDocuments[P];

/** Every purpose, for code that must handle each (a test, a renderer). */
export const SEALED_PURPOSES = [
  'family-member',
  'competence-rationale',
  'lawful-basis',
  'meeting-place',
  'meeting-agenda',
  'meeting-entry',
  'minutes',
  'minutes-amendment',
  'action',
  'action-note',
  'family-plan',
  'plan-progress',
  'plan-review',
  'referral-subject',
  'referral',
  'referral-rating',
  'referral-share',
  'referral-decision',
  'information-request',
  'information-response',
  'information-decline',
] as const satisfies readonly SealedPurpose[];

/** Fails the build when a purpose is added to the registry but not to the list. */
type MissingPurpose = Exclude<SealedPurpose, (typeof SEALED_PURPOSES)[number]>;
export const _everyPurposeListed: MissingPurpose extends never ? true : MissingPurpose = true;
