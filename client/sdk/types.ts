/** Shapes of the server's responses, as the SDK exposes them. Dates arrive as ISO strings. */
export type Role = 'isa_admin' | 'agency_admin' | 'practitioner' | 'mash_worker' | 'auditor';
export type AgencyStatus = 'registered' | 'signed' | 'notice_given' | 'withdrawn' | 'suspended';
export type AgencySector = 'local_authority' | 'police' | 'education' | 'health' | 'housing' | 'voluntary' | 'other';

export interface UserView {
  id: string;
  agencyId: string;
  email: string;
  displayName: string;
  role: Role;
  status: 'invited' | 'active' | 'disabled';
  mfaEnabled: boolean;
  createdAt: string;
  disabledAt: string | null;
}

export interface SessionView {
  id: string;
  stage: 'full' | 'mfa_enrolment';
  createdAt: string;
  lastSeenAt: string;
  idleExpiresAt: string;
  absoluteExpiresAt: string;
  ip: string | null;
  userAgent: string | null;
  current?: boolean;
}

export interface LoginResult {
  token: string;
  session: SessionView;
  user: UserView;
  agency: { id: string; name: string; status: AgencyStatus };
}

export interface MeView {
  user: UserView;
  agency: {
    id: string;
    name: string;
    sector: AgencySector;
    status: AgencyStatus;
    withdrawalEffectiveAt: string | null;
  };
  session: SessionView;
  mfa: { enabled: boolean; required: boolean };
  attestation: {
    required: boolean;
    agreementVersionId: string | null;
    agreementVersion: string | null;
    adviceVersion: string;
  };
  access: { canShare: boolean; reasons: string[] };
}

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

export interface DeviceView {
  id: string;
  userId: string;
  label: string;
  x25519PublicKey: string;
  ed25519PublicKey: string;
  createdAt: string;
  revokedAt: string | null;
}

export interface AuditEventView {
  seq: number;
  occurredAt: string;
  actorUserId: string | null;
  actorAgencyId: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  outcome: 'success' | 'failure' | 'denied';
  requestId: string | null;
  sourceIp: string | null;
  details: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

export interface AuditVerifyReport {
  ok: boolean;
  eventsChecked: number;
  head: { seq: number; hash: string };
  firstBroken: { seq: number; reason: 'sequence_gap' | 'prev_hash_mismatch' | 'hash_mismatch' } | null;
}

export type ChannelKind = 'direct' | 'locality_meeting' | 'family_meeting' | 'professionals_meeting' | 'referral';
export type MemberRole = 'chair' | 'member' | 'observer';

export interface MemberDeviceView {
  deviceId: string;
  userId: string;
  x25519PublicKey: string;
  ed25519PublicKey: string;
}

export interface ChannelSummary {
  id: string;
  kind: ChannelKind;
  myRole: MemberRole;
  currentEpoch: number;
  rotationRequired: boolean;
  lastSeq: number;
  memberCount: number;
  title: { epoch: number; ciphertext: string } | null;
  createdAt: string;
}

export interface ChannelView {
  id: string;
  kind: ChannelKind;
  owningAgencyId: string;
  retentionDays: number;
  currentEpoch: number;
  epochOpenedAt: string | null;
  rotationRequired: boolean;
  rotationReason: string | null;
  lastSeq: number;
  title: { epoch: number; ciphertext: string } | null;
  createdAt: string;
  /** Why new content is limited to some agencies (a family's consent to share withdrawn), or null. */
  sharingRestriction: { reason: string; message: string; agencyIds: string[] } | null;
  members: {
    userId: string;
    displayName: string;
    agencyId: string;
    agencyName: string;
    role: MemberRole;
    joinedAt: string;
    endsAt: string | null;
    devices: MemberDeviceView[];
  }[];
}

export interface EpochKeyView {
  epoch: number;
  sealed: string;
  sharedByDeviceId: string | null;
  openerDeviceId: string;
  recipientDeviceIds: string[];
  signature: string;
  openedAt: string;
  firstSeq: number;
}

/** A message as the server stores and sends it: ciphertext and the header fields in clear. */
export interface RealtimeMessage {
  id: string;
  seq: number;
  epoch: number;
  senderUserId: string;
  senderDeviceId: string;
  clientMessageId: string;
  nonce: string;
  ciphertext: string;
  signature: string;
  createdAt: string;
  expiresAt: string;
}

export interface StoredMessageView extends RealtimeMessage {
  deleted: boolean;
}

export interface MessagePage {
  messages: StoredMessageView[];
  lastSeq: number;
  visibleFromSeq: number;
}

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

// ── meetings ──
export type MeetingKind = 'locality' | 'family' | 'professionals';
export type MeetingStatus = 'scheduled' | 'in_progress' | 'closed';
export type Attendance = 'present' | 'apologies' | 'absent';

export interface MeetingSummary {
  id: string;
  channelId: string;
  kind: MeetingKind;
  scheduledAt: string;
  status: MeetingStatus;
  chairId: string;
  minuteTakerId: string | null;
}

export interface MinutesVersionView extends SealedField {
  version: number;
  authorId: string;
  savedAt: string;
}

export interface MeetingView extends MeetingSummary {
  place: SealedField | null;
  agenda: SealedField | null;
  startedAt: string | null;
  closedAt: string | null;
  invitees: {
    userId: string;
    displayName: string;
    agencyId: string;
    agencyName: string;
    attendance: Attendance | null;
  }[];
  familyAttendance: { memberId: string; memberRef: string; present: boolean }[];
  minutes: MinutesVersionView | null;
  final: { version: number; signature: string; deviceId: string } | null;
  amendments: (SealedField & {
    number: number;
    authorId: string;
    deviceId: string;
    signature: string;
    createdAt: string;
  })[];
  entries: {
    id: string;
    agendaItem: string;
    kind: 'information' | 'decision' | 'action';
    content: SealedField;
    authorId: string;
    createdAt: string;
  }[];
}

export interface ScheduleMeetingInput {
  channelId: string;
  kind: MeetingKind;
  scheduledAt: string;
  place?: SealedField;
  agenda?: SealedField;
  minuteTakerId?: string;
  invitees?: string[];
}

// ── actions ──
export type ActionStatus = 'open' | 'in_progress' | 'done' | 'cancelled';

export interface ActionView {
  id: string;
  channelId: string;
  meetingId: string | null;
  planObjective: string | null;
  description: SealedField;
  ownerId: string;
  ownerAgencyId: string;
  dueOn: string;
  recordedStatus: ActionStatus;
  /** `overdue` when still open or in progress after its due date. */
  status: ActionStatus | 'overdue';
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

export interface ActionDetailView extends ActionView {
  updates: {
    authorId: string;
    kind: 'status' | 'progress' | 'reassigned';
    statusFrom: ActionStatus | null;
    statusTo: ActionStatus | null;
    fromUserId: string | null;
    toUserId: string | null;
    note: SealedField | null;
    createdAt: string;
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
