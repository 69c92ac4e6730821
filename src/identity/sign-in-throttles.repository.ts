import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { returningRows } from '../common/sql.js';
import type { ThrottledAccountView, ThrottledSourceView } from '../../contracts/identity.js';
import type { AddressState, LaneState, Lanes } from './sign-in-throttle.js';

export type Lane = 'address' | 'source' | 'pair';

/** What one attempt is counted against: see `SignInThrottleService.keysFor`. */
export interface LaneKeys {
  address: string;
  source: string;
  pair: string;
}

interface ThrottleRow {
  lane: Lane;
  key: string;
  failures: number;
  last_failure_at: Date;
  blocked_until: Date | null;
  throttled_since: Date | null;
}

const toState = (r: ThrottleRow): AddressState => ({
  failures: r.failures,
  lastFailureAt: r.last_failure_at,
  blockedUntil: r.blocked_until,
  throttledSince: r.throttled_since,
});

/** `sign_in_throttles`: failed sign-ins counted per address typed, per source, and per source at an address. */
@Injectable()
export class SignInThrottlesRepository {
  /**
   * Serialises attempts at one e-mail address, known or not, until the transaction ends, so a burst of
   * guesses sent at once is counted one after another rather than all let through together.
   */
  async lockAddress(m: EntityManager, address: string): Promise<void> {
    await m.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`sign-in:${address}`]);
  }

  /** The three lanes of one attempt, in one query. */
  async lanes(m: EntityManager, keys: LaneKeys): Promise<Lanes> {
    const rows = await m.query<ThrottleRow[]>(
      `SELECT lane, key, failures, last_failure_at, blocked_until, throttled_since FROM sign_in_throttles
       WHERE (lane, key) IN (('address', $1), ('source', $2), ('pair', $3))`,
      [keys.address, keys.source, keys.pair],
    );
    const of = (lane: Lane) => {
      const row = rows.find((r) => r.lane === lane);
      return row ? toState(row) : null;
    };
    return { address: of('address'), source: of('source'), pair: of('pair') };
  }

  /**
   * A source's row, locked until the transaction ends (made, with no failures, if there is none yet): the
   * same source may be failing at another address at this very moment, under another address's lock.
   */
  async lockSource(m: EntityManager, source: string, now: Date): Promise<LaneState> {
    await m.query(
      `INSERT INTO sign_in_throttles (lane, key, failures, last_failure_at) VALUES ('source', $1, 0, $2)
       ON CONFLICT (lane, key) DO NOTHING`,
      [source, now],
    );
    const [row] = await m.query<ThrottleRow[]>(
      `SELECT lane, key, failures, last_failure_at, blocked_until, throttled_since FROM sign_in_throttles
       WHERE lane = 'source' AND key = $1 FOR UPDATE`,
      [source],
    );
    return toState(row);
  }

  /** Writes one lane's state; `userId` names the account an address belongs to, when one does. */
  async save(
    m: EntityManager,
    lane: Lane,
    key: string,
    s: LaneState & { throttledSince?: Date | null },
    userId: string | null = null,
  ): Promise<void> {
    await m.query(
      `INSERT INTO sign_in_throttles (lane, key, user_id, failures, last_failure_at, blocked_until, throttled_since)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (lane, key) DO UPDATE SET user_id = EXCLUDED.user_id, failures = EXCLUDED.failures,
         last_failure_at = EXCLUDED.last_failure_at, blocked_until = EXCLUDED.blocked_until,
         throttled_since = EXCLUDED.throttled_since`,
      [lane, key, userId, s.failures, s.lastFailureAt, s.blockedUntil, s.throttledSince ?? null],
    );
  }

  async deleteLane(m: EntityManager, lane: Lane, key: string): Promise<void> {
    await m.query('DELETE FROM sign_in_throttles WHERE lane = $1 AND key = $2', [lane, key]);
  }

  /** An address and every source's failures at it; true if there were any. */
  async deleteAddress(m: EntityManager, address: string): Promise<boolean> {
    const rows = await returningRows(
      m,
      `DELETE FROM sign_in_throttles
       WHERE (lane = 'address' AND key = $1) OR (lane = 'pair' AND starts_with(key, $1 || ' '))
       RETURNING 1`,
      [address],
    );
    return rows.length > 0;
  }

  /** Accounts held back now, with who they are; newest spell first. */
  async throttledAccounts(m: EntityManager, now: Date): Promise<ThrottledAccountView[]> {
    const rows = await m.query<
      {
        id: string;
        email: string;
        display_name: string;
        agency_id: string;
        failures: number;
        blocked_until: Date;
        throttled_since: Date;
      }[]
    >(
      `SELECT u.id, u.email, u.display_name, u.agency_id, t.failures, t.blocked_until, t.throttled_since
       FROM sign_in_throttles t JOIN users u ON u.id = t.user_id
       WHERE t.lane = 'address' AND t.blocked_until > $1
       ORDER BY t.throttled_since DESC, u.email`,
      [now],
    );
    return rows.map((r) => ({
      user: { id: r.id, email: r.email, displayName: r.display_name, agencyId: r.agency_id },
      failures: r.failures,
      throttledUntil: r.blocked_until.toISOString(),
      throttledSince: r.throttled_since.toISOString(),
    }));
  }

  /** Throttled addresses that match no account: a count only. */
  async otherThrottledAddresses(m: EntityManager, now: Date): Promise<number> {
    const [row] = await m.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM sign_in_throttles
       WHERE lane = 'address' AND user_id IS NULL AND blocked_until > $1`,
      [now],
    );
    return row.n;
  }

  /** Sources held back now, longest wait first. */
  async throttledSources(m: EntityManager, now: Date): Promise<ThrottledSourceView[]> {
    const rows = await m.query<{ key: string; failures: number; blocked_until: Date }[]>(
      `SELECT key, failures, blocked_until FROM sign_in_throttles
       WHERE lane = 'source' AND blocked_until > $1 ORDER BY blocked_until DESC, key`,
      [now],
    );
    return rows.map((r) => ({
      source: r.key,
      failures: r.failures,
      throttledUntil: r.blocked_until.toISOString(),
    }));
  }

  /**
   * Deletes rows of `lane` with nothing left to count: no delay running, every failure forgiven (one per
   * `forgiveMs` of quiet after the last delay), and `keepMs` past the last delay (an address's spell outlives
   * its delay). Skips rows another transaction holds, so it never waits on a sign-in.
   */
  async prune(m: EntityManager, lane: Lane, now: Date, forgiveMs: number, keepMs: number): Promise<void> {
    await m.query(
      `DELETE FROM sign_in_throttles WHERE (lane, key) IN (
         SELECT lane, key FROM sign_in_throttles
         WHERE lane = $1
           AND GREATEST(last_failure_at, COALESCE(blocked_until, last_failure_at))
               + make_interval(secs => GREATEST(failures * $3::float8, $4::float8) / 1000) <= $2
         FOR UPDATE SKIP LOCKED)`,
      [lane, now, forgiveMs, keepMs],
    );
  }
}
