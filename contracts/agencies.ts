import { z } from 'zod';
import { dateString, timestamp } from './common.js';

/** Agencies, their signatures of the Information Sharing Agreement, and agreement versions. */
export const AGENCY_SECTORS = [
  'local_authority',
  'police',
  'education',
  'health',
  'housing',
  'voluntary',
  'other',
] as const;
export type AgencySector = (typeof AGENCY_SECTORS)[number];

/** `registered → signed → notice_given → withdrawn`, and `suspended` (reinstated to its previous state). */
export const AGENCY_STATUSES = ['registered', 'signed', 'notice_given', 'withdrawn', 'suspended'] as const;
export type AgencyStatus = (typeof AGENCY_STATUSES)[number];

// ── requests ──

/**
 * Dates of the register are modern: the bound keeps out values PostgreSQL cannot store (year 0000) or that
 * date arithmetic cannot handle, which would otherwise fail at the database as a 500.
 */
const EARLIEST = '1900-01-01';
const registerDate = z.iso
  .date({ message: 'must be a date as YYYY-MM-DD' })
  .refine((d) => d >= EARLIEST, `must be on or after ${EARLIEST}`);
const registerDateTime = z.iso
  .datetime({ offset: true, message: 'must be a date and time as ISO 8601 with an offset' })
  // zod runs this even when the format check failed: an unparsable value (NaN) is left to that check.
  .refine((d) => !(Date.parse(d) < Date.parse(EARLIEST)), `must be on or after ${EARLIEST}`);
const text = (max: number) => z.string().trim().min(1, 'is required').max(max, `must be at most ${max} characters`);

export const publishAgreementSchema = z.strictObject({
  label: text(40),
  publishedOn: registerDate,
  /** Where the agreement's text is published. */
  textRef: text(500),
});
export type PublishAgreementInput = z.infer<typeof publishAgreementSchema>;

export const registerAgencySchema = z.strictObject({
  name: text(200),
  sector: z.enum(AGENCY_SECTORS),
  /** A specified person under the Digital Economy Act 2017 s.35 (may share for well-being purposes). */
  deaS35Partner: z.boolean().default(false),
  /** The MASH hub ("Compass", ISA 3.3.13), where referrals go: at most one agency is. */
  mashHub: z.boolean().default(false),
});
/** What a client sends: `deaS35Partner` and `mashHub` may be left out (false). */
export type RegisterAgencyInput = z.input<typeof registerAgencySchema>;

export const signAgencySchema = z.strictObject({
  /** Defaults to the current agreement version. */
  agreementVersionId: z.uuid().optional(),
  signatoryName: text(200),
  signatoryTitle: text(200),
  /** Defaults to the agency's name. */
  signatoryOrganisation: text(200).optional(),
  signedOn: registerDate,
});
export type SignAgencyInput = z.infer<typeof signAgencySchema>;

export const noticeSchema = z.strictObject({
  /**
   * When the written notice was received; defaults to now. Never in the future, nor before the agency
   * last signed the agreement; more than five minutes in the past needs a `reason`.
   */
  noticeGivenAt: registerDateTime.optional(),
  /**
   * Why the notice is dated in the past (say, "letter of 3 March, opened late"). Kept in the audit log,
   * which can never be changed or deleted: give the reason, and name no one.
   */
  reason: text(1000).optional(),
});
export type NoticeInput = z.infer<typeof noticeSchema>;

export const suspendSchema = z.strictObject({ reason: text(1000) });
export type SuspendInput = z.infer<typeof suspendSchema>;

// ── responses ──

/** A published version of the Information Sharing Agreement. The newest by publication date is current. */
export const agreementVersion = z.object({
  id: z.uuid(),
  label: z.string(),
  publishedOn: dateString,
  /** Clause 11: the agreement is reviewed every three years. */
  reviewDue: dateString,
  textRef: z.string(),
  createdAt: timestamp,
});
export type AgreementVersion = z.infer<typeof agreementVersion>;

export const agencyView = z.object({
  id: z.uuid(),
  name: z.string(),
  sector: z.enum(AGENCY_SECTORS),
  deaS35Partner: z.boolean(),
  /** The MASH hub, where referrals go. */
  mashHub: z.boolean(),
  status: z.enum(AGENCY_STATUSES),
  /** The label of the agreement version of the agency's latest signature. */
  signedVersion: z.string().nullable(),
  signedOn: dateString.nullable(),
  /** Signed, but not the current agreement version: the agency must sign again. */
  resignatureDue: z.boolean(),
  noticeGivenAt: timestamp.nullable(),
  /** One calendar month after notice: the agency leaves the agreement then. */
  withdrawalEffectiveAt: timestamp.nullable(),
  withdrawnAt: timestamp.nullable(),
  suspendedReason: z.string().nullable(),
});
export type AgencyView = z.infer<typeof agencyView>;

/** One signature of the agreement by an agency's signatory, against a specific version. */
export const signatureView = z.object({
  id: z.uuid(),
  agencyId: z.uuid(),
  agreementVersionId: z.uuid(),
  agreementLabel: z.string(),
  signatoryName: z.string(),
  signatoryTitle: z.string(),
  signatoryOrganisation: z.string(),
  signedOn: dateString,
  /** The ISA team member who recorded it (null for the demo seed and set-up). */
  recordedBy: z.uuid().nullable(),
  createdAt: timestamp,
});
export type SignatureView = z.infer<typeof signatureView>;
