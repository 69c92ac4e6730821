import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * End-to-end encrypted channels: membership, key epochs and their sealed envelopes, messages as
 * ciphertext with a per-channel sequence number, and the socket.io adapter's table. Nothing here is
 * plaintext content: titles and messages are `bytea` ciphertext the server cannot open.
 */
export class Channels1764100000000 implements MigrationInterface {
  name = 'Channels1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE channels (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        kind text NOT NULL
          CHECK (kind IN ('direct','locality_meeting','family_meeting','professionals_meeting','referral')),
        owning_agency_id uuid NOT NULL REFERENCES agencies(id),
        created_by uuid NOT NULL REFERENCES users(id),
        retention_days integer NOT NULL CHECK (retention_days > 0),
        title_ciphertext bytea,
        title_epoch integer,
        current_epoch integer NOT NULL DEFAULT 0,
        epoch_opened_at timestamptz,
        epoch_message_count integer NOT NULL DEFAULT 0,
        rotation_required boolean NOT NULL DEFAULT true,
        rotation_reason text,
        last_seq bigint NOT NULL DEFAULT 0,
        direct_pair text UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((kind = 'direct') = (direct_pair IS NOT NULL))
      );

      CREATE TABLE channel_members (
        channel_id uuid NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users(id),
        role text NOT NULL CHECK (role IN ('chair','member','observer')),
        joined_at timestamptz NOT NULL,
        visible_from_seq bigint NOT NULL,
        added_by uuid REFERENCES users(id),
        ends_at timestamptz,
        PRIMARY KEY (channel_id, user_id)
      );
      CREATE INDEX channel_members_user ON channel_members (user_id);

      CREATE TABLE channel_epochs (
        channel_id uuid NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
        epoch integer NOT NULL CHECK (epoch > 0),
        opener_device_id uuid NOT NULL REFERENCES devices(id),
        recipient_device_ids uuid[] NOT NULL,
        signature bytea NOT NULL,
        opened_at timestamptz NOT NULL,
        first_seq bigint NOT NULL,
        PRIMARY KEY (channel_id, epoch)
      );

      CREATE TABLE key_envelopes (
        channel_id uuid NOT NULL,
        epoch integer NOT NULL,
        device_id uuid NOT NULL REFERENCES devices(id),
        sealed bytea NOT NULL,
        shared_by_device_id uuid REFERENCES devices(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (channel_id, epoch, device_id),
        FOREIGN KEY (channel_id, epoch) REFERENCES channel_epochs (channel_id, epoch) ON DELETE CASCADE
      );
      CREATE INDEX key_envelopes_device ON key_envelopes (device_id, channel_id);

      CREATE TABLE messages (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        channel_id uuid NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
        seq bigint NOT NULL,
        epoch integer NOT NULL,
        sender_user_id uuid NOT NULL REFERENCES users(id),
        sender_device_id uuid NOT NULL REFERENCES devices(id),
        client_message_id uuid NOT NULL,
        nonce bytea,
        ciphertext bytea,
        signature bytea,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        deleted_at timestamptz,
        UNIQUE (channel_id, seq),
        UNIQUE (sender_device_id, client_message_id),
        CHECK ((deleted_at IS NULL) = (ciphertext IS NOT NULL))
      );
      CREATE INDEX messages_expiry ON messages (expires_at);
      CREATE INDEX messages_channel_epoch ON messages (channel_id, epoch);

      -- @socket.io/postgres-adapter: large packets spill into this table (NOTIFY payloads are small).
      CREATE TABLE socket_io_attachments (
        id bigserial UNIQUE,
        created_at timestamptz DEFAULT now(),
        payload bytea
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE socket_io_attachments;
      DROP TABLE messages;
      DROP TABLE key_envelopes;
      DROP TABLE channel_epochs;
      DROP TABLE channel_members;
      DROP TABLE channels;
    `);
  }
}
