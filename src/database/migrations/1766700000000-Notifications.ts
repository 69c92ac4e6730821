import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each person's notifications (issue 16; ISA 8.4.2, 12): an action or a family handed to them, a leaver's
 * work to hand over, a partner's withdrawal. Records are named by id only (`refs`), never by content.
 */
export class Notifications1766700000000 implements MigrationInterface {
  name = 'Notifications1766700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE notifications (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        kind text NOT NULL CHECK (kind ~ '^[a-z_]{1,40}$'),
        refs jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(refs) = 'object'),
        created_at timestamptz NOT NULL,
        read_at timestamptz
      );
      CREATE INDEX notifications_user ON notifications (user_id, created_at DESC);
      CREATE INDEX notifications_unread ON notifications (user_id) WHERE read_at IS NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE notifications');
  }
}
