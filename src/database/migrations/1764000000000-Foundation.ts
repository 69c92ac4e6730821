import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The foundation schema: ISA register, people, sessions, devices and the hash-chained audit log.
 * No column holds content: those arrive later, and only as ciphertext (`bytea`).
 */
export class Foundation1764000000000 implements MigrationInterface {
  name = 'Foundation1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE agreement_versions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        label text NOT NULL UNIQUE,
        published_on date NOT NULL,
        review_due date NOT NULL,
        text_ref text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE agencies (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        sector text NOT NULL CHECK (sector IN ('local_authority','police','education','health','housing','voluntary','other')),
        dea_s35_partner boolean NOT NULL DEFAULT false,
        status text NOT NULL DEFAULT 'registered'
          CHECK (status IN ('registered','signed','notice_given','withdrawn','suspended')),
        status_before_suspension text,
        suspended_reason text,
        notice_given_at timestamptz,
        withdrawal_effective_at timestamptz,
        withdrawn_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX agencies_name_key ON agencies (lower(name));
      CREATE INDEX agencies_withdrawal_due ON agencies (withdrawal_effective_at) WHERE status = 'notice_given';

      CREATE TABLE agency_signatures (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        agency_id uuid NOT NULL REFERENCES agencies(id),
        agreement_version_id uuid NOT NULL REFERENCES agreement_versions(id),
        signatory_name text NOT NULL,
        signatory_title text NOT NULL,
        signatory_organisation text NOT NULL,
        signed_on date NOT NULL,
        recorded_by uuid,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX agency_signatures_agency ON agency_signatures (agency_id, signed_on DESC);

      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        agency_id uuid NOT NULL REFERENCES agencies(id),
        email text NOT NULL,
        display_name text NOT NULL,
        role text NOT NULL CHECK (role IN ('isa_admin','agency_admin','practitioner','mash_worker','auditor')),
        status text NOT NULL DEFAULT 'invited' CHECK (status IN ('invited','active','disabled')),
        password_hash text,
        failed_login_count integer NOT NULL DEFAULT 0,
        locked_until timestamptz,
        mfa_secret text,
        mfa_pending_secret text,
        mfa_enabled_at timestamptz,
        mfa_last_time_step bigint,
        created_by uuid,
        disabled_at timestamptz,
        disabled_reason text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX users_email_key ON users (lower(email));
      CREATE INDEX users_agency ON users (agency_id);

      CREATE TABLE invitations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id),
        token_hash bytea NOT NULL UNIQUE,
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE recovery_codes (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id),
        code_hash bytea NOT NULL,
        used_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX recovery_codes_user ON recovery_codes (user_id) WHERE used_at IS NULL;

      CREATE TABLE sessions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id),
        token_hash bytea NOT NULL UNIQUE,
        stage text NOT NULL CHECK (stage IN ('full','mfa_enrolment')),
        created_at timestamptz NOT NULL DEFAULT now(),
        last_seen_at timestamptz NOT NULL DEFAULT now(),
        idle_expires_at timestamptz NOT NULL,
        absolute_expires_at timestamptz NOT NULL,
        revoked_at timestamptz,
        revoked_reason text,
        ip text,
        user_agent text
      );
      CREATE INDEX sessions_user_live ON sessions (user_id) WHERE revoked_at IS NULL;

      CREATE TABLE attestations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id),
        agreement_version_id uuid NOT NULL REFERENCES agreement_versions(id),
        advice_version text NOT NULL,
        attested_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (user_id, agreement_version_id)
      );

      CREATE TABLE devices (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id),
        label text NOT NULL,
        x25519_public_key bytea NOT NULL CHECK (length(x25519_public_key) = 32),
        ed25519_public_key bytea NOT NULL UNIQUE CHECK (length(ed25519_public_key) = 32),
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz,
        revoked_reason text
      );
      CREATE INDEX devices_user_active ON devices (user_id) WHERE revoked_at IS NULL;

      CREATE TABLE rate_limit_hits (
        key text NOT NULL,
        window_start timestamptz NOT NULL,
        hits integer NOT NULL,
        PRIMARY KEY (key, window_start)
      );

      CREATE TABLE audit_events (
        seq bigint PRIMARY KEY,
        occurred_at timestamptz NOT NULL,
        actor_user_id uuid,
        actor_agency_id uuid,
        action text NOT NULL,
        target_type text,
        target_id text,
        outcome text NOT NULL CHECK (outcome IN ('success','failure','denied')),
        request_id text,
        source_ip text,
        details jsonb NOT NULL DEFAULT '{}'::jsonb,
        prev_hash text NOT NULL,
        hash text NOT NULL
      );
      CREATE INDEX audit_events_agency ON audit_events (actor_agency_id, seq);

      CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END
      $$;
      CREATE TRIGGER audit_events_no_update_delete BEFORE UPDATE OR DELETE ON audit_events
        FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
      CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
        FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE audit_events;
      DROP FUNCTION audit_events_append_only();
      DROP TABLE rate_limit_hits;
      DROP TABLE devices;
      DROP TABLE attestations;
      DROP TABLE sessions;
      DROP TABLE recovery_codes;
      DROP TABLE invitations;
      DROP TABLE users;
      DROP TABLE agency_signatures;
      DROP TABLE agencies;
      DROP TABLE agreement_versions;
    `);
  }
}
