/** Families (by pseudonymous reference), their members and the whole-family plan. */
export const FAMILY_MEMBER_ROLES = ['child', 'parent', 'carer', 'other'] as const;
export type FamilyMemberRole = (typeof FAMILY_MEMBER_ROLES)[number];

/** `professional`: the named professional's report; `family`: the family's own assessment. */
export const PROGRESS_KINDS = ['professional', 'family'] as const;
export type ProgressKind = (typeof PROGRESS_KINDS)[number];
