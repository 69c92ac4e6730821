import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Localities (ISA 2.2): the short list of areas an Early Help partnership is organised by ("North",
 * "Central", "South", each with its Locality Meeting), kept by the ISA team, and the locality a family is
 * supported in. Plain operational metadata, chosen from the list: nothing typed about the family, so the
 * programme report can count by quarter and locality.
 */
export class Localities1767100000000 implements MigrationInterface {
  name = 'Localities1767100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE localities (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
        created_at timestamptz NOT NULL
      );
      -- One "North", whatever case it is written in.
      CREATE UNIQUE INDEX localities_name_key ON localities (lower(name));

      ALTER TABLE families ADD COLUMN locality_id uuid REFERENCES localities(id);
      CREATE INDEX families_locality ON families (locality_id);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE families DROP COLUMN locality_id; DROP TABLE localities;');
  }
}
