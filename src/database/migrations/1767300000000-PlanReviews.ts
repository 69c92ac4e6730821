import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The view's definition as PostgreSQL keeps it, without the trailing semicolon. */
async function viewDefinition(q: QueryRunner): Promise<string> {
  const [{ def }] = (await q.query("SELECT pg_get_viewdef('record_epochs'::regclass) AS def")) as { def: string }[];
  return def.trim().replace(/;$/, '');
}

/**
 * Reviews of a family's whole-family plan (issue 16, the programme report's "plans with outcomes met"): the lead
 * worker or the chair records, as plain metadata, which version of the plan was reviewed, on which day, and
 * whether its outcomes were met, partly met or not met; why is an optional note sealed under the family's
 * channel. A review goes with the version it reviewed (that version's retention decides, as for its progress
 * reports), and `record_epochs` covers its note so the note's keys live as long as it does. The view is
 * extended from its definition as it stands (and `down` removes only this branch), as earlier migrations do.
 */
export class PlanReviews1767300000000 implements MigrationInterface {
  name = 'PlanReviews1767300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE family_plan_reviews (
        id uuid PRIMARY KEY,
        -- The order reviews were recorded in: of two on the same day, the later one is the family's latest.
        seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
        family_id uuid NOT NULL,
        plan_version integer NOT NULL,
        outcome text NOT NULL CHECK (outcome IN ('met', 'partly_met', 'not_met')),
        reviewed_on date NOT NULL,
        -- Why, sealed (nonce ‖ ciphertext) under the family's channel, bound to the review's id.
        note_ciphertext bytea,
        note_epoch integer,
        reviewed_by uuid NOT NULL REFERENCES users(id),
        created_at timestamptz NOT NULL,
        FOREIGN KEY (family_id, plan_version) REFERENCES family_plan_versions (family_id, version) ON DELETE CASCADE,
        CHECK ((note_ciphertext IS NULL) = (note_epoch IS NULL))
      );
      CREATE INDEX family_plan_reviews_family ON family_plan_reviews (family_id, reviewed_on, seq);
    `);
    await q.query(
      `CREATE OR REPLACE VIEW record_epochs (channel_id, epoch, source) AS
         ${await viewDefinition(q)}
       UNION ALL SELECT f.channel_id, r.note_epoch, 'family_plan_reviews.note'::text
         FROM family_plan_reviews r JOIN families f ON f.id = r.family_id WHERE r.note_epoch IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    const kept = (await viewDefinition(q))
      .split(/\bUNION ALL\b/)
      .filter((branch) => !branch.includes('family_plan_reviews'))
      .join('UNION ALL');
    await q.query(`CREATE OR REPLACE VIEW record_epochs (channel_id, epoch, source) AS ${kept}`);
    await q.query('DROP TABLE family_plan_reviews');
  }
}
