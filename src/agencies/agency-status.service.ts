import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AgencyView, NoticeInput, SuspendInput } from '../../contracts/agencies.js';
import { AuditService } from '../audit/audit.service.js';
import { badRequest, conflict } from '../common/app-error.js';
import { addCalendarMonths, Clock } from '../common/clock.js';
import { DomainEvents } from '../common/domain-events.js';
import { actorOf, type AuthContext } from '../identity/auth-context.js';
import { Notifier } from '../notifications/notifier.js';
import { AgenciesRepository } from './agencies.repository.js';
import { AgenciesService } from './agencies.service.js';
import { noticeDateRefusal, noticeIsBackdated } from './agency-rules.js';

/**
 * Leaving the agreement and suspension: notice (effective one calendar month later, applied by
 * AgencyWithdrawalsService), suspension and reinstatement to the status held before.
 */
@Injectable()
export class AgencyStatusService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly agencies: AgenciesService,
    private readonly repo: AgenciesRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly events: DomainEvents,
    private readonly notifier: Notifier,
  ) {}

  /**
   * Records an agency's written notice to withdraw, dated when it was received (default now); the
   * withdrawal takes effect one calendar month later. `noticeDateRefusal` says which dates are refused,
   * and that a back-dated notice needs a reason, which the audit event keeps.
   */
  async giveNotice(auth: AuthContext, agencyId: string, dto: NoticeInput): Promise<AgencyView> {
    const now = this.clock.now();
    const noticeGivenAt = dto.noticeGivenAt ? new Date(dto.noticeGivenAt) : now;
    await this.db.transaction(async (m) => {
      const agency = await this.agencies.lock(m, agencyId);
      if (agency.status !== 'signed') {
        throw conflict('invalid_status', `Only a signed agency can give notice; this one is ${agency.status}.`, {
          status: agency.status,
        });
      }
      const refusal = noticeDateRefusal(
        { givenAt: noticeGivenAt, reason: dto.reason },
        await this.repo.lastSignedOn(m, agencyId),
        now,
      );
      if (refusal) {
        throw badRequest('validation_failed', refusal.message, { fields: { [refusal.field]: [refusal.problem] } });
      }
      const withdrawalEffectiveAt = addCalendarMonths(noticeGivenAt, 1);
      await this.repo.updateAgency(m, agencyId, { status: 'notice_given', noticeGivenAt, withdrawalEffectiveAt });
      await this.audit.record(m, {
        actor: actorOf(auth),
        action: 'agency.notice_given',
        target: { type: 'agency', id: agencyId },
        details: {
          noticeGivenAt: noticeGivenAt.toISOString(),
          withdrawalEffectiveAt: withdrawalEffectiveAt.toISOString(),
          backdated: noticeIsBackdated(noticeGivenAt, now),
          ...(dto.reason ? { reason: dto.reason } : {}),
        },
        meta: auth.meta,
      });
    });
    // Open sockets learn the withdrawal date now (a back-dated notice takes effect at once).
    this.notifier.accessChanged('all');
    return this.agencies.show(agencyId);
  }

  async suspend(auth: AuthContext, agencyId: string, dto: SuspendInput): Promise<AgencyView> {
    await this.db.transaction(async (m) => {
      const agency = await this.agencies.lock(m, agencyId);
      if (agency.status !== 'signed' && agency.status !== 'notice_given') {
        throw conflict('invalid_status', `Only a signed agency can be suspended; this one is ${agency.status}.`, {
          status: agency.status,
        });
      }
      await this.repo.updateAgency(m, agencyId, {
        status: 'suspended',
        statusBeforeSuspension: agency.status,
        suspendedReason: dto.reason,
      });
      await this.audit.record(m, {
        actor: actorOf(auth),
        action: 'agency.suspended',
        target: { type: 'agency', id: agencyId },
        meta: auth.meta,
      });
      await this.events.emit(m, { type: 'agency.suspended', agencyId });
    });
    return this.agencies.show(agencyId);
  }

  async reinstate(auth: AuthContext, agencyId: string): Promise<AgencyView> {
    await this.db.transaction(async (m) => {
      const agency = await this.agencies.lock(m, agencyId);
      if (agency.status !== 'suspended') {
        throw conflict('invalid_status', `Only a suspended agency can be reinstated; this one is ${agency.status}.`, {
          status: agency.status,
        });
      }
      const status = agency.statusBeforeSuspension ?? 'signed';
      await this.repo.updateAgency(m, agencyId, { status, statusBeforeSuspension: null, suspendedReason: null });
      await this.audit.record(m, {
        actor: actorOf(auth),
        action: 'agency.reinstated',
        target: { type: 'agency', id: agencyId },
        details: { status },
        meta: auth.meta,
      });
      await this.events.emit(m, { type: 'agency.reinstated', agencyId });
    });
    return this.agencies.show(agencyId);
  }
}
