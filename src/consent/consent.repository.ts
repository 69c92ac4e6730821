import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { SealedField } from '../../contracts/common.js';
import type {
  ConsentGiver,
  ConsentKind,
  ConsentMethod,
  ConsentRecordView,
  ConsentStatus,
  FairProcessingNoticeView,
  LawfulBasisKind,
  LawfulBasisView,
  SharingBasis,
  SharingDecisionKind,
  SharingDecisionView,
  SharingOutcome,
} from '../../contracts/consent.js';
import { onRecordIdTaken } from '../common/db-errors.js';
import { returningRows } from '../common/sql.js';
import { b64, sealedBytes, sealedView } from '../common/sealed.js';

/** A row of `consent_records`, dates as `YYYY-MM-DD`. */
export interface ConsentRecordRow {
  id: string;
  member_id: string;
  kind: ConsentKind;
  status: ConsentStatus;
  given_by: ConsentGiver;
  method: ConsentMethod;
  decided_on: string;
  form_version: string;
  share_agency_ids: string[];
  competence_assessed_by: string | null;
  competence_assessed_on: string | null;
  competence_rationale_ciphertext: Buffer | null;
  competence_rationale_epoch: number | null;
  recorded_by: string;
  created_at: Date;
}

/** A member's latest decision on consent to share. */
export interface LatestShareRow {
  member_id: string;
  status: ConsentStatus;
  share_agency_ids: string[];
}

/** A row of `fair_processing_notices`, its date as `YYYY-MM-DD`. */
export interface NoticeRow {
  member_id: string;
  agency_id: string;
  notice_version: string;
  given_on: string;
  given_by: string;
}

/** A row of `lawful_bases`. */
export interface LawfulBasisRow {
  id: string;
  agency_id: string;
  basis: LawfulBasisKind;
  justification_ciphertext: Buffer;
  justification_epoch: number;
  approved_by: string;
  recorded_by: string;
  created_at: Date;
}

/** A row of `sharing_decisions`. */
export interface SharingDecisionRow {
  agency_id: string;
  what: SharingDecisionKind;
  subject_user_id: string | null;
  information_request_id: string | null;
  outcome: SharingOutcome;
  basis: SharingBasis | 'none';
  decided_by: string;
  decided_at: Date;
}

/**
 * One decision to share with an agency (`basis` set) or not (`basis` null); `outcome` only for an
 * information request withdrawn (`withdrawn`), otherwise it follows from the basis.
 */
export interface SharingDecision {
  /** A family's, or (with `referralId`) a referral's: exactly one of the two. */
  familyId: string | null;
  referralId?: string | null;
  agencyId: string;
  what: SharingDecisionKind;
  subjectUserId: string | null;
  basis: SharingBasis | null;
  lawfulBasisId: string | null;
  decidedBy: string;
  decidedAt: Date;
  informationRequestId?: string | null;
  outcome?: 'withdrawn';
}

/**
 * The consent register's tables: `consent_records`, `fair_processing_notices`, `lawful_bases` and
 * `sharing_decisions`. Members belong to the families module: queries here take their ids.
 */
@Injectable()
export class ConsentRepository {
  /** Each member's latest decision on consent to share; members with none are absent. */
  latestShareConsents(m: EntityManager, memberIds: string[]): Promise<LatestShareRow[]> {
    return m.query<LatestShareRow[]>(
      `SELECT DISTINCT ON (member_id) member_id, status, share_agency_ids FROM consent_records
        WHERE member_id = ANY ($1::uuid[]) AND kind = 'share' ORDER BY member_id, seq DESC`,
      [memberIds],
    );
  }

  /** The status of a member's latest decision of `kind`; null when there is none. */
  async latestStatus(m: EntityManager, memberId: string, kind: ConsentKind): Promise<ConsentStatus | null> {
    const [last] = await m.query<{ status: ConsentStatus }[]>(
      `SELECT status FROM consent_records WHERE member_id = $1 AND kind = $2 ORDER BY seq DESC LIMIT 1`,
      [memberId, kind],
    );
    return last?.status ?? null;
  }

  /** Every decision about these members, oldest first. */
  records(m: EntityManager, memberIds: string[]): Promise<ConsentRecordRow[]> {
    return m.query<ConsentRecordRow[]>(
      `SELECT id, member_id, kind, status, given_by, method, to_char(decided_on, 'YYYY-MM-DD') AS decided_on,
              form_version, share_agency_ids, competence_assessed_by,
              to_char(competence_assessed_on, 'YYYY-MM-DD') AS competence_assessed_on,
              competence_rationale_ciphertext, competence_rationale_epoch, recorded_by, created_at
         FROM consent_records WHERE member_id = ANY ($1::uuid[]) ORDER BY seq`,
      [memberIds],
    );
  }

