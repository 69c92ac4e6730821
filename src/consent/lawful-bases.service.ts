import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { ConsentRegisterView, RecordLawfulBasisInput } from '../../contracts/consent.js';
import { agencyCanShare, AgenciesService } from '../agencies/agencies.service.js';
import { AuditService } from '../audit/audit.service.js';
import { ChannelsService } from '../channels/channels.service.js';
import { badRequest, conflict, forbidden } from '../common/app-error.js';
import { Clock } from '../common/clock.js';
import { FamiliesService } from '../families/families.service.js';
import { actorOf, type AuthContext } from '../identity/auth-context.js';
import { ConsentRegisterService } from './consent-register.service.js';
import { ConsentRepository } from './consent.repository.js';
import { UsersRepository } from '../identity/users.repository.js';
import { ConsentSharingPolicy } from './sharing-policy.service.js';

/**
 * Lawful bases to share a family's information with an agency without consent (ISA 3.3.6, 3.4): the
 * agency must be a signatory (and a s35 partner for `dea_s35`), and another active manager of the
 * recorder's agency approves it. Recording one is itself a sharing decision.
 */
@Injectable()
export class LawfulBasesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly families: FamiliesService,
    private readonly repo: ConsentRepository,
    private readonly policy: ConsentSharingPolicy,
    private readonly users: UsersRepository,
    private readonly agencies: AgenciesService,
    private readonly registers: ConsentRegisterService,
    private readonly channels: ChannelsService,
    private readonly audit: AuditService,
  ) {}

  async recordLawfulBasis(
    auth: AuthContext,
    familyId: string,
    dto: RecordLawfulBasisInput,
  ): Promise<ConsentRegisterView> {
    const now = this.clock.now();
    await this.db.transaction(async (m) => {
      const family = await this.families.writable(m, auth, familyId);
      await this.families.assertSealedFor(m, family, dto.justification, 'justification');
      const agency = await this.agencies.get(dto.agencyId, m);
      if (!agencyCanShare(agency, now)) {
        throw forbidden(
          'agency_not_signed',
          `${agency.name} is not a signatory of the agreement: nothing is shared with it.`,
        );
      }
      if (dto.basis === 'dea_s35' && !agency.deaS35Partner) {
        throw conflict(
          'not_dea_s35_partner',
          `${agency.name} is not flagged as a Digital Economy Act 2017 s35 partner: that basis cannot be used with it.`,
          { agencyId: dto.agencyId },
        );
      }
      if (dto.approvedBy === auth.user.id) {
        throw badRequest('validation_failed', 'Someone else must approve sharing without consent.', {
          fields: { approvedBy: ['must be a manager other than you'] },
        });
      }
      const approver = await this.users.standing(m, dto.approvedBy);
      if (
        !approver ||
        approver.status !== 'active' ||
        approver.role === 'auditor' ||
        approver.agencyId !== auth.user.agencyId
      ) {
        throw badRequest('validation_failed', 'The approver must be an active manager of your own agency.', {
          fields: { approvedBy: ['must be an active person of your agency'] },
        });
      }
      const id = await this.repo.insertLawfulBasis(m, {
        id: dto.id,
        familyId,
        agencyId: dto.agencyId,
        basis: dto.basis,
        justification: dto.justification,
        approvedBy: dto.approvedBy,
        recordedBy: auth.user.id,
        createdAt: now,
      });
      await this.policy.recordDecision(m, {
        familyId,
        agencyId: dto.agencyId,
        what: 'lawful_basis_recorded',
        subjectUserId: null,
        basis: 'lawful_basis',
        lawfulBasisId: id,
        decidedBy: auth.user.id,
      });
      await this.audit.record(m, {
        actor: actorOf(auth),
        action: 'consent.lawful_basis_recorded',
        target: { type: 'family', id: familyId },
        details: { agencyId: dto.agencyId, basis: dto.basis, approvedBy: dto.approvedBy },
        meta: auth.meta,
      });
      await this.channels.markRotation(m, family.channel_id, 'sharing_changed');
    });
    return this.registers.register(auth, familyId);
  }
}
