import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { badRequest, conflict, notFound } from '../common/app-error.js';
import { addCalendarMonths, Clock } from '../common/clock.js';
import { onUniqueViolation } from '../common/db-errors.js';
import { DomainEvents } from '../common/domain-events.js';
import { JobRegistry } from '../common/jobs.js';
import { actorOf, type AuthContext } from '../identity/auth-context.js';
import type { NoticeDto, PublishAgreementDto, RegisterAgencyDto, SignAgencyDto, SuspendDto } from './dto/agency.dto.js';
import { AgencySignature } from './entities/agency-signature.entity.js';
import { Agency, SHARING_STATUSES, type AgencyStatus } from './entities/agency.entity.js';
import { AgreementVersion } from './entities/agreement-version.entity.js';

export interface AgencyView {
  id: string;
  name: string;
  sector: string;
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

/** True while the agency is party to the ISA: signed, or in its notice month and not yet past the effective date. */
export function agencyCanShare(agency: Pick<Agency, 'status' | 'withdrawalEffectiveAt'>, now: Date): boolean {
  if (!SHARING_STATUSES.includes(agency.status)) return false;
  return !(agency.status === 'notice_given' && agency.withdrawalEffectiveAt && agency.withdrawalEffectiveAt <= now);
}

/** The ISA's own words for why an agency cannot share right now. */
export function agencyBlockReason(agency: Agency, now: Date): string | null {
  if (agencyCanShare(agency, now)) return null;
  switch (agency.status) {
    case 'registered':
      return `${agency.name} has not signed the Information Sharing Agreement yet.`;
    case 'suspended':
      return `${agency.name} is suspended from the Information Sharing Agreement.`;
    default:
      return `${agency.name} has withdrawn from the Information Sharing Agreement.`;
  }
}

const addYears = (isoDate: string, years: number) => {
  const d = new Date(`${isoDate}T00:00:00.000Z`);
  return addCalendarMonths(d, 12 * years)
    .toISOString()
    .slice(0, 10);
};

@Injectable()
export class AgenciesService implements OnModuleInit {
  private readonly logger = new Logger(AgenciesService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly events: DomainEvents,
    private readonly jobs: JobRegistry,
  ) {}

  onModuleInit(): void {
    this.jobs.register('withdrawals', () => this.applyDueWithdrawals());
  }

  currentAgreement(m: EntityManager = this.db.manager): Promise<AgreementVersion | null> {
    return m
      .getRepository(AgreementVersion)
      .createQueryBuilder('v')
      .orderBy('v.published_on', 'DESC')
      .addOrderBy('v.created_at', 'DESC')
      .getOne();
  }

  listAgreements(): Promise<AgreementVersion[]> {
    return this.db.getRepository(AgreementVersion).find({ order: { publishedOn: 'DESC', createdAt: 'DESC' } });
  }

  async publishAgreement(auth: AuthContext | null, dto: PublishAgreementDto): Promise<AgreementVersion> {
    // The newest version by publication date is current at once: a future date would make everyone
    // attest to, and every agency re-sign, a version that cannot be signed yet (a signature can be dated
    // neither in the future nor before publication).
    if (dto.publishedOn > this.clock.now().toISOString().slice(0, 10)) {
      throw badRequest('validation_failed', 'An agreement version cannot be published with a future date.', {
        fields: { publishedOn: ['must not be in the future'] },
      });
    }
    const duplicate = () =>
      conflict('agreement_version_exists', `Agreement version "${dto.label}" is already published.`);
    return this.db.transaction(async (m) => {
      const exists = await m.getRepository(AgreementVersion).existsBy({ label: dto.label });
      if (exists) throw duplicate();
      // A concurrent publication of the same label passes the check above; the unique constraint decides.
      const version = await m
        .getRepository(AgreementVersion)
        .save(m.create(AgreementVersion, { ...dto, reviewDue: addYears(dto.publishedOn, 3) }))
        .catch(onUniqueViolation('agreement_versions_label_key', duplicate));
      await this.audit.record(m, {
        actor: auth ? actorOf(auth) : null,
        action: 'agreement.published',
        target: { type: 'agreement_version', id: version.id },
        details: { label: version.label },
        meta: auth?.meta,
      });
      return version;
    });
  }

  async get(id: string, m: EntityManager = this.db.manager): Promise<Agency> {
    const agency = await m.getRepository(Agency).findOneBy({ id });
    if (!agency) throw notFound('Agency');
    return agency;
  }

  async list(): Promise<AgencyView[]> {
    const agencies = await this.db.getRepository(Agency).find({ order: { name: 'ASC' } });
    const latest = await this.latestSignatures();
    const current = await this.currentAgreement();
    return agencies.map((a) => this.view(a, latest.get(a.id) ?? null, current));
  }

  async show(id: string): Promise<AgencyView> {
    const agency = await this.get(id);
    const latest = await this.latestSignatures(id);
    return this.view(agency, latest.get(id) ?? null, await this.currentAgreement());
  }

