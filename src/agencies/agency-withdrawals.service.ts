import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { Clock } from '../common/clock.js';
import { DomainEvents } from '../common/domain-events.js';
import { JobRegistry } from '../common/jobs.js';
import { AgenciesRepository } from './agencies.repository.js';

const BATCH = 20;

/** The periodic job that ends an agency's membership of the ISA when its notice month is over. */
@Injectable()
export class AgencyWithdrawalsService implements OnModuleInit {
  private readonly logger = new Logger(AgencyWithdrawalsService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly repo: AgenciesRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly events: DomainEvents,
    private readonly jobs: JobRegistry,
  ) {}

  onModuleInit(): void {
    this.jobs.register('withdrawals', () => this.applyDue());
  }

  /**
   * Applies every withdrawal whose effective date has come. Safe with many instances: rows are claimed
   * with FOR UPDATE SKIP LOCKED, so each withdrawal is applied exactly once, and an instance that dies
   * mid-way leaves its rows to the next run.
   */
  async applyDue(now: Date = this.clock.now()): Promise<string[]> {
    const applied: string[] = [];
    for (;;) {
      const batch = await this.db.transaction(async (m) => {
        const due = await this.repo.claimDueWithdrawals(m, now, BATCH);
        for (const id of due) {
          await this.repo.updateAgency(m, id, { status: 'withdrawn', withdrawnAt: now });
          await this.audit.record(m, {
            actor: null,
            action: 'agency.withdrawn',
            target: { type: 'agency', id },
            details: { appliedBy: 'withdrawal_job' },
          });
          await this.events.emit(m, { type: 'agency.withdrawn', agencyId: id });
        }
        return due;
      });
      applied.push(...batch);
      if (batch.length < BATCH) break;
    }
    if (applied.length) this.logger.log({ agencies: applied }, 'Applied due ISA withdrawals');
    return applied;
  }
}
