import type { QueryRunner } from 'typeorm';

/** One key for every instance: two bootstraps at once run one after the other. */
const BOOTSTRAP_LOCK = 0x5eed_b007;

/** The bootstrap's own connection: its advisory lock, and whether the database is still empty. */
export const bootstrapLock = {
  take: (q: QueryRunner) => q.query('SELECT pg_advisory_lock($1)', [BOOTSTRAP_LOCK]),
  release: (q: QueryRunner) => q.query('SELECT pg_advisory_unlock($1)', [BOOTSTRAP_LOCK]),
  async isEmpty(q: QueryRunner): Promise<boolean> {
    const [{ agencies, users }] = (await q.query(
      'SELECT (SELECT count(*) FROM agencies)::int AS agencies, (SELECT count(*) FROM users)::int AS users',
    )) as { agencies: number; users: number }[];
    return agencies === 0 && users === 0;
  },
};