  signatures(agencyId: string): Promise<(AgencySignature & { agreementLabel: string })[]> {
    return this.db.query(
      `SELECT s.id, s.agency_id AS "agencyId", s.agreement_version_id AS "agreementVersionId", v.label AS "agreementLabel",
              s.signatory_name AS "signatoryName", s.signatory_title AS "signatoryTitle",
              s.signatory_organisation AS "signatoryOrganisation", to_char(s.signed_on, 'YYYY-MM-DD') AS "signedOn",
              s.recorded_by AS "recordedBy", s.created_at AS "createdAt"
         FROM agency_signatures s JOIN agreement_versions v ON v.id = s.agreement_version_id
        WHERE s.agency_id = $1 ORDER BY s.signed_on DESC, s.created_at DESC`,
      [agencyId],
    );
  }

  async register(auth: AuthContext | null, dto: RegisterAgencyDto): Promise<AgencyView> {
    const duplicate = () => conflict('agency_exists', `An agency called "${dto.name}" is already registered.`);
    const agency = await this.db.transaction(async (m) => {
      const clash = await m
        .getRepository(Agency)
        .createQueryBuilder('a')
        .where('lower(a.name) = lower(:name)', { name: dto.name })
        .getExists();
      if (clash) throw duplicate();
      // A concurrent registration of the same name passes the check above; the unique index decides.
      const created = await m
        .getRepository(Agency)
        .save(m.create(Agency, { ...dto, status: 'registered' }))
        .catch(onUniqueViolation('agencies_name_key', duplicate));
      await this.audit.record(m, {
        actor: auth ? actorOf(auth) : null,
        action: 'agency.registered',
        target: { type: 'agency', id: created.id },
        details: { sector: created.sector, deaS35Partner: created.deaS35Partner },
        meta: auth?.meta,
      });
      return created;
    });
    return this.view(agency, null, await this.currentAgreement());
  }

  async sign(auth: AuthContext | null, agencyId: string, dto: SignAgencyDto): Promise<AgencyView> {
    await this.db.transaction(async (m) => {
      const agency = await this.lock(m, agencyId);
      if (agency.status !== 'registered' && agency.status !== 'signed') {
        throw conflict(
          'invalid_status',
          `An agency that is ${agency.status} cannot sign; reinstate or register it first.`,
          {
            status: agency.status,
          },
        );
      }
      const version = dto.agreementVersionId
        ? await m.getRepository(AgreementVersion).findOneBy({ id: dto.agreementVersionId })
        : await this.currentAgreement(m);
      if (!version) {
        throw dto.agreementVersionId
          ? notFound('Agreement version')
          : conflict('no_agreement', 'No agreement version is published yet.');
      }
      const today = this.clock.now().toISOString().slice(0, 10);
      if (dto.signedOn > today)
        throw badRequest('validation_failed', 'The signature date cannot be in the future.', {
          fields: { signedOn: ['must not be in the future'] },
        });
      if (dto.signedOn < version.publishedOn) {
        throw badRequest('validation_failed', 'The signature date is before that version was published.', {
          fields: { signedOn: [`must be on or after ${version.publishedOn}`] },
        });
      }
      const signature = await m.getRepository(AgencySignature).save(
        m.create(AgencySignature, {
          agencyId,
          agreementVersionId: version.id,
          signatoryName: dto.signatoryName,
          signatoryTitle: dto.signatoryTitle,
          signatoryOrganisation: dto.signatoryOrganisation ?? agency.name,
          signedOn: dto.signedOn,
          recordedBy: auth?.user.id ?? null,
        }),
      );
      await m.getRepository(Agency).update({ id: agencyId }, { status: 'signed' });
      await this.audit.record(m, {
        actor: auth ? actorOf(auth) : null,
        action: 'agency.signed',
        target: { type: 'agency', id: agencyId },
        details: { agreementVersion: version.label, signatureId: signature.id, previousStatus: agency.status },
        meta: auth?.meta,
      });
    });
    return this.show(agencyId);
  }

  async giveNotice(auth: AuthContext, agencyId: string, dto: NoticeDto): Promise<AgencyView> {
    const now = this.clock.now();
    const noticeGivenAt = dto.noticeGivenAt ? new Date(dto.noticeGivenAt) : now;
    if (noticeGivenAt > now) {
      throw badRequest('validation_failed', 'Notice cannot be dated in the future.', {
        fields: { noticeGivenAt: ['must not be in the future'] },
      });
    }
    await this.db.transaction(async (m) => {
      const agency = await this.lock(m, agencyId);
      if (agency.status !== 'signed') {
        throw conflict('invalid_status', `Only a signed agency can give notice; this one is ${agency.status}.`, {
          status: agency.status,
        });
      }
      const withdrawalEffectiveAt = addCalendarMonths(noticeGivenAt, 1);
      await m
        .getRepository(Agency)
        .update({ id: agencyId }, { status: 'notice_given', noticeGivenAt, withdrawalEffectiveAt });
      await this.audit.record(m, {
        actor: actorOf(auth),
        action: 'agency.notice_given',
        target: { type: 'agency', id: agencyId },
        details: {
          noticeGivenAt: noticeGivenAt.toISOString(),
          withdrawalEffectiveAt: withdrawalEffectiveAt.toISOString(),
        },
        meta: auth.meta,
      });
    });
    return this.show(agencyId);
  }

