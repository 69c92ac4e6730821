import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Signed heads of the audit log (src/audit/audit-heads.service.ts): one row per signed end of the chain,
 * append-only like the log itself, so a head once given to a partner cannot be quietly replaced.
 */
export class AuditHeads1766300000000 implements MigrationInterface {
  name = 'AuditHeads1766300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_heads (
        seq bigint PRIMARY KEY CHECK (seq >= 1),
        hash text NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$'),
        signed_at timestamptz NOT NULL,
        public_key text NOT NULL,
        signature text NOT NULL
      );
      CREATE FUNCTION audit_heads_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_heads is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$;
      CREATE TRIGGER audit_heads_no_update_delete BEFORE UPDATE OR DELETE ON audit_heads
        FOR EACH ROW EXECUTE FUNCTION audit_heads_append_only();
      CREATE TRIGGER audit_heads_no_truncate BEFORE TRUNCATE ON audit_heads
        FOR EACH STATEMENT EXECUTE FUNCTION audit_heads_append_only();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_heads; DROP FUNCTION audit_heads_append_only();`);
  }
}
