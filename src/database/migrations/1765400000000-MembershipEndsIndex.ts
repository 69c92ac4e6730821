import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every instance looks up the earliest observer end date on each sweep (src/channels/membership-ends.ts)
 * and ends the due ones: a partial index over the few memberships that have an end date, instead of a
 * scan of every membership each time.
 */
export class MembershipEndsIndex1765400000000 implements MigrationInterface {
  name = 'MembershipEndsIndex1765400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE INDEX channel_members_ends_at ON channel_members (ends_at) WHERE ends_at IS NOT NULL');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX channel_members_ends_at');
  }
}
