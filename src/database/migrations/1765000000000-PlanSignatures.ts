import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Plan versions signed when saved (docs/protocol.md, "Signed plan versions"): the saving device, its
 * signature, and the hash of the text it signed (the plan, its review date and the members it covers), as
 * the client sent it. Versions saved before this have none, and clients say so instead of treating them
 * as signed. The three are set together or not at all.
 */
export class PlanSignatures1765000000000 implements MigrationInterface {
  name = 'PlanSignatures1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE family_plan_versions
        ADD COLUMN device_id uuid REFERENCES devices(id),
        ADD COLUMN signature bytea CHECK (signature IS NULL OR octet_length(signature) = 64),
        ADD COLUMN text_hash bytea CHECK (text_hash IS NULL OR octet_length(text_hash) = 32),
        ADD CONSTRAINT family_plan_versions_signed_together
          CHECK ((device_id IS NULL) = (signature IS NULL) AND (signature IS NULL) = (text_hash IS NULL));
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE family_plan_versions
        DROP CONSTRAINT family_plan_versions_signed_together,
        DROP COLUMN text_hash,
        DROP COLUMN signature,
        DROP COLUMN device_id;
    `);
  }
}
