import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ActionsService } from '../actions/actions.service.js';
import { AgenciesService } from '../agencies/agencies.service.js';
import { RateLimiter } from '../common/rate-limiter.js';
import { APP_CONFIG, type AppConfig } from '../config/config.schema.js';
import { RetentionService } from '../retention/retention.service.js';

/**
 * Periodic work. Every job is safe to run on several instances at once (row locks with SKIP LOCKED,
 * idempotent deletes), so each instance simply runs them all on its own timer.
 */
@Injectable()
export class JobsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(JobsService.name);
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly agencies: AgenciesService,
    private readonly rateLimiter: RateLimiter,
    private readonly retention: RetentionService,
    private readonly actions: ActionsService,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.JOB_INTERVAL_SECONDS <= 0) return;
    this.timer = setInterval(() => void this.runAll(), this.config.JOB_INTERVAL_SECONDS * 1000);
    this.timer.unref();
    void this.runAll();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** Runs every job once; a failing job is logged and does not stop the others. */
  runAll(): Promise<void> {
    this.running ??= (async () => {
      for (const [name, job] of [
        ['withdrawals', () => this.agencies.applyDueWithdrawals()],
        ['message-expiry', () => this.retention.expireMessages()],
        ['rate-limit-prune', () => this.rateLimiter.prune()],
        ['action-reminders', () => this.actions.sendReminders()],
      ] as const) {
        try {
          await job();
        } catch (err) {
          this.logger.error({ err, job: name }, 'Job failed');
        }
      }
    })().finally(() => (this.running = null));
    return this.running;
  }
}
