import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type {
  AgencyView,
  AgreementVersion as AgreementVersionView,
  PublishAgreementInput,
  RegisterAgencyInput,
  SignAgencyInput,
  SignatureView,
} from '../../contracts/agencies.js';
import { AuditService } from '../audit/audit.service.js';
import { badRequest, conflict, notFound } from '../common/app-error.js';
import { Clock } from '../common/clock.js';
import { onUniqueViolation } from '../common/db-errors.js';
import { actorOf, type AuthContext } from '../identity/auth-context.js';
import { AgenciesRepository, toAgencyView, toAgreementVersionView } from './agencies.repository.js';
import { agencyCanShare, reviewDue } from './agency-rules.js';
import { Notifier } from '../notifications/notifier.js';
import { AgencyWithdrawalsService } from './agency-withdrawals.service.js';
import type { Agency } from './entities/agency.entity.js';
import type { AgreementVersion } from './entities/agreement-version.entity.js';

// Other modules have imported the sharing rules from here; they live in agency-rules.ts.
export { agencyBlockReason, agencyCanShare } from './agency-rules.js';

/**
 * The ISA signatory register and the agreement's versions: registration and signatures, and the reads
 * other modules use. Notice and suspension are AgencyStatusService's; the withdrawal job AgencyWithdrawalsService's.
 */
@Injectable()
export class AgenciesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly repo: AgenciesRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly withdrawals: AgencyWithdrawalsService,
    private readonly notifier: Notifier,
  ) {}

  // ── agreement versions ──

  /** The current agreement version (the newest by publication date), or null before the first is published. */
  currentAgreement(m: EntityManager = this.db.manager): Promise<AgreementVersion | null> {
    return this.repo.currentAgreement(m);
  }

  async currentAgreementView(): Promise<AgreementVersionView | null> {
    const current = await this.currentAgreement();
    return current && toAgreementVersionView(current);
  }

  async listAgreements(): Promise<AgreementVersionView[]> {
    return (await this.repo.agreements(this.db.manager)).map(toAgreementVersionView);
  }

  async publishAgreement(auth: AuthContext | null, dto: PublishAgreementInput): Promise<AgreementVersionView> {
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
    const published = await this.db.transaction(async (m) => {
      if (await this.repo.agreementLabelTaken(m, dto.label)) throw duplicate();
      // A concurrent publication of the same label passes the check above; the unique constraint decides.
      const version = await this.repo
        .insertAgreement(m, {
          label: dto.label,
          publishedOn: dto.publishedOn,
          textRef: dto.textRef,
          reviewDue: reviewDue(dto.publishedOn),
        })
        .catch(onUniqueViolation('agreement_versions_label_key', duplicate));
      await this.audit.record(m, {
        actor: auth ? actorOf(auth) : null,
        action: 'agreement.published',
        target: { type: 'agreement_version', id: version.id },
        details: { label: version.label },
        meta: auth?.meta,
      });
      return toAgreementVersionView(version);
    });
    // Everyone must attest the new version before using shared spaces: open sockets are checked again now.
    this.notifier.accessChanged('all');
    return published;
  }

  // ── the register ──

  async get(id: string, m: EntityManager = this.db.manager): Promise<Agency> {
    const agency = await this.repo.agency(m, id);
    if (!agency) throw notFound('Agency');
    return agency;
  }

  /** The agencies party to the agreement now (signed, or in their notice month): whose people partners can find. */
  async sharingAgencies(m: EntityManager = this.db.manager): Promise<Agency[]> {
    const now = this.clock.now();
    return (await this.repo.agencies(m)).filter((a) => agencyCanShare(a, now));
  }

  async list(): Promise<AgencyView[]> {
    const m = this.db.manager;
    const agencies = await this.repo.agencies(m);
    const latest = await this.repo.latestSignatures(m);
    const current = await this.repo.currentAgreement(m);
    return agencies.map((a) => toAgencyView(a, latest.get(a.id) ?? null, current));
  }

  async show(id: string): Promise<AgencyView> {
    const agency = await this.get(id);
    const latest = await this.repo.latestSignatures(this.db.manager, id);
    return toAgencyView(agency, latest.get(id) ?? null, await this.currentAgreement());
  }

  signatures(agencyId: string): Promise<SignatureView[]> {
    return this.repo.signatures(this.db.manager, agencyId);
  }

  async register(auth: AuthContext | null, dto: RegisterAgencyInput): Promise<AgencyView> {
    const duplicate = () => conflict('agency_exists', `An agency called "${dto.name}" is already registered.`);
    const agency = await this.db.transaction(async (m) => {
      if (await this.repo.nameTaken(m, dto.name)) throw duplicate();
      // A concurrent registration of the same name passes the check above; the unique index decides.
      const created = await this.repo
        .insertAgency(m, {
          name: dto.name,
          sector: dto.sector,
          deaS35Partner: dto.deaS35Partner ?? false,
          isMashHub: dto.mashHub ?? false,
          status: 'registered',
        })
        .catch(onUniqueViolation('agencies_name_key', duplicate))
        .catch(
          onUniqueViolation('agencies_one_mash_hub', () =>
            conflict('mash_hub_exists', 'Another agency is already the MASH hub: there is one front door.'),
          ),
        );
      await this.audit.record(m, {
        actor: auth ? actorOf(auth) : null,
        action: 'agency.registered',
        target: { type: 'agency', id: created.id },
        details: { sector: created.sector, deaS35Partner: created.deaS35Partner, mashHub: created.isMashHub },
        meta: auth?.meta,
      });
      return created;
    });
    return toAgencyView(agency, null, await this.currentAgreement());
  }

  async sign(auth: AuthContext | null, agencyId: string, dto: SignAgencyInput): Promise<AgencyView> {
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
        ? await this.repo.agreement(m, dto.agreementVersionId)
        : await this.repo.currentAgreement(m);
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
      const signature = await this.repo.insertSignature(m, {
        agencyId,
        agreementVersionId: version.id,
        signatoryName: dto.signatoryName,
        signatoryTitle: dto.signatoryTitle,
        signatoryOrganisation: dto.signatoryOrganisation ?? agency.name,
        signedOn: dto.signedOn,
        recordedBy: auth?.user.id ?? null,
      });
      await this.repo.updateAgency(m, agencyId, { status: 'signed' });
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

  /** Runs the withdrawal job now (AgencyWithdrawalsService.applyDue), for callers that drive it by hand. */
  applyDueWithdrawals(now?: Date): Promise<string[]> {
    return this.withdrawals.applyDue(now);
  }

  /** The agency row locked until the transaction ends (status changes are made one at a time); 404 if none. */
  async lock(m: EntityManager, id: string): Promise<Agency> {
    const agency = await this.repo.lockAgency(m, id);
    if (!agency) throw notFound('Agency');
    return agency;
  }
}
