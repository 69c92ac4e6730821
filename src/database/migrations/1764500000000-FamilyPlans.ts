import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The whole-family plan (ISA 1.2, 3.3.11): versioned, sealed objectives, outcomes and measures; the
 * review date and which family members it covers are visible to the server (pseudonymous member
 * ids); progress reports by named professionals and the family's own assessment, sealed. Actions
 * may name the plan objective they serve.
 */
export class FamilyPlans1764500000000 implements MigrationInterface {
  name = 'FamilyPlans1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE family_plan_versions (
        family_id uuid NOT NULL REFERENCES families(id) ON DELETE CASCADE,
        version integer NOT NULL CHECK (version > 0),
        ciphertext bytea NOT NULL,
        epoch integer NOT NULL,
        review_on date NOT NULL,
        covered_member_ids uuid[] NOT NULL,
        author_id uuid NOT NULL REFERENCES users(id),
        created_at timestamptz NOT NULL,
        PRIMARY KEY (family_id, version)
      );

      CREATE TABLE family_plan_progress (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
        family_id uuid NOT NULL REFERENCES families(id) ON DELETE CASCADE,
        objective text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('professional','family')),
        ciphertext bytea NOT NULL,
        epoch integer NOT NULL,
        author_id uuid NOT NULL REFERENCES users(id),
        created_at timestamptz NOT NULL
      );
      CREATE INDEX family_plan_progress_family ON family_plan_progress (family_id, seq);

      ALTER TABLE actions ADD COLUMN plan_objective text;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE actions DROP COLUMN plan_objective;
      DROP TABLE family_plan_progress;
      DROP TABLE family_plan_versions;
    `);
  }
}
