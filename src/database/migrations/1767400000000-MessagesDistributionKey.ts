import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Messages keyed by their channel (issue 17; docs/capacity.md, "Past one database"): the channel is the
 * messages table's distribution key, so that the table can be sharded by channel on a distributed
 * PostgreSQL (Citus) with no change to the queries, each of which names the channel. A distributed table's
 * unique constraints must include that key: the primary key becomes (channel, id), and a retried send is
 * recognised by its channel, device and client message id (a client message id is the sender's retry key
 * within a channel; the same id in another channel is another message).
 */
export class MessagesDistributionKey1767400000000 implements MigrationInterface {
  name = 'MessagesDistributionKey1767400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE messages DROP CONSTRAINT messages_pkey;
      ALTER TABLE messages ADD CONSTRAINT messages_pkey PRIMARY KEY (channel_id, id);
      ALTER TABLE messages DROP CONSTRAINT messages_sender_device_id_client_message_id_key;
      ALTER TABLE messages ADD CONSTRAINT messages_channel_device_client_message_key
        UNIQUE (channel_id, sender_device_id, client_message_id);
    `);
  }

  /** Refused if a device used one client message id in two channels meanwhile (then both stay). */
  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE messages DROP CONSTRAINT messages_channel_device_client_message_key;
      ALTER TABLE messages ADD CONSTRAINT messages_sender_device_id_client_message_id_key
        UNIQUE (sender_device_id, client_message_id);
      ALTER TABLE messages DROP CONSTRAINT messages_pkey;
      ALTER TABLE messages ADD CONSTRAINT messages_pkey PRIMARY KEY (id);
    `);
  }
}
