import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { tooManyRequests } from './app-error.js';
import { Clock } from './clock.js';
import { JobRegistry } from './jobs.js';

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
  ) {}

  onModuleInit(): void {
    this.jobs.register('rate-limit-prune', () => this.prune());
  }

  async hit(key: string, limit: number, windowSeconds: number, message: string): Promise<void> {
    const now = this.clock.now().getTime();
    const windowStart = new Date(now - (now % (windowSeconds * 1000)));
    const [row] = await this.db.query<{ hits: number }[]>(
      `INSERT INTO rate_limit_hits (key, window_start, hits) VALUES ($1, $2, 1)
       ON CONFLICT (key, window_start) DO UPDATE SET hits = rate_limit_hits.hits + 1
       RETURNING hits`,
      [key, windowStart],
    );
    if (row.hits > limit) {
      const retryAfter = (windowStart.getTime() + windowSeconds * 1000 - now) / 1000;
      throw tooManyRequests('rate_limited', message, Math.max(1, Math.ceil(retryAfter)));
    }
  }

  async prune(olderThanSeconds = 3600): Promise<void> {
    await this.db.query('DELETE FROM rate_limit_hits WHERE window_start < $1', [
      new Date(this.clock.now().getTime() - olderThanSeconds * 1000),
    ]);
  }
}
