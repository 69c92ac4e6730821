import type {
  AgencySector,
  AgencyStatus,
  ConsentGiver,
  ConsentKind,
  ConsentMethod,
  ConsentStatus,
  FamilyMemberRole,
  LawfulBasisKind,
  Role,
  SharingBasis,
  SharingDecisionKind,
  UserStatus,
} from '../../../sdk/browser.js';

/**
 * The words a person reads for the values the API uses (`notice_given`, `dea_s35`…): every screen
 * names a status, a role or a basis from here, never by its code.
 */
export const ROLE_LABELS: Record<Role, string> = {
  isa_admin: 'ISA team administrator',
  agency_admin: 'Agency administrator',
  practitioner: 'Practitioner',
  mash_worker: 'MASH hub worker',
  auditor: 'Quality auditor',
};

export const USER_STATUS_LABELS: Record<UserStatus, string> = {
  invited: 'Invited (has not set a password yet)',
  active: 'Active',
  disabled: 'Disabled',
};

export const AGENCY_STATUS_LABELS: Record<AgencyStatus, string> = {
  registered: 'Registered, not signed',
  signed: 'Active (signed)',
  notice_given: 'Notice given',
  withdrawn: 'Withdrawn',
  suspended: 'Suspended',
};

export const SECTOR_LABELS: Record<AgencySector, string> = {
  local_authority: 'Local authority',
  police: 'Police',
  education: 'Education',
  health: 'Health',
  housing: 'Housing',
  voluntary: 'Voluntary sector',
  other: 'Other',
};

export const MEMBER_ROLE_LABELS: Record<FamilyMemberRole, string> = {
  child: 'Child',
  parent: 'Parent',
  carer: 'Carer',
  other: 'Other family member',
};

export const CONSENT_KIND_LABELS: Record<ConsentKind, string> = {
  record: 'Consent to record',
  share: 'Consent to share',
};

export const CONSENT_STATUS_LABELS: Record<ConsentStatus, string> = {
  given: 'Given',
  refused: 'Refused',
  withdrawn: 'Withdrawn',
};

export const CONSENT_GIVER_LABELS: Record<ConsentGiver, string> = {
  self: 'The family member themself',
  parent: 'A parent',
  carer: 'A carer',
};

export const CONSENT_METHOD_LABELS: Record<ConsentMethod, string> = {
  written: 'In writing',
  verbal: 'Spoken',
  electronic: 'Electronically',
};

export const LAWFUL_BASIS_LABELS: Record<LawfulBasisKind, string> = {
  safeguarding: 'Safeguarding (Children Act 2004, sections 10 and 11)',
  crime_prevention: 'Preventing crime (Crime and Disorder Act 1998, section 115)',
  dea_s35: 'Digital Economy Act 2017, section 35',
  other: 'Another lawful basis (see the justification)',
};

export const SHARING_BASIS_LABELS: Record<SharingBasis, string> = {
  lead_agency: 'Lead worker’s agency',
  lawful_basis: 'Lawful basis without consent',
  consent: 'Consent',
};

/** What a decision in a family's register was about (a person joining the family's conversation is named). */
export const SHARING_DECISION_LABELS: Record<SharingDecisionKind, string> = {
  channel_member_added: 'Someone to join the family’s conversation',
  lawful_basis_recorded: 'A lawful basis recorded',
  information_requested: 'Asked what the agency holds',
  information_provided: 'The agency provided what it holds',
  information_declined: 'The agency declined to share',
  information_request_withdrawn: 'The request to the agency withdrawn',
};

/** "1 member", "2 members". */
export const count = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** A label table as the options of a choice, in the table's order. */
export const optionsOf = <V extends string>(labels: Record<V, string>) =>
  (Object.keys(labels) as V[]).map((value) => ({ value, label: labels[value] }));

/**
 * Today as `YYYY-MM-DD` by the day the server counts in (UTC): the latest date it takes for a decision,
 * so a default never reads as "in the future" in the hour after midnight in summer.
 */
export const today = (): string => new Date().toISOString().slice(0, 10);

/** A calendar date (`YYYY-MM-DD`, no time) as people here write it: 6 May 2013, whatever this browser's time zone. */
export const formatDay = (day: string) =>
  new Date(`${day.slice(0, 10)}T00:00:00Z`).toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });
