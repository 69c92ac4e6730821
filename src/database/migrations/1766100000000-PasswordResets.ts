import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Password resets by e-mail (docs/operations.md, "E-mail"): single-use, short-lived tokens, kept only as
 * SHA-256 hashes like invitations and sessions, so a copy of the database resets nobody's password.
 */
export class PasswordResets1766100000000 implements MigrationInterface {
  name = 'PasswordResets1766100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE password_resets (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        token_hash bytea NOT NULL UNIQUE CHECK (octet_length(token_hash) = 32),
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX password_resets_user ON password_resets (user_id, created_at);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE password_resets;`);
  }
}
