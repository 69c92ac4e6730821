import { z } from 'zod';
import { sealedField, sealedView, timestamp } from './common.js';

/**
 * Information requests between agencies (ISA 3.3.9, 3.3.10): someone asks a partner agency what it holds
 * about a family (a referral, later), why, and by when; the partner's data-protection lead, or someone
 * they assign, provides it or declines with a written explanation the requester reads. The question, the
 * response and the explanation are sealed under the request's own conversation; the server sees who
 * asked whom, about which subject, by when, and the state.
 */

/**
 * `requested → accepted | declined`, `accepted → provided | declined`, then `closed` by the requester once
 * answered; `withdrawn` by the requester before an answer.
 */
export const INFORMATION_REQUEST_STATES = [
  'requested',
  'accepted',
  'declined',
  'provided',
  'closed',
  'withdrawn',
] as const;
export type InformationRequestState = (typeof INFORMATION_REQUEST_STATES)[number];

/** The states in which a request waits for its answer (and may become overdue, or be withdrawn). */
export const OPEN_INFORMATION_REQUEST_STATES = [
  'requested',
  'accepted',
] as const satisfies readonly InformationRequestState[];
/** The states of an answered request (the requester may close it). */
export const ANSWERED_INFORMATION_REQUEST_STATES = [
  'provided',
  'declined',
] as const satisfies readonly InformationRequestState[];

/** What the caller may do with a request now (`actions` in the view). */
export const INFORMATION_REQUEST_ACTIONS = ['accept', 'assign', 'provide', 'decline', 'withdraw', 'close'] as const;
export type InformationRequestAction = (typeof INFORMATION_REQUEST_ACTIONS)[number];

/** Which requests a list shows: those asked of your agency (`inbox`) or those you asked (`outbox`). */
export const INFORMATION_REQUEST_BOXES = ['inbox', 'outbox'] as const;
export type InformationRequestBox = (typeof INFORMATION_REQUEST_BOXES)[number];

/** The caller's part in a request: on the asking side, or the asked agency's admin or assignee. */
export const INFORMATION_REQUEST_PARTS = ['requester', 'agency_admin', 'assignee'] as const;
export type InformationRequestPart = (typeof INFORMATION_REQUEST_PARTS)[number];

// ── subjects ──
// What a request is about, a union discriminated by `kind`. A new kind (the MASH hub's `referral`) adds a
// member here and to the view's union, and registers a subject provider with the server
// (src/information-requests/information-request-subjects.ts); nothing else changes shape.

/** A family, by its id (it is named by its pseudonymous reference, never by a person's name). */
export const familySubject = z.strictObject({ kind: z.literal('family'), familyId: z.uuid() });
/** A MASH referral, by its id: the hub asks partners what they hold while it screens (ISA 3.3.13). */
export const referralSubject = z.strictObject({ kind: z.literal('referral'), referralId: z.uuid() });
export const informationRequestSubject = z.discriminatedUnion('kind', [familySubject, referralSubject]);
export type InformationRequestSubject = z.infer<typeof informationRequestSubject>;
export type InformationRequestSubjectKind = InformationRequestSubject['kind'];
export const INFORMATION_REQUEST_SUBJECT_KINDS = [
  'family',
  'referral',
] as const satisfies readonly InformationRequestSubjectKind[];

// ── the decline rule ──
// The server cannot read an explanation, so the declining client declares its length beside the sealed
// field; the server checks the length against the rule and against the size of the sealed bytes
// (docs/protocol.md, "Information requests: the decline rule"), and every reader's client checks the
// declaration against the text it opens.

/** The fewest characters an explanation of a refusal may have. */
export const DECLINE_EXPLANATION_MIN_CHARACTERS = 20;
/** The most characters an explanation may declare (a sealed field holds at most 16,382 bytes of JSON). */
export const DECLINE_EXPLANATION_MAX_CHARACTERS = 16_000;
/** What a person is told when an explanation is missing or too short (the server and the clients alike). */
export const DECLINE_EXPLANATION_REFUSAL =
  'Explain in at least a sentence why your agency will not share this — 20 characters or more.';

/** Characters as a person counts them: Unicode code points (an emoji is one, not two). */
export const characterCount = (text: string): number => [...text].length;
/** Characters that are not white space. */
export const nonBlankCharacterCount = (text: string): number => [...text].filter((c) => !/\s/u.test(c)).length;

/**
 * The size a sealed body is padded to (docs/protocol.md, "Padding"): the smallest of 64, 128, 256, 512 and
 * 1024 bytes that holds `length`, above that the next multiple of 1024. The SDK's `paddedSize` is the
 * same rule; client/sdk/crypto/decline-rule.spec.ts checks that they agree.
 */
export function paddedBodySize(length: number): number {
  for (const bucket of [64, 128, 256, 512, 1024]) if (length <= bucket) return bucket;
  return Math.ceil(length / 1024) * 1024;
}

/** Nonce and authentication tag around a sealed body: 24 + 16 bytes. */
const SEALED_OVERHEAD = 24 + 16;
/** `{"text":"` and `"}` around the text in the sealed JSON. */
const TEXT_DOCUMENT_FRAME = '{"text":""}'.length;
/** The most bytes one character can take in JSON: a control character escaped as `\u001f`. */
const MAX_JSON_BYTES_PER_CHARACTER = 6;

