import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Encrypted file attachments (docs/protocol.md, "Attachments"). `attachments` holds what the server needs
 * to enforce rules: the channel, who uploaded it from which device, how many chunks and stored bytes were
 * declared, whether it is complete, and when it expires. The file's name, type and key never reach the
 * server: they travel in the file reference, sealed in a message or a sealed field.
 *
 * `attachment_chunks` is the PostgreSQL `AttachmentStore`: one row per chunk of ciphertext. Its storage is
 * EXTERNAL (out of line, not compressed): ciphertext does not compress, so trying would only cost time.
 * The foreign key's cascade is a safety net; the retention job deletes chunks itself, in bounded batches,
 * before their attachment row.
 */
export class Attachments1765700000000 implements MigrationInterface {
  name = 'Attachments1765700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE attachments (
        id uuid PRIMARY KEY,
        channel_id uuid NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
        uploader_user_id uuid NOT NULL REFERENCES users(id),
        uploader_device_id uuid NOT NULL REFERENCES devices(id),
        purpose text NOT NULL CHECK (purpose IN ('message', 'record')),
        state text NOT NULL DEFAULT 'uploading' CHECK (state IN ('uploading', 'complete')),
        chunk_count integer NOT NULL CHECK (chunk_count >= 1),
        size_bytes bigint NOT NULL CHECK (size_bytes >= 0),
        created_at timestamptz NOT NULL,
        completed_at timestamptz,
        expires_at timestamptz,
        CHECK ((state = 'complete') = (completed_at IS NOT NULL))
      );
      CREATE INDEX attachments_channel_id_idx ON attachments (channel_id);
      CREATE INDEX attachments_expires_at_idx ON attachments (expires_at) WHERE expires_at IS NOT NULL;
      CREATE INDEX attachments_uploading_idx ON attachments (created_at) WHERE state = 'uploading';

      CREATE TABLE attachment_chunks (
        attachment_id uuid NOT NULL REFERENCES attachments(id) ON DELETE CASCADE,
        idx integer NOT NULL CHECK (idx >= 0),
        bytes bytea NOT NULL,
        PRIMARY KEY (attachment_id, idx)
      );
      ALTER TABLE attachment_chunks ALTER COLUMN bytes SET STORAGE EXTERNAL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE attachment_chunks; DROP TABLE attachments');
  }
}