  async insertRecord(
    m: EntityManager,
    r: {
      id: string;
      memberId: string;
      kind: ConsentKind;
      status: ConsentStatus;
      givenBy: ConsentGiver;
      method: ConsentMethod;
      decidedOn: string;
      formVersion: string;
      agencyIds: string[];
      competence: { assessedBy: string; assessedOn: string; rationale: SealedField } | undefined;
      recordedBy: string;
      createdAt: Date;
    },
  ): Promise<void> {
    await m
      .query(
        `INSERT INTO consent_records (member_id, kind, status, given_by, method, decided_on, form_version, share_agency_ids,
          competence_assessed_by, competence_assessed_on, competence_rationale_ciphertext, competence_rationale_epoch,
          recorded_by, created_at, id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
        [
          r.memberId,
          r.kind,
          r.status,
          r.givenBy,
          r.method,
          r.decidedOn,
          r.formVersion,
          r.agencyIds,
          r.competence?.assessedBy ?? null,
          r.competence?.assessedOn ?? null,
          r.competence ? sealedBytes(r.competence.rationale) : null,
          r.competence?.rationale.epoch ?? null,
          r.recordedBy,
          r.createdAt,
          r.id,
        ],
      )
      .catch(onRecordIdTaken('consent_records'));
  }

  /** The notices given to these members, in the order they were recorded. */
  notices(m: EntityManager, memberIds: string[]): Promise<NoticeRow[]> {
    return m.query<NoticeRow[]>(
      `SELECT member_id, agency_id, notice_version, to_char(given_on, 'YYYY-MM-DD') AS given_on, given_by
         FROM fair_processing_notices WHERE member_id = ANY ($1::uuid[]) ORDER BY created_at`,
      [memberIds],
    );
  }

  async insertNotice(
    m: EntityManager,
    n: { memberId: string; agencyId: string; noticeVersion: string; givenOn: string; givenBy: string; createdAt: Date },
  ): Promise<void> {
    await m.query(
      `INSERT INTO fair_processing_notices (member_id, agency_id, notice_version, given_on, given_by, created_at)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [n.memberId, n.agencyId, n.noticeVersion, n.givenOn, n.givenBy, n.createdAt],
    );
  }

  /** The family's lawful bases in force, oldest first. */
  activeLawfulBases(m: EntityManager, familyId: string): Promise<LawfulBasisRow[]> {
    return m.query<LawfulBasisRow[]>(
      'SELECT * FROM lawful_bases WHERE family_id = $1 AND ended_at IS NULL ORDER BY created_at',
      [familyId],
    );
  }

  /** A new lawful basis; its id. */
  async insertLawfulBasis(
    m: EntityManager,
    b: {
      id: string;
      familyId: string;
      agencyId: string;
      basis: LawfulBasisKind;
      justification: SealedField;
      approvedBy: string;
      recordedBy: string;
      createdAt: Date;
    },
  ): Promise<string> {
    const [{ id }] = await m
      .query<{ id: string }[]>(
        `INSERT INTO lawful_bases (family_id, agency_id, basis, justification_ciphertext, justification_epoch,
          approved_by, recorded_by, created_at, id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
        [
          b.familyId,
          b.agencyId,
          b.basis,
          sealedBytes(b.justification),
          b.justification.epoch,
          b.approvedBy,
          b.recordedBy,
          b.createdAt,
          b.id,
        ],
      )
      .catch(onRecordIdTaken('lawful_bases'));
    return id;
  }

  /** One row of `sharing_decisions`: shared on `basis`, or refused when there is none. */
  async insertDecision(m: EntityManager, d: SharingDecision): Promise<string> {
    const [row] = await returningRows<{ id: string }>(
      m,
      `INSERT INTO sharing_decisions
         (family_id, agency_id, what, subject_user_id, outcome, basis, lawful_basis_id, decided_by, decided_at,
          referral_id, information_request_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
      [
        d.familyId,
        d.agencyId,
        d.what,
        d.subjectUserId,
        d.outcome ?? (d.basis ? 'shared' : 'refused'),
        d.basis ?? 'none',
        d.lawfulBasisId,
        d.decidedBy,
        d.decidedAt,
        d.referralId ?? null,
        d.informationRequestId ?? null,
      ],
    );
    return row.id;
  }

  decisions(m: EntityManager, familyId: string): Promise<SharingDecisionRow[]> {
    return m.query<SharingDecisionRow[]>(
      `SELECT agency_id, what, subject_user_id, information_request_id, outcome, basis, decided_by, decided_at
         FROM sharing_decisions WHERE family_id = $1 ORDER BY seq`,
      [familyId],
    );
  }
}

export const toConsentRecordView = (r: ConsentRecordRow): ConsentRecordView => ({
  id: r.id,
  kind: r.kind,
  status: r.status,
  givenBy: r.given_by,
  method: r.method,
  decidedOn: r.decided_on,
  formVersion: r.form_version,
  agencyIds: r.share_agency_ids,
  // Both competence columns are set or neither (a table constraint).
  competence:
    r.competence_assessed_by && r.competence_assessed_on
      ? {
          assessedBy: r.competence_assessed_by,
          assessedOn: r.competence_assessed_on,
          rationale: sealedView(r.competence_rationale_ciphertext, r.competence_rationale_epoch),
        }
      : null,
  recordedBy: r.recorded_by,
  recordedAt: r.created_at.toISOString(),
});

export const toNoticeView = (n: NoticeRow): FairProcessingNoticeView => ({
  agencyId: n.agency_id,
  noticeVersion: n.notice_version,
  givenOn: n.given_on,
  givenBy: n.given_by,
});

export const toLawfulBasisView = (b: LawfulBasisRow): LawfulBasisView => ({
  id: b.id,
  agencyId: b.agency_id,
  basis: b.basis,
  justification: { epoch: b.justification_epoch, ciphertext: b64(b.justification_ciphertext) },
  approvedBy: b.approved_by,
  recordedBy: b.recorded_by,
  recordedAt: b.created_at.toISOString(),
});

export const toSharingDecisionView = (d: SharingDecisionRow): SharingDecisionView => ({
  agencyId: d.agency_id,
  what: d.what,
  subjectUserId: d.subject_user_id,
  informationRequestId: d.information_request_id,
  outcome: d.outcome,
  basis: d.basis,
  decidedBy: d.decided_by,
  decidedAt: d.decided_at.toISOString(),
});
