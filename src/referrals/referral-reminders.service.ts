import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock.js';
import { JobRegistry } from '../common/jobs.js';
import { APP_CONFIG, type AppConfig } from '../config/config.schema.js';
import { UsersRepository } from '../identity/users.repository.js';
import { Notifier } from '../notifications/notifier.js';
import { ReferralsRepository, type ReferralReminderKind } from './referrals.repository.js';

/**
 * The `referral-reminders` job: each open referral gets one `due_soon` reminder when its screening
 * deadline is `REFERRAL_DUE_SOON_MINUTES` away and one `overdue` reminder once it has passed, to its
 * assigned worker and the hub's staff, on whichever instance takes it (SKIP LOCKED), never twice. A
 * re-rating that moves the deadline earns both again.
 */
@Injectable()
export class ReferralRemindersService implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly notifier: Notifier,
    private readonly jobs: JobRegistry,
    private readonly referrals: ReferralsRepository,
    private readonly users: UsersRepository,
  ) {}

  onModuleInit(): void {
    this.jobs.register('referral-reminders', () => this.sendReminders());
  }

  async sendReminders(): Promise<number> {
    const soonMs = this.config.REFERRAL_DUE_SOON_MINUTES * 60_000;
    let sent = 0;
    for (const reminder of ['overdue', 'due_soon'] as const satisfies readonly ReferralReminderKind[]) {
      const rows = await this.db.transaction((m) =>
        this.referrals.claimReminders(m, reminder, this.clock.now(), soonMs),
      );
      const hubStaff = new Map<string, string[]>();
      for (const r of rows) {
        if (!hubStaff.has(r.hub_agency_id)) {
          hubStaff.set(
            r.hub_agency_id,
            await this.users.activeIdsWithRole(this.db.manager, r.hub_agency_id, ['mash_worker']),
          );
        }
        const to = new Set([...(r.assigned_to ? [r.assigned_to] : []), ...hubStaff.get(r.hub_agency_id)!]);
        for (const userId of to) {
          this.notifier.toUser(userId, 'referral.updated', { referralId: r.id, ref: r.ref, state: r.state, reminder });
        }
      }
      sent += rows.length;
    }
    return sent;
  }
}
