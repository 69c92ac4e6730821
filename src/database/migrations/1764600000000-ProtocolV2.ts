import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Crypto protocol v2 (docs/protocol.md): each person's identity key, devices approved by an identity
 * signature, sessions that record their last step-up, and epochs that commit to their key and name the
 * devices their opener withheld it from. v1 epochs carry envelopes no v2 client can check, so a database
 * holding any is refused here with a message rather than upgraded into something unreadable.
 */
export class ProtocolV21764600000000 implements MigrationInterface {
  name = 'ProtocolV21764600000000';

  async up(q: QueryRunner): Promise<void> {
    const [{ n }] = (await q.query(`SELECT count(*)::int AS n FROM channel_epochs`)) as { n: number }[];
    if (n > 0) {
      throw new Error(
        `This database holds ${n} channel key period(s) encrypted with Strongroom's protocol v1, which this ` +
          'version can no longer check. There was no production data under v1: start from an empty database ' +
          '(for the embedded one, stop the server and delete its data folder), or keep running the previous version.',
      );
    }
    await q.query(`
      ALTER TABLE users
        ADD COLUMN identity_public_key bytea CHECK (octet_length(identity_public_key) = 32),
        ADD COLUMN identity_published_at timestamptz;
      CREATE UNIQUE INDEX users_identity_public_key_key ON users (identity_public_key);

      ALTER TABLE devices
        ADD COLUMN identity_signature bytea CHECK (octet_length(identity_signature) = 64),
        ADD COLUMN approved_at timestamptz,
        ADD COLUMN approved_by_device_id uuid REFERENCES devices(id),
        ADD COLUMN sealed_identity_seed bytea;

      ALTER TABLE sessions ADD COLUMN stepped_up_at timestamptz;

      ALTER TABLE channel_epochs
        ADD COLUMN commitment bytea NOT NULL CHECK (octet_length(commitment) = 32),
        ADD COLUMN withheld_device_ids uuid[] NOT NULL DEFAULT '{}';
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE channel_epochs DROP COLUMN withheld_device_ids, DROP COLUMN commitment;
      ALTER TABLE sessions DROP COLUMN stepped_up_at;
      ALTER TABLE devices DROP COLUMN sealed_identity_seed, DROP COLUMN approved_by_device_id,
        DROP COLUMN approved_at, DROP COLUMN identity_signature;
      DROP INDEX users_identity_public_key_key;
      ALTER TABLE users DROP COLUMN identity_published_at, DROP COLUMN identity_public_key;
    `);
  }
}
