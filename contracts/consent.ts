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
