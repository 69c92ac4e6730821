import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The latest message from another device that a sender had seen when it wrote (docs/protocol.md,
 * "Signed order"): its sequence number and the chain link of its header, signed by the sender as part of
 * the header. Readers use it to order messages across devices and to notice a message removed after
 * someone saw it. Null when the sender had seen none, and on messages stored before.
 */
export class MessageSeen1765100000000 implements MigrationInterface {
  name = 'MessageSeen1765100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE messages
        ADD COLUMN seen_seq bigint CHECK (seen_seq IS NULL OR seen_seq > 0),
        ADD COLUMN seen_link bytea CHECK (seen_link IS NULL OR octet_length(seen_link) = 32),
        ADD CONSTRAINT messages_seen_together CHECK ((seen_seq IS NULL) = (seen_link IS NULL));
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE messages
        DROP CONSTRAINT messages_seen_together,
        DROP COLUMN seen_link,
        DROP COLUMN seen_seq;
    `);
  }
}
