import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** The fixed-window counters of `rate_limit_hits`. */
@Injectable()
export class RateLimitRepository {
  /** Counts one hit in the window and returns the window's count so far (one upsert). */
  async hit(m: EntityManager, key: string, windowStart: Date): Promise<number> {
    const [row] = await m.query<{ hits: number }[]>(
      `INSERT INTO rate_limit_hits (key, window_start, hits) VALUES ($1, $2, 1)
       ON CONFLICT (key, window_start) DO UPDATE SET hits = rate_limit_hits.hits + 1
       RETURNING hits`,
      [key, windowStart],
    );
    return row.hits;
  }

  async deleteWindowsBefore(m: EntityManager, before: Date): Promise<void> {
    await m.query('DELETE FROM rate_limit_hits WHERE window_start < $1', [before]);
  }
}
