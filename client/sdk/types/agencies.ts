/** Shapes of the server's responses (agencies), as the SDK exposes them. Dates arrive as ISO strings. */
export type AgencyStatus = 'registered' | 'signed' | 'notice_given' | 'withdrawn' | 'suspended';
export type AgencySector = 'local_authority' | 'police' | 'education' | 'health' | 'housing' | 'voluntary' | 'other';

export interface AgreementVersion {
  id: string;
  label: string;
  publishedOn: string;
  reviewDue: string;
  textRef: string;
  createdAt: string;
}

export interface AgencyView {
  id: string;
  name: string;
  sector: AgencySector;
  deaS35Partner: boolean;
  status: AgencyStatus;
  signedVersion: string | null;
  signedOn: string | null;
  resignatureDue: boolean;
  noticeGivenAt: string | null;
  withdrawalEffectiveAt: string | null;
  withdrawnAt: string | null;
  suspendedReason: string | null;
}

export interface SignatureView {
  id: string;
  agencyId: string;
  agreementVersionId: string;
  agreementLabel: string;
  signatoryName: string;
  signatoryTitle: string;
  signatoryOrganisation: string;
  signedOn: string;
}
