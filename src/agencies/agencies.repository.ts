import { Injectable } from '@nestjs/common';
import { In, type EntityManager } from 'typeorm';
import type { AgencyView, AgreementVersion as AgreementVersionView, SignatureView } from '../../contracts/agencies.js';
import { hydrate, selectColumns } from '../common/hydrate.js';
import { AgencySignature } from './entities/agency-signature.entity.js';
import { Agency } from './entities/agency.entity.js';
import { AgreementVersion } from './entities/agreement-version.entity.js';

/** Agreement versions (alias `v`) newest first by publication date, then by creation. */
const NEWEST_FIRST = 'v.published_on DESC, v.created_at DESC';

/**
 * The current agreement version, as SQL selecting `columns` of `agreement_versions v`: the newest by
 * publication date (then by creation). The one definition of "current": this repository's own read
 * and identity's authentication read model (which joins it laterally) both use it.
 */
export const currentAgreementSql = (columns: string): string =>
  `SELECT ${columns} FROM agreement_versions v ORDER BY ${NEWEST_FIRST} LIMIT 1`;

/** An agency's latest signature (of the newest version it signed). */
export interface LatestSignature {
  label: string;
  versionId: string;
  signedOn: string;
}

export const toAgreementVersionView = (v: AgreementVersion): AgreementVersionView => ({
  id: v.id,
  label: v.label,
  publishedOn: v.publishedOn,
  reviewDue: v.reviewDue,
  textRef: v.textRef,
  createdAt: v.createdAt.toISOString(),
});

export function toAgencyView(
  a: Agency,
  latest: LatestSignature | null,
  current: Pick<AgreementVersion, 'id'> | null,
): AgencyView {
  return {
    id: a.id,
    name: a.name,
    sector: a.sector,
    deaS35Partner: a.deaS35Partner,
    mashHub: a.isMashHub,
    status: a.status,
    signedVersion: latest?.label ?? null,
    signedOn: latest?.signedOn ?? null,
    resignatureDue: Boolean(latest && current && latest.versionId !== current.id && a.status !== 'withdrawn'),
    noticeGivenAt: a.noticeGivenAt?.toISOString() ?? null,
    withdrawalEffectiveAt: a.withdrawalEffectiveAt?.toISOString() ?? null,
    withdrawnAt: a.withdrawnAt?.toISOString() ?? null,
    suspendedReason: a.suspendedReason,
  };
}

/** agencies, agency_signatures and agreement_versions. */
@Injectable()
export class AgenciesRepository {
  // ── agreement versions ──

  async currentAgreement(m: EntityManager): Promise<AgreementVersion | null> {
    const [row] = await m.query<Record<string, unknown>[]>(
      currentAgreementSql(selectColumns(m.dataSource, AgreementVersion, 'v')),
    );
    return row ? hydrate(m.dataSource, AgreementVersion, 'v', row) : null;
  }

  async agreements(m: EntityManager): Promise<AgreementVersion[]> {
    const rows = await m.query<Record<string, unknown>[]>(
      `SELECT ${selectColumns(m.dataSource, AgreementVersion, 'v')} FROM agreement_versions v ORDER BY ${NEWEST_FIRST}`,
    );
    return rows.map((row) => hydrate(m.dataSource, AgreementVersion, 'v', row));
  }

  agreement(m: EntityManager, id: string): Promise<AgreementVersion | null> {
    return m.getRepository(AgreementVersion).findOneBy({ id });
  }

  agreementLabelTaken(m: EntityManager, label: string): Promise<boolean> {
    return m.getRepository(AgreementVersion).existsBy({ label });
  }

  /** Fails on `agreement_versions_label_key` when a concurrent publication took the label. */
  insertAgreement(m: EntityManager, fields: Omit<AgreementVersion, 'id' | 'createdAt'>): Promise<AgreementVersion> {
    return m.getRepository(AgreementVersion).save(m.create(AgreementVersion, fields));
  }

  // ── agencies ──

  /** The agency flagged as the MASH hub, if one is. */
  mashHub(m: EntityManager): Promise<Agency | null> {
    return m.getRepository(Agency).findOneBy({ isMashHub: true });
  }

  agency(m: EntityManager, id: string): Promise<Agency | null> {
    return m.getRepository(Agency).findOneBy({ id });
  }

