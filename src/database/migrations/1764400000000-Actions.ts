import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Actions with a named owner and a due date (ISA 1.2): the server sees who owns one, their agency,
 * when it is due and its status, because it enforces who may change it and reminds the owner; what
 * the action is and every progress note are ciphertext. Reassignments are history, kept.
 */
export class Actions1764400000000 implements MigrationInterface {
  name = 'Actions1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE actions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        channel_id uuid NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
        meeting_id uuid REFERENCES meetings(id) ON DELETE SET NULL,
        description_ciphertext bytea NOT NULL,
        description_epoch integer NOT NULL,
        owner_id uuid NOT NULL REFERENCES users(id),
        owner_agency_id uuid NOT NULL REFERENCES agencies(id),
        due_on date NOT NULL,
        status text NOT NULL DEFAULT 'open' CHECK (status IN ('open','in_progress','done','cancelled')),
        created_by uuid NOT NULL REFERENCES users(id),
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        -- Reminders go out once each: when the action falls due within two days, and when it is overdue.
        reminded_due_soon_at timestamptz,
        reminded_overdue_at timestamptz
      );
      CREATE INDEX actions_owner ON actions (owner_id, due_on);
      CREATE INDEX actions_channel ON actions (channel_id);
      CREATE INDEX actions_reminders ON actions (due_on) WHERE status IN ('open','in_progress');

      CREATE TABLE action_updates (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
        action_id uuid NOT NULL REFERENCES actions(id) ON DELETE CASCADE,
        author_id uuid NOT NULL REFERENCES users(id),
        kind text NOT NULL CHECK (kind IN ('status','progress','reassigned')),
        status_from text,
        status_to text,
        from_user_id uuid REFERENCES users(id),
        to_user_id uuid REFERENCES users(id),
        -- A progress note or the reason for a reassignment, sealed.
        note_ciphertext bytea,
        note_epoch integer,
        created_at timestamptz NOT NULL,
        CHECK ((note_ciphertext IS NULL) = (note_epoch IS NULL))
      );
      CREATE INDEX action_updates_action ON action_updates (action_id, seq);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE action_updates; DROP TABLE actions;');
  }
}
