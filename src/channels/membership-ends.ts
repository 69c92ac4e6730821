import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock.js';
import { JobRegistry } from '../common/jobs.js';
import { APP_CONFIG, type AppConfig } from '../config/config.schema.js';
import { ChannelMembershipService } from './channel-membership.service.js';
import { ChannelsRepository } from './channels.repository.js';

/**
 * Ends time-limited memberships (an observer's `ends_at`) at the moment they end, not at the next run of
 * the minute-long jobs: each instance keeps one timer for the earliest end date in the database, and looks
 * again every LIVE_ACCESS_SWEEP_SECONDS (a membership added on another instance) and after every end. The
 * periodic job runs the same work as a last safety net. Whichever instance comes first ends the
 * membership; the others find nothing left to do.
 */
@Injectable()
export class MembershipEnds implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MembershipEnds.name);
  private cancel: (() => void) | null = null;
  private armedFor: number | null = null;
  private sweep: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly repo: ChannelsRepository,
    private readonly membership: ChannelMembershipService,
    jobs: JobRegistry,
  ) {
    jobs.register('channels.membership-ends', () => this.run());
    membership.onTimeLimitedMember(() => void this.schedule());
  }

  onApplicationBootstrap(): void {
    void this.schedule();
    const every = this.config.LIVE_ACCESS_SWEEP_SECONDS;
    if (every > 0) {
      this.sweep = setInterval(() => void this.schedule(), every * 1000);
      this.sweep.unref();
    }
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    this.cancel?.();
    if (this.sweep) clearInterval(this.sweep);
  }

  /** Ends what is due now, then sets the timer for the next end. */
  async run(): Promise<void> {
    try {
      await this.membership.endDueMemberships();
    } finally {
      this.armedFor = null;
      await this.schedule();
    }
  }

  /** Sets this instance's timer for the earliest end date held (a no-op when it is already set for it). */
  async schedule(): Promise<void> {
    if (this.stopped) return;
    let next: Date | null;
    try {
      next = await this.repo.nextMembershipEnd(this.db.manager);
    } catch (err) {
      this.logger.warn({ err }, 'could not read the next membership end; the sweep will look again');
      return;
    }
    if (!next || next.getTime() === this.armedFor || this.stopped) return;
    this.cancel?.();
    this.armedFor = next.getTime();
    this.cancel = this.clock.at(next, () => {
      this.run().catch((err: unknown) => this.logger.error({ err }, 'ending memberships failed'));
    });
  }
}