  async suspend(auth: AuthContext, agencyId: string, dto: SuspendDto): Promise<AgencyView> {
    await this.db.transaction(async (m) => {
      const agency = await this.lock(m, agencyId);
      if (agency.status !== 'signed' && agency.status !== 'notice_given') {
        throw conflict('invalid_status', `Only a signed agency can be suspended; this one is ${agency.status}.`, {
          status: agency.status,
        });
      }
      await m
        .getRepository(Agency)
        .update(
          { id: agencyId },
          { status: 'suspended', statusBeforeSuspension: agency.status, suspendedReason: dto.reason },
        );
      await this.audit.record(m, {
        actor: actorOf(auth),
        action: 'agency.suspended',
        target: { type: 'agency', id: agencyId },
        meta: auth.meta,
      });
      await this.events.emit(m, { type: 'agency.suspended', agencyId });
    });
    return this.show(agencyId);
  }

  async reinstate(auth: AuthContext, agencyId: string): Promise<AgencyView> {
    await this.db.transaction(async (m) => {
      const agency = await this.lock(m, agencyId);
      if (agency.status !== 'suspended') {
        throw conflict('invalid_status', `Only a suspended agency can be reinstated; this one is ${agency.status}.`, {
          status: agency.status,
        });
      }
      const status = agency.statusBeforeSuspension ?? 'signed';
      await m
        .getRepository(Agency)
        .update({ id: agencyId }, { status, statusBeforeSuspension: null, suspendedReason: null });
      await this.audit.record(m, {
        actor: actorOf(auth),
        action: 'agency.reinstated',
        target: { type: 'agency', id: agencyId },
        details: { status },
        meta: auth.meta,
      });
      await this.events.emit(m, { type: 'agency.reinstated', agencyId });
    });
    return this.show(agencyId);
  }

  /**
   * Applies every withdrawal whose effective date has come. Safe with many instances: rows are claimed
   * with FOR UPDATE SKIP LOCKED, so each withdrawal is applied exactly once, and an instance that dies
   * mid-way leaves its rows to the next run.
   */
  async applyDueWithdrawals(now: Date = this.clock.now()): Promise<string[]> {
    const applied: string[] = [];
    for (;;) {
      const batch = await this.db.transaction(async (m) => {
        const due = await m.query<{ id: string }[]>(
          `SELECT id FROM agencies WHERE status = 'notice_given' AND withdrawal_effective_at <= $1
            ORDER BY withdrawal_effective_at LIMIT 20 FOR UPDATE SKIP LOCKED`,
          [now],
        );
        for (const { id } of due) {
          await m.getRepository(Agency).update({ id }, { status: 'withdrawn', withdrawnAt: now });
          await this.audit.record(m, {
            actor: null,
            action: 'agency.withdrawn',
            target: { type: 'agency', id },
            details: { appliedBy: 'withdrawal_job' },
          });
          await this.events.emit(m, { type: 'agency.withdrawn', agencyId: id });
        }
        return due.map((d) => d.id);
      });
      applied.push(...batch);
      if (batch.length < 20) break;
    }
    if (applied.length) this.logger.log({ agencies: applied }, 'Applied due ISA withdrawals');
    return applied;
  }

  private async lock(m: EntityManager, id: string): Promise<Agency> {
    const agency = await m.getRepository(Agency).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
    if (!agency) throw notFound('Agency');
    return agency;
  }

  private async latestSignatures(
    agencyId?: string,
  ): Promise<Map<string, { label: string; versionId: string; signedOn: string }>> {
    const rows = await this.db.query<{ agency_id: string; version_id: string; label: string; signed_on: string }[]>(
      `SELECT DISTINCT ON (s.agency_id) s.agency_id, v.id AS version_id, v.label, to_char(s.signed_on, 'YYYY-MM-DD') AS signed_on
         FROM agency_signatures s JOIN agreement_versions v ON v.id = s.agreement_version_id
        WHERE ($1::uuid IS NULL OR s.agency_id = $1)
        ORDER BY s.agency_id, v.published_on DESC, s.signed_on DESC`,
      [agencyId ?? null],
    );
    return new Map(rows.map((r) => [r.agency_id, { label: r.label, versionId: r.version_id, signedOn: r.signed_on }]));
  }

  private view(
    a: Agency,
    latest: { label: string; versionId: string; signedOn: string } | null,
    current: AgreementVersion | null,
  ): AgencyView {
    return {
      id: a.id,
      name: a.name,
      sector: a.sector,
      deaS35Partner: a.deaS35Partner,
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
}
