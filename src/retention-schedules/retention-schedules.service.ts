import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { SCHEDULE_CLASSES, type ScheduleClass, type ScheduleView } from '../../contracts/retention.js';
import { AgenciesRepository } from '../agencies/agencies.repository.js';
import { AuditService } from '../audit/audit.service.js';
import { forbidden, notFound } from '../common/app-error.js';
import { Clock } from '../common/clock.js';
import { APP_CONFIG, type AppConfig } from '../config/config.schema.js';
import { actorOf, type AuthContext } from '../identity/auth-context.js';
import { RetentionSchedulesRepository, type RetentionDate } from './retention-schedules.repository.js';
import { classRules, keptUntil, periodRefusal, scheduleEntry, type ClassRule } from './schedule-rules.js';

/**
 * Retention schedules (ISA 7: each party's own schedule). Each agency's period per record class, within the
 * class's bounds, set by the agency's data-protection lead (agency_admin) or an ISA administrator; and the
 * period a record takes from its owning agency's schedule when it is created, which later changes of the
 * schedule never alter (`periodFor` at creation, `fixAtCreation`/`anchorClosure` for dated records).
 */
@Injectable()
export class RetentionSchedulesService {
  private readonly rules: Record<ScheduleClass, ClassRule>;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly repo: RetentionSchedulesRepository,
    private readonly agencies: AgenciesRepository,
  ) {
    this.rules = classRules(config);
  }

  async schedule(agencyId: string): Promise<ScheduleView> {
    const m = this.db.manager;
    const agency = await this.agencies.agency(m, agencyId);
    if (!agency) throw notFound('The agency');
    const own = await this.repo.periods(m, agencyId);
    return {
      agencyId,
      agencyName: agency.name,
      classes: SCHEDULE_CLASSES.map((c) => scheduleEntry(c, this.rules[c], own.get(c))),
    };
  }

  /**
   * Sets an agency's period for a class. An agency's data-protection lead sets only their own agency's
   * (ISA 7); an ISA administrator any agency's. Outside the class's bounds it is refused and nothing changes.
   * Records created before keep the period they took.
   */
  async set(auth: AuthContext, agencyId: string, recordClass: ScheduleClass, days: number): Promise<ScheduleView> {
    if (auth.user.role !== 'isa_admin' && agencyId !== auth.user.agencyId) {
      throw forbidden('other_agency', "You can only set your own agency's retention schedule.");
    }
    const refusal = periodRefusal(recordClass, days, this.rules[recordClass]);
    if (refusal) throw refusal;
    await this.db.transaction(async (m) => {
      if (!(await this.agencies.agency(m, agencyId))) throw notFound('The agency');
      const before = await this.repo.set(m, agencyId, recordClass, days, auth.user.id, this.clock.now());
      await this.audit.record(m, {
        actor: actorOf(auth),
        action: 'retention.schedule_set',
        target: { type: 'agency', id: agencyId },
        details: { recordClass, days, previousDays: before ?? this.rules[recordClass].defaultDays },
        meta: auth.meta,
      });
    });
    return this.schedule(agencyId);
  }

  /** The period, in days, a record of this class created now by this agency takes. */
  async periodFor(m: EntityManager, agencyId: string, recordClass: ScheduleClass): Promise<number> {
    return (await this.repo.period(m, agencyId, recordClass)) ?? this.rules[recordClass].defaultDays;
  }

  /**
   * Fixes a new record's period from its owning agency's schedule, in the caller's transaction. A class
   * counted from creation is dated at once; one counted from closure when it closes (`anchorClosure`).
   */
  async fixAtCreation(
    m: EntityManager,
    recordClass: ScheduleClass,
    recordId: string,
    agencyId: string,
    createdAt: Date,
  ): Promise<void> {
    const days = await this.periodFor(m, agencyId, recordClass);
    const anchor = this.rules[recordClass].anchor;
    await this.repo.insertDate(m, {
      recordClass,
      recordId,
      agencyId,
      days,
      anchor,
      createdAt,
      keptUntil: anchor === 'creation' ? keptUntil(createdAt, days) : null,
    });
  }

  /** A record counted from closure has closed: it is kept until then plus the period it took at creation. */
  anchorClosure(
    m: EntityManager,
    recordClass: ScheduleClass,
    recordId: string,
    closedAt: Date,
  ): Promise<RetentionDate | null> {
    return this.repo.close(m, recordClass, recordId, closedAt);
  }

  /** A record counted from closure has opened again: it is kept, undated, until it closes again. */
  reopen(m: EntityManager, recordClass: ScheduleClass, recordId: string): Promise<void> {
    return this.repo.reopen(m, recordClass, recordId);
  }
}
