import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `GET /users/search` finds active people whose name has a word starting with each word typed, in any
 * order: a full-text prefix search in the `simple` configuration (lower case, no stemming, no stop
 * words: names are not English prose). The index covers active accounts only, the only ones it returns.
 */
export class UserNameSearch1765600000000 implements MigrationInterface {
  name = 'UserNameSearch1765600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      "CREATE INDEX users_name_words ON users USING gin (to_tsvector('simple', display_name)) WHERE status = 'active'",
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX users_name_words');
  }
}