/**
 * How long the sealed bytes of a `{ text }` document of `characters` characters can be: at least the
 * padded size of the shortest such JSON (each character one byte), at most that of the longest (each
 * character escaped in six). The body is a version byte, the JSON, and at least one padding byte.
 */
export function declineSealedBytes(characters: number): { min: number; max: number } {
  const body = (jsonBytes: number) => paddedBodySize(1 + TEXT_DOCUMENT_FRAME + jsonBytes + 1);
  return {
    min: SEALED_OVERHEAD + body(characters),
    max: SEALED_OVERHEAD + body(characters * MAX_JSON_BYTES_PER_CHARACTER),
  };
}

// ── requests ──

export const createInformationRequestSchema = z.strictObject({
  /** The new request's id, made by the client: its sealed fields are bound to it (docs/protocol.md). */
  id: z.uuid(),
  /**
   * The request's conversation: a new `information_request` channel the requester made with no one else in
   * it, whose first key sealed the question. The server brings the asked agency's admins into it.
   */
  channelId: z.uuid(),
  subject: informationRequestSubject,
  toAgencyId: z.uuid(),
  /** When the answer is due by (ISO 8601 with a time zone); after it an unanswered request is overdue. */
  dueAt: z.iso.datetime({ offset: true }),
  /** What is asked and why (`{question, why}`), sealed under the channel, bound to the request's id. */
  question: sealedField,
});
export type CreateInformationRequestInput = z.infer<typeof createInformationRequestSchema>;

export const informationRequestsQuery = z.strictObject({
  /** `inbox`: asked of your agency (all of them for its admins, yours for an assignee); `outbox`: asked by you. Both when left out. */
  box: z.enum(INFORMATION_REQUEST_BOXES).optional(),
  state: z.enum(INFORMATION_REQUEST_STATES).optional(),
});
export type InformationRequestsQuery = z.infer<typeof informationRequestsQuery>;

export const assignInformationRequestSchema = z.strictObject({ userId: z.uuid() });
export type AssignInformationRequestInput = z.infer<typeof assignInformationRequestSchema>;

export const provideInformationSchema = z.strictObject({
  /** The answer (`{text, files?}`), sealed under the request's channel, bound to the request's id. */
  response: sealedField,
});
export type ProvideInformationInput = z.infer<typeof provideInformationSchema>;

/**
 * Both fields are needed; they are optional here only so that leaving one out is refused with the plain
 * words of the rule (`400 explanation_required`) rather than a generic validation message.
 */
export const declineInformationSchema = z.strictObject({
  /** Why the agency will not share (`{text}`), sealed under the request's channel, bound to its id. */
  explanation: sealedField.optional(),
  /** How many characters (Unicode code points) the explanation's text has, as the declining client counted. */
  explanationLength: z.number().int().min(0).max(DECLINE_EXPLANATION_MAX_CHARACTERS).optional(),
});
export type DeclineInformationInput = z.infer<typeof declineInformationSchema>;

// ── responses ──

/** The subject as the view shows it: a family or a referral, each with its reference (EH-…, MASH-…). */
export const informationRequestSubjectView = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('family'), familyId: z.uuid(), reference: z.string() }),
  z.object({ kind: z.literal('referral'), referralId: z.uuid(), reference: z.string() }),
]);
export type InformationRequestSubjectView = z.infer<typeof informationRequestSubjectView>;

const person = z.object({ userId: z.uuid(), displayName: z.string() });

export const informationRequestView = z.object({
  id: z.uuid(),
  /** The request's conversation: the sealed fields are under its keys, and the two sides may talk there. */
  channelId: z.uuid(),
  subject: informationRequestSubjectView,
  toAgency: z.object({ id: z.uuid(), name: z.string() }),
  requestedBy: person.extend({ agencyId: z.uuid(), agencyName: z.string() }),
  assignee: person.nullable(),
  state: z.enum(INFORMATION_REQUEST_STATES),
  dueAt: timestamp,
  /** Still waiting for an answer (requested or accepted) after `dueAt`. */
  overdue: z.boolean(),
  question: sealedView,
  /** Once provided: the sealed answer. */
  response: sealedView.nullable(),
  /** Once declined: the sealed explanation and the length its author declared (check it on opening). */
  decline: z.object({ explanation: sealedView, explanationLength: z.number().int() }).nullable(),
  /** Who provided or declined, and when. */
  answeredBy: person.nullable(),
  answeredAt: timestamp.nullable(),
  acceptedAt: timestamp.nullable(),
  closedAt: timestamp.nullable(),
  withdrawnAt: timestamp.nullable(),
  createdAt: timestamp,
  updatedAt: timestamp,
  /** The caller's part in the request. */
  yourPart: z.enum(INFORMATION_REQUEST_PARTS),
  /** What the caller may do with it now. */
  actions: z.array(z.enum(INFORMATION_REQUEST_ACTIONS)),
});
export type InformationRequestView = z.infer<typeof informationRequestView>;
