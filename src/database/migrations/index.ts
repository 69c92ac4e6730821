import { Foundation1764000000000 } from './1764000000000-Foundation.js';
import { Channels1764100000000 } from './1764100000000-Channels.js';
import { Families1764200000000 } from './1764200000000-Families.js';
import { Meetings1764300000000 } from './1764300000000-Meetings.js';
import { Actions1764400000000 } from './1764400000000-Actions.js';
import { FamilyPlans1764500000000 } from './1764500000000-FamilyPlans.js';
import { ProtocolV21764600000000 } from './1764600000000-ProtocolV2.js';
import { RecordEpochs1764700000000 } from './1764700000000-RecordEpochs.js';
import { MinutesTextHash1764850000000 } from './1764850000000-MinutesTextHash.js';
import { MessageOrder1764900000000 } from './1764900000000-MessageOrder.js';
import { PlanSignatures1765000000000 } from './1765000000000-PlanSignatures.js';
import { MessageSeen1765100000000 } from './1765100000000-MessageSeen.js';
import { SignInThrottles1765200000000 } from './1765200000000-SignInThrottles.js';
import { FormerMembers1765300000000 } from './1765300000000-FormerMembers.js';
import { MembershipEndsIndex1765400000000 } from './1765400000000-MembershipEndsIndex.js';
import { ReadPositions1765500000000 } from './1765500000000-ReadPositions.js';
import { UserNameSearch1765600000000 } from './1765600000000-UserNameSearch.js';
import { Attachments1765700000000 } from './1765700000000-Attachments.js';
import { Referrals1765800000000 } from './1765800000000-Referrals.js';
import { InformationRequests1765900000000 } from './1765900000000-InformationRequests.js';
import { ReferralInformationRequests1766000000000 } from './1766000000000-ReferralInformationRequests.js';
import { PasswordResets1766100000000 } from './1766100000000-PasswordResets.js';
import { AuditEventFilters1766200000000 } from './1766200000000-AuditEventFilters.js';
import { AuditHeads1766300000000 } from './1766300000000-AuditHeads.js';
import { LegalHolds1766400000000 } from './1766400000000-LegalHolds.js';
import { RetentionSchedules1766500000000 } from './1766500000000-RetentionSchedules.js';
import { AuditGrants1766600000000 } from './1766600000000-AuditGrants.js';
import { Notifications1766700000000 } from './1766700000000-Notifications.js';
import { RecordExpiry1767000000000 } from './1767000000000-RecordExpiry.js';
import { SubjectAccess1766800000000 } from './1766800000000-SubjectAccess.js';
import { Localities1767100000000 } from './1767100000000-Localities.js';
import { CaseRecordExpiry1767200000000 } from './1767200000000-CaseRecordExpiry.js';
import { PlanReviews1767300000000 } from './1767300000000-PlanReviews.js';
import { MessagesDistributionKey1767400000000 } from './1767400000000-MessagesDistributionKey.js';

/** Every migration, in order. Listed explicitly (no glob) so the same list works compiled and under jest. */
export const migrations = [
  Foundation1764000000000,
  Channels1764100000000,
  Families1764200000000,
  Meetings1764300000000,
  Actions1764400000000,
  FamilyPlans1764500000000,
  ProtocolV21764600000000,
  RecordEpochs1764700000000,
  MinutesTextHash1764850000000,
  MessageOrder1764900000000,
  PlanSignatures1765000000000,
  MessageSeen1765100000000,
  SignInThrottles1765200000000,
  FormerMembers1765300000000,
  MembershipEndsIndex1765400000000,
  ReadPositions1765500000000,
  UserNameSearch1765600000000,
  Attachments1765700000000,
  Referrals1765800000000,
  InformationRequests1765900000000,
  ReferralInformationRequests1766000000000,
  PasswordResets1766100000000,
  AuditEventFilters1766200000000,
  AuditHeads1766300000000,
  LegalHolds1766400000000,
  RetentionSchedules1766500000000,
  AuditGrants1766600000000,
  Notifications1766700000000,
  SubjectAccess1766800000000,
  RecordExpiry1767000000000,
  Localities1767100000000,
  CaseRecordExpiry1767200000000,
  PlanReviews1767300000000,
  MessagesDistributionKey1767400000000,
];
