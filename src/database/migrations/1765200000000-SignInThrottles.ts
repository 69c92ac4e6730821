import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sign-in throttling in place of the account lock-out (docs/operations.md, "Sign-in throttling"). Failures
 * are counted per e-mail address typed (known or not, as a SHA-256 so addresses that match no account are not
 * kept), per source network address, and per source at an address. One table, shared by every instance.
 * The lock-out's columns on `users` go: a lock that anyone could hold by guessing wrong is what this replaces.
 */
export class SignInThrottles1765200000000 implements MigrationInterface {
  name = 'SignInThrottles1765200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE sign_in_throttles (
        lane text NOT NULL CHECK (lane IN ('address', 'source', 'pair')),
        key text NOT NULL,
        -- The account the address belongs to, when one does: for the ISA admin's view only.
        user_id uuid REFERENCES users(id) ON DELETE CASCADE CHECK (user_id IS NULL OR lane = 'address'),
        failures integer NOT NULL CHECK (failures >= 0),
        last_failure_at timestamptz NOT NULL,
        blocked_until timestamptz,
        throttled_since timestamptz CHECK (throttled_since IS NULL OR lane = 'address'),
        PRIMARY KEY (lane, key)
      );
      CREATE INDEX sign_in_throttles_user ON sign_in_throttles (user_id) WHERE user_id IS NOT NULL;
      CREATE INDEX sign_in_throttles_blocked ON sign_in_throttles (blocked_until);
      ALTER TABLE users DROP COLUMN failed_login_count, DROP COLUMN locked_until;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE users ADD COLUMN failed_login_count integer NOT NULL DEFAULT 0, ADD COLUMN locked_until timestamptz;
      DROP TABLE sign_in_throttles;
    `);
  }
}
