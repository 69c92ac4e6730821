import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Meetings held in a channel (ISA 3.3.14): when, who chairs and minutes, who was invited and came,
 * which family members were there; the minutes as versioned ciphertext, locked and signed by the
 * chair's device at close, corrected only by signed amendments; typed entries against agenda items.
 * Place, agenda, minutes, entries and amendments are ciphertext the server cannot open.
 */
export class Meetings1764300000000 implements MigrationInterface {
  name = 'Meetings1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE meetings (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        channel_id uuid NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
        kind text NOT NULL CHECK (kind IN ('locality','family','professionals')),
        scheduled_at timestamptz NOT NULL,
        place_ciphertext bytea,
        place_epoch integer,
        agenda_ciphertext bytea,
        agenda_epoch integer,
        chair_id uuid NOT NULL REFERENCES users(id),
        minute_taker_id uuid REFERENCES users(id),
        status text NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled','in_progress','closed')),
        started_at timestamptz,
        closed_at timestamptz,
        final_version integer,
        final_signature bytea,
        final_signer_device_id uuid REFERENCES devices(id),
        created_by uuid NOT NULL REFERENCES users(id),
        created_at timestamptz NOT NULL,
        CHECK ((status = 'closed') = (final_signature IS NOT NULL))
      );
      CREATE INDEX meetings_channel ON meetings (channel_id, scheduled_at);

      CREATE TABLE meeting_invitations (
        meeting_id uuid NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users(id),
        agency_id uuid NOT NULL REFERENCES agencies(id),
        invited_by uuid NOT NULL REFERENCES users(id),
        invited_at timestamptz NOT NULL,
        attendance text CHECK (attendance IN ('present','apologies','absent')),
        attendance_recorded_by uuid REFERENCES users(id),
        PRIMARY KEY (meeting_id, user_id)
      );
      CREATE INDEX meeting_invitations_user ON meeting_invitations (user_id);

      -- Family meetings: which family members were there, by pseudonymous member ref only.
      CREATE TABLE meeting_family_attendance (
        meeting_id uuid NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
        member_id uuid NOT NULL REFERENCES family_members(id) ON DELETE CASCADE,
        present boolean NOT NULL,
        recorded_by uuid NOT NULL REFERENCES users(id),
        PRIMARY KEY (meeting_id, member_id)
      );

      CREATE TABLE minutes_versions (
        meeting_id uuid NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
        version integer NOT NULL CHECK (version > 0),
        ciphertext bytea NOT NULL,
        epoch integer NOT NULL,
        author_id uuid NOT NULL REFERENCES users(id),
        created_at timestamptz NOT NULL,
        PRIMARY KEY (meeting_id, version)
      );

      CREATE TABLE minutes_amendments (
        meeting_id uuid NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
        number integer NOT NULL CHECK (number > 0),
        -- The correction and its reason, sealed; signed by the author's device.
        ciphertext bytea NOT NULL,
        epoch integer NOT NULL,
        author_id uuid NOT NULL REFERENCES users(id),
        device_id uuid NOT NULL REFERENCES devices(id),
        signature bytea NOT NULL,
        created_at timestamptz NOT NULL,
        PRIMARY KEY (meeting_id, number)
      );

      CREATE TABLE meeting_entries (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
        meeting_id uuid NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
        -- The agenda item's client-chosen id (the item itself is in the sealed agenda).
        agenda_item text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('information','decision','action')),
        ciphertext bytea NOT NULL,
        epoch integer NOT NULL,
        author_id uuid NOT NULL REFERENCES users(id),
        created_at timestamptz NOT NULL
      );
      CREATE INDEX meeting_entries_meeting ON meeting_entries (meeting_id, seq);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE meeting_entries;
      DROP TABLE minutes_amendments;
      DROP TABLE minutes_versions;
      DROP TABLE meeting_family_attendance;
      DROP TABLE meeting_invitations;
      DROP TABLE meetings;
    `);
  }
}
