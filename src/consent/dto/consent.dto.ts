import { z } from 'zod';
import { sealedField } from '../../families/dto/family.dto.js';

const isoDate = z.iso.date({ message: 'must be a date (YYYY-MM-DD)' });

export const CONSENT_KINDS = ['record', 'share'] as const;
export const CONSENT_STATUSES = ['given', 'refused', 'withdrawn'] as const;
export const CONSENT_GIVERS = ['self', 'parent', 'carer'] as const;
export const CONSENT_METHODS = ['written', 'verbal', 'electronic'] as const;
/**
 * Lawful bases for sharing without consent (ISA 3.3.6, 3.4):
 * - `safeguarding`: Children Act 2004 s10/s11 with DPA 2018 Sch 1 para 18;
 * - `crime_prevention`: Crime and Disorder Act 1998 s115;
 * - `dea_s35`: Digital Economy Act 2017 s35, only with agencies flagged as s35 partners;
 * - `other`: anything else, explained in the justification.
 */
export const LAWFUL_BASES = ['safeguarding', 'crime_prevention', 'dea_s35', 'other'] as const;
export type LawfulBasisKind = (typeof LAWFUL_BASES)[number];

export const recordConsentSchema = z.strictObject({
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
export type RecordConsentDto = z.infer<typeof recordConsentSchema>;

export const recordNoticeSchema = z.strictObject({
  noticeVersion: z.string().trim().min(1).max(100),
  givenOn: isoDate,
});
export type RecordNoticeDto = z.infer<typeof recordNoticeSchema>;

export const recordLawfulBasisSchema = z.strictObject({
  agencyId: z.uuid(),
  basis: z.enum(LAWFUL_BASES),
  /** Why sharing without consent is necessary and proportionate, sealed by the client. */
  justification: sealedField,
  /** The manager who approved it: another active person of the recorder's agency. */
  approvedBy: z.uuid(),
});
export type RecordLawfulBasisDto = z.infer<typeof recordLawfulBasisSchema>;
