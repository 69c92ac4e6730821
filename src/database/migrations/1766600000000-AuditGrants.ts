import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Time-limited audit access (issue 16; ISA 6.1): an auditor's request for one case, with its purpose, and
 * an ISA administrator's decision on it (never the auditor's own) with the end of the access. While a
 * grant is approved its auditor is an observer of the case's channel with the grant's end as `ends_at`.
 */
export class AuditGrants1766600000000 implements MigrationInterface {
  name = 'AuditGrants1766600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_grants (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        auditor_id uuid NOT NULL REFERENCES users(id),
        case_kind text NOT NULL CHECK (case_kind IN ('channel', 'family', 'referral')),
        case_id uuid NOT NULL,
        case_ref text,
        channel_id uuid NOT NULL REFERENCES channels(id),
        purpose text NOT NULL CHECK (length(purpose) BETWEEN 1 AND 1000),
        status text NOT NULL CHECK (status IN ('requested', 'approved', 'refused', 'ended')),
        requested_at timestamptz NOT NULL,
        decided_by uuid REFERENCES users(id),
        decided_at timestamptz,
        ends_at timestamptz,
        ended_at timestamptz,
        ended_by uuid REFERENCES users(id),
        CHECK (decided_by IS NULL OR decided_by <> auditor_id),
        CHECK ((status = 'requested') = (decided_at IS NULL)),
        CHECK ((decided_at IS NULL) = (decided_by IS NULL)),
        CHECK (status NOT IN ('approved', 'ended') OR ends_at IS NOT NULL),
        CHECK ((status = 'ended') = (ended_at IS NOT NULL))
      );
      CREATE INDEX audit_grants_auditor ON audit_grants (auditor_id, requested_at);
      CREATE INDEX audit_grants_requested ON audit_grants (requested_at) WHERE status = 'requested';
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_grants;`);
  }
}
