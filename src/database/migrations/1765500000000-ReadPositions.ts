import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Read positions: `channel_members.read_seq` is the highest sequence number the member has marked read
 * (per person, not per device), from which the channel list counts unread messages.
 *
 * Members at the time of the upgrade start with everything read (their channel's last message): the
 * server never knew what they had read, and a count of every message ever kept would be noise. The
 * default 0 is for rows that an instance still running the previous release inserts during a rolling
 * upgrade; the count takes the position as at least `visible_from_seq`, so such a newcomer does not see
 * the history they cannot read as new.
 *
 * No new index on messages: the count walks `messages_channel_id_seq_key` (channel_id, seq) from the
 * read position on, channel by channel.
 */
export class ReadPositions1765500000000 implements MigrationInterface {
  name = 'ReadPositions1765500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE channel_members ADD COLUMN read_seq bigint NOT NULL DEFAULT 0;
      UPDATE channel_members cm SET read_seq = c.last_seq FROM channels c WHERE c.id = cm.channel_id;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE channel_members DROP COLUMN read_seq');
  }
}