  /** The agency row, locked until the transaction ends (status changes are made one at a time). */
  lockAgency(m: EntityManager, id: string): Promise<Agency | null> {
    return m.getRepository(Agency).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /** Whether any agency is registered (the demo seed runs only on an empty register). */
  async anyAgency(m: EntityManager): Promise<boolean> {
    return (await m.getRepository(Agency).count()) > 0;
  }

  agencies(m: EntityManager): Promise<Agency[]> {
    return m.getRepository(Agency).find({ order: { name: 'ASC' } });
  }

  /** Whether every one of these (distinct) agency ids exists. */
  async allExist(m: EntityManager, ids: string[]): Promise<boolean> {
    return (await m.getRepository(Agency).countBy({ id: In(ids) })) === ids.length;
  }

  nameTaken(m: EntityManager, name: string): Promise<boolean> {
    return m.getRepository(Agency).createQueryBuilder('a').where('lower(a.name) = lower(:name)', { name }).getExists();
  }

  /** Fails on `agencies_name_key` when a concurrent registration took the name. */
  insertAgency(
    m: EntityManager,
    fields: Pick<Agency, 'name' | 'sector' | 'deaS35Partner' | 'isMashHub' | 'status'>,
  ): Promise<Agency> {
    return m.getRepository(Agency).save(m.create(Agency, fields));
  }

  async updateAgency(
    m: EntityManager,
    id: string,
    patch: Partial<
      Pick<
        Agency,
        | 'status'
        | 'statusBeforeSuspension'
        | 'suspendedReason'
        | 'noticeGivenAt'
        | 'withdrawalEffectiveAt'
        | 'withdrawnAt'
      >
    >,
  ): Promise<void> {
    await m.getRepository(Agency).update({ id }, patch);
  }

  /**
   * Claims up to `limit` agencies whose withdrawal is due, locked until the transaction ends. SKIP LOCKED:
   * rows another instance has claimed are left to it, so each withdrawal is applied exactly once.
   */
  async claimDueWithdrawals(m: EntityManager, now: Date, limit: number): Promise<string[]> {
    const due = await m.query<{ id: string }[]>(
      `SELECT id FROM agencies WHERE status = 'notice_given' AND withdrawal_effective_at <= $1
        ORDER BY withdrawal_effective_at LIMIT ${limit} FOR UPDATE SKIP LOCKED`,
      [now],
    );
    return due.map((d) => d.id);
  }

  // ── signatures ──

  insertSignature(m: EntityManager, fields: Omit<AgencySignature, 'id' | 'createdAt'>): Promise<AgencySignature> {
    return m.getRepository(AgencySignature).save(m.create(AgencySignature, fields));
  }

  async signatures(m: EntityManager, agencyId: string): Promise<SignatureView[]> {
    const rows = await m.query<(Omit<SignatureView, 'createdAt'> & { createdAt: Date })[]>(
      `SELECT s.id, s.agency_id AS "agencyId", s.agreement_version_id AS "agreementVersionId", v.label AS "agreementLabel",
              s.signatory_name AS "signatoryName", s.signatory_title AS "signatoryTitle",
              s.signatory_organisation AS "signatoryOrganisation", to_char(s.signed_on, 'YYYY-MM-DD') AS "signedOn",
              s.recorded_by AS "recordedBy", s.created_at AS "createdAt"
         FROM agency_signatures s JOIN agreement_versions v ON v.id = s.agreement_version_id
        WHERE s.agency_id = $1 ORDER BY s.signed_on DESC, s.created_at DESC`,
      [agencyId],
    );
    return rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() }));
  }

  /** Each agency's latest signature (of one agency, or of all), keyed by agency id. */
  /** The date of the agency's most recent signature (of any version), or null if it never signed. */
  async lastSignedOn(m: EntityManager, agencyId: string): Promise<string | null> {
    const [row] = await m.query<{ signed_on: string | null }[]>(
      `SELECT to_char(max(signed_on), 'YYYY-MM-DD') AS signed_on FROM agency_signatures WHERE agency_id = $1`,
      [agencyId],
    );
    return row?.signed_on ?? null;
  }

  async latestSignatures(m: EntityManager, agencyId?: string): Promise<Map<string, LatestSignature>> {
    const rows = await m.query<{ agency_id: string; version_id: string; label: string; signed_on: string }[]>(
      `SELECT DISTINCT ON (s.agency_id) s.agency_id, v.id AS version_id, v.label, to_char(s.signed_on, 'YYYY-MM-DD') AS signed_on
         FROM agency_signatures s JOIN agreement_versions v ON v.id = s.agreement_version_id
        WHERE ($1::uuid IS NULL OR s.agency_id = $1)
        ORDER BY s.agency_id, v.published_on DESC, s.signed_on DESC`,
      [agencyId ?? null],
    );
    return new Map(rows.map((r) => [r.agency_id, { label: r.label, versionId: r.version_id, signedOn: r.signed_on }]));
  }
}
