/** Shapes of the server's responses (families), as the SDK exposes them. Dates arrive as ISO strings. */
// ── families and consent ──
/** A field sealed by the client under a family channel's epoch key (see SecureSession.sealField). */
export interface SealedField {
  epoch: number;
  ciphertext: string;
}
export type FamilyMemberRole = 'child' | 'parent' | 'carer' | 'other';

export interface FamilyView {
  id: string;
  ref: string;
  channelId: string;
  owningAgencyId: string;
  leadWorker: { userId: string; displayName: string; agencyId: string };
  createdAt: string;
  members: { id: string; ref: string; role: FamilyMemberRole; details: SealedField | null; createdAt: string }[];
  leadHistory: { fromUserId: string | null; toUserId: string; changedBy: string; changedAt: string }[];
}

export interface FamilySummary {
  id: string;
  ref: string;
  channelId: string;
  leadWorkerId: string;
  youAreLead: boolean;
}

export type ConsentKind = 'record' | 'share';
export type ConsentStatus = 'given' | 'refused' | 'withdrawn';
export type LawfulBasisKind = 'safeguarding' | 'crime_prevention' | 'dea_s35' | 'other';
export type SharingBasis = 'lead_agency' | 'lawful_basis' | 'consent';

export interface ConsentInput {
  kind: ConsentKind;
  status: ConsentStatus;
  givenBy: 'self' | 'parent' | 'carer';
  method: 'written' | 'verbal' | 'electronic';
  decidedOn: string;
  formVersion: string;
  agencyIds?: string[];
  competence?: { assessedBy: string; assessedOn: string; rationale: SealedField };
}

export interface ConsentRecordView {
  id: string;
  kind: ConsentKind;
  status: ConsentStatus;
  givenBy: string;
  method: string;
  decidedOn: string;
  formVersion: string;
  agencyIds: string[];
  competence: { assessedBy: string; assessedOn: string; rationale: SealedField | null } | null;
  recordedBy: string;
  recordedAt: string;
}

export interface ConsentRegisterView {
  familyId: string;
  familyRef: string;
  members: {
    memberId: string;
    memberRef: string;
    role: FamilyMemberRole;
    consentToRecord: ConsentRecordView | null;
    consentToShare: ConsentRecordView | null;
    history: ConsentRecordView[];
    noticesGiven: { agencyId: string; noticeVersion: string; givenOn: string; givenBy: string }[];
  }[];
  lawfulBases: {
    id: string;
    agencyId: string;
    basis: LawfulBasisKind;
    justification: SealedField;
    approvedBy: string;
    recordedBy: string;
    recordedAt: string;
  }[];
  sharing: {
    leadAgencyId: string;
    restriction: { reason: string; message: string; agencyIds: string[] } | null;
    agencies: { agencyId: string; agencyName: string; basis: SharingBasis }[];
  };
  decisions: {
    agencyId: string;
    what: string;
    subjectUserId: string | null;
    outcome: 'shared' | 'refused';
    basis: SharingBasis | 'none';
    decidedBy: string;
    decidedAt: string;
  }[];
}

// ── whole-family plan ──
export interface FamilyPlanView {
  familyId: string;
  plan:
    | (SealedField & {
        version: number;
        reviewOn: string;
        reviewOverdue: boolean;
        coveredMemberIds: string[];
        authorId: string;
        savedAt: string;
      })
    | null;
  uncoveredMembers: { memberId: string; memberRef: string; role: FamilyMemberRole }[];
  progress: {
    id: string;
    objective: string;
    kind: 'professional' | 'family';
    report: SealedField;
    authorId: string;
    createdAt: string;
  }[];
}
