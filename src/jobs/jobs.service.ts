import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { JobRegistry } from '../common/jobs.js';
import { Metrics } from '../common/metrics.js';
import { APP_CONFIG, type AppConfig } from '../config/config.schema.js';

/**
 * Periodic work, as the modules registered it (withdrawals, message expiry, rate-limit pruning, action
 * reminders, …). Every job is safe to run on several instances at once (row locks with SKIP LOCKED,
 * idempotent deletes), so each instance simply runs them all on its own timer.
 */
@Injectable()
export class JobsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(JobsService.name);
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly registry: JobRegistry,
    private readonly metrics: Metrics,
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
      for (const [name, job] of this.registry.entries()) {
        try {
          await this.metrics.timeJob(name, job);
        } catch (err) {
          this.logger.error({ err, job: name }, 'Job failed');
        }
      }
    })().finally(() => (this.running = null));
    return this.running;
  }
}
