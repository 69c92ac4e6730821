import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Minutes signed over their text (docs/protocol.md, "Signed minutes", v2): the hash of the plaintext
 * document that the chair's close signature and each amendment's signature cover, as the signing client
 * sent it. Rows signed under v1 (there was no production data) keep a null hash, and clients refuse to
 * treat them as checked against their text.
 */
export class MinutesTextHash1764850000000 implements MigrationInterface {
  name = 'MinutesTextHash1764850000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE meetings ADD COLUMN final_text_hash bytea
        CHECK (final_text_hash IS NULL OR octet_length(final_text_hash) = 32);
      ALTER TABLE minutes_amendments ADD COLUMN text_hash bytea
        CHECK (text_hash IS NULL OR octet_length(text_hash) = 32);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE minutes_amendments DROP COLUMN text_hash;
      ALTER TABLE meetings DROP COLUMN final_text_hash;
    `);
  }
}
