/** Sign-in, sessions, users, invitations, two-factor authentication, attestation and devices. */
export const ROLES = ['isa_admin', 'agency_admin', 'practitioner', 'mash_worker', 'auditor'] as const;
export type Role = (typeof ROLES)[number];
export const USER_STATUSES = ['invited', 'active', 'disabled'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];
export const SESSION_STAGES = ['full', 'mfa_enrolment'] as const;
export type SessionStage = (typeof SESSION_STAGES)[number];
