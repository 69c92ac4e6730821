import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { ConsentRegisterView, RecordConsentInput, RecordNoticeInput } from '../../contracts/consent.js';
import { AuditService } from '../audit/audit.service.js';
import { ChannelsService } from '../channels/channels.service.js';
import { badRequest, conflict, notFound } from '../common/app-error.js';
import { Clock } from '../common/clock.js';
import { FamiliesService } from '../families/families.service.js';
import { actorOf, type AuthContext } from '../identity/auth-context.js';
import { AgenciesRepository } from '../agencies/agencies.repository.js';
import { ConsentRegisterService } from './consent-register.service.js';
import { ConsentRepository } from './consent.repository.js';
import { consentGiverRefusal, consentScopeRefusal, todayOf } from './consent.rules.js';
import { UsersRepository } from '../identity/users.repository.js';
import { RetentionSchedulesService } from '../retention-schedules/retention-schedules.service.js';

/**
 * The consent register (ISA 3.3.4–3.3.6, 5.1): consent to record and to share, and fair-processing
 * notices, recorded by the family's lead worker or the chair of its channel. Consent to share drives
 * who may share the family's information (sharing.rules.ts); each change answers with the register.
 */
@Injectable()
export class ConsentService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly families: FamiliesService,
    private readonly repo: ConsentRepository,
    private readonly users: UsersRepository,
    private readonly agencies: AgenciesRepository,
    private readonly registers: ConsentRegisterService,
    private readonly channels: ChannelsService,
    private readonly audit: AuditService,
    private readonly retention: RetentionSchedulesService,
  ) {}

  async recordConsent(
    auth: AuthContext,
    familyId: string,
    memberId: string,
    dto: RecordConsentInput,
  ): Promise<ConsentRegisterView> {
    const now = this.clock.now();
    const today = todayOf(now);
    if (dto.decidedOn > today) {
      throw badRequest('validation_failed', 'A consent decision cannot be dated in the future.', {
        fields: { decidedOn: ['must not be in the future'] },
      });
    }
    await this.db.transaction(async (m) => {
      const family = await this.families.writable(m, auth, familyId);
      const member = await this.families.member(m, familyId, memberId);
      const giverRefusal = consentGiverRefusal(member.role, dto, today);
      if (giverRefusal) throw giverRefusal;
      if (dto.competence) {
        await this.families.assertSealedFor(m, family, dto.competence.rationale, 'competence.rationale');
        const assessor = await this.users.standing(m, dto.competence.assessedBy);
        if (!assessor || assessor.status !== 'active' || assessor.role === 'auditor') {
          throw badRequest('validation_failed', 'The competence judgement must be made by an active practitioner.', {
            fields: { 'competence.assessedBy': ['must be an active practitioner'] },
          });
        }
      }
      const agencyIds = [...new Set(dto.agencyIds)];
      const scopeRefusal = consentScopeRefusal(dto, agencyIds);
      if (scopeRefusal) throw scopeRefusal;
      if (agencyIds.length && !(await this.agencies.allExist(m, agencyIds))) throw notFound('Agency');
      if (dto.status === 'withdrawn') {
        const last = await this.repo.latestStatus(m, memberId, dto.kind);
        if (last !== 'given') {
          throw conflict('consent_not_given', 'Only consent that was given can be withdrawn.', { current: last });
        }
      }
      await this.repo.insertRecord(m, {
        id: dto.id,
        memberId,
        kind: dto.kind,
        status: dto.status,
        givenBy: dto.givenBy,
        method: dto.method,
        decidedOn: dto.decidedOn,
        formVersion: dto.formVersion,
        agencyIds: dto.kind === 'share' && dto.status === 'given' ? agencyIds : [],
        competence: dto.competence,
        recordedBy: auth.user.id,
        createdAt: now,
      });
      // Kept for the family's owning agency's period; a member's latest decision of each kind however old.
      await this.retention.fixAtCreation(m, 'consent_records', dto.id, family.owning_agency_id, now);
      await this.audit.record(m, {
        actor: actorOf(auth),
        action: `consent.${dto.status}`,
        target: { type: 'family', id: familyId },
        details: { memberId, kind: dto.kind, agencies: agencyIds.length },
        meta: auth.meta,
      });
      // Who may share may have changed: the next key goes only to agencies that still may.
      if (dto.kind === 'share') await this.channels.markRotation(m, family.channel_id, 'sharing_changed');
    });
    return this.registers.register(auth, familyId);
  }

  /** A fair-processing notice given to a member by the caller, for the caller's agency (ISA 5.1). */
  async recordNotice(
    auth: AuthContext,
    familyId: string,
    memberId: string,
    dto: RecordNoticeInput,
  ): Promise<ConsentRegisterView> {
    const now = this.clock.now();
    if (dto.givenOn > todayOf(now)) {
      throw badRequest('validation_failed', 'A notice cannot be dated in the future.', {
        fields: { givenOn: ['must not be in the future'] },
      });
    }
    await this.db.transaction(async (m) => {
      await this.families.writable(m, auth, familyId);
      await this.families.member(m, familyId, memberId);
      await this.repo.insertNotice(m, {
        memberId,
        agencyId: auth.user.agencyId,
        noticeVersion: dto.noticeVersion,
        givenOn: dto.givenOn,
        givenBy: auth.user.id,
        createdAt: now,
      });
      await this.audit.record(m, {
        actor: actorOf(auth),
        action: 'consent.notice_given',
        target: { type: 'family', id: familyId },
        details: { memberId },
        meta: auth.meta,
      });
    });
    return this.registers.register(auth, familyId);
  }
}
