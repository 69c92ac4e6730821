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

/** What an information request asks of a partner agency, and why (ISA 3.3.9). */
export interface InformationRequestDocument {
  question: string;
  why: string;
}

/**
 * A partner agency's answer to an information request. `files` will hold references to encrypted
 * attachments (each with its own key) once attachments exist; until then its entries are not read.
 */
export interface InformationResponseDocument {
  text: string;
  files?: unknown[];
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
  'information-request',
  'information-response',
  'information-decline',
] as const satisfies readonly SealedPurpose[];

/** Fails the build when a purpose is added to the registry but not to the list. */
type MissingPurpose = Exclude<SealedPurpose, (typeof SEALED_PURPOSES)[number]>;
export const _everyPurposeListed: MissingPurpose extends never ? true : MissingPurpose = true;
