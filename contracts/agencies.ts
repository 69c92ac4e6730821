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

export const AGENCY_STATUSES = ['registered', 'signed', 'notice_given', 'withdrawn', 'suspended'] as const;
export type AgencyStatus = (typeof AGENCY_STATUSES)[number];
