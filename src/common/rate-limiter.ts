import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { tooManyRequests } from './app-error.js';
import { Clock } from './clock.js';
import { JobRegistry } from './jobs.js';
import { RateLimitRepository } from './rate-limit.repository.js';

/**
 * Fixed-window counters kept in PostgreSQL, so every instance counts against the same limit.
 * One upsert per hit; old windows are pruned by the jobs runner.
 */
@Injectable()
export class RateLimiter implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly jobs: JobRegistry,
    private readonly repo: RateLimitRepository,
  ) {}

  onModuleInit(): void {
    this.jobs.register('rate-limit-prune', () => this.prune());
  }

  async hit(key: string, limit: number, windowSeconds: number, message: string): Promise<void> {
    const now = this.clock.now().getTime();
    const windowStart = new Date(now - (now % (windowSeconds * 1000)));
    const hits = await this.repo.hit(this.db.manager, key, windowStart);
    if (hits > limit) {
      const retryAfter = (windowStart.getTime() + windowSeconds * 1000 - now) / 1000;
      throw tooManyRequests('rate_limited', message, Math.max(1, Math.ceil(retryAfter)));
    }
  }

  async prune(olderThanSeconds = 3600): Promise<void> {
    await this.repo.deleteWindowsBefore(
      this.db.manager,
      new Date(this.clock.now().getTime() - olderThanSeconds * 1000),
    );
  }
}
