import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Header v2 of messages (docs/protocol.md, "Messages"): the sender device's counter in the channel, the
 * chain link of its previous message there and the sender's clock, all signed by the sender. Stored in
 * clear beside the ciphertext so readers can check order; a deleted message keeps them. Messages stored
 * before (there is no production data) keep nulls.
 */
export class MessageOrder1764900000000 implements MigrationInterface {
  name = 'MessageOrder1764900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE messages ADD COLUMN n integer, ADD COLUMN prev bytea, ADD COLUMN sent_at timestamptz;
      CREATE INDEX messages_device_chain ON messages (channel_id, sender_device_id, n);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX messages_device_chain;
      ALTER TABLE messages DROP COLUMN n, DROP COLUMN prev, DROP COLUMN sent_at;
    `);
  }
}
