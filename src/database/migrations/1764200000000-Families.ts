import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Families and the consent register (ISA 1.2, 3.3.4–3.3.6, 5.1). The server knows a family only by a
 * pseudonymous reference and its members by member refs and a role; names, dates of birth, addresses,
 * competence rationales and lawful-basis justifications are ciphertext it cannot open. Consent,
 * fair-processing notices, lawful bases and sharing decisions are append-only history: the current
 * state is the newest row.
 */
export class Families1764200000000 implements MigrationInterface {
  name = 'Families1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      -- One counter per year for references like EH-2026-0042 (taken under a row lock: no gaps from races).
      CREATE TABLE family_ref_counters (
        year integer PRIMARY KEY,
        last integer NOT NULL
      );

      CREATE TABLE families (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        ref text NOT NULL UNIQUE,
        owning_agency_id uuid NOT NULL REFERENCES agencies(id),
        lead_worker_id uuid NOT NULL REFERENCES users(id),
        channel_id uuid NOT NULL UNIQUE REFERENCES channels(id),
        created_by uuid NOT NULL REFERENCES users(id),
        created_at timestamptz NOT NULL
      );
      CREATE INDEX families_lead ON families (lead_worker_id);

      CREATE TABLE family_lead_changes (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        -- Insertion order (timestamps can tie): what "latest" and history order mean.
        seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
        family_id uuid NOT NULL REFERENCES families(id) ON DELETE CASCADE,
        from_user_id uuid REFERENCES users(id),
        to_user_id uuid NOT NULL REFERENCES users(id),
        changed_by uuid NOT NULL REFERENCES users(id),
        changed_at timestamptz NOT NULL
      );
      CREATE INDEX family_lead_changes_family ON family_lead_changes (family_id, changed_at);

      CREATE TABLE family_members (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        -- Insertion order (timestamps can tie): what "latest" and history order mean.
        seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
        family_id uuid NOT NULL REFERENCES families(id) ON DELETE CASCADE,
        ref text NOT NULL UNIQUE,
        role text NOT NULL CHECK (role IN ('child','parent','carer','other')),
        -- Name, date of birth and the like, sealed under the family channel's key (nonce ‖ ciphertext).
        details_ciphertext bytea,
        details_epoch integer,
        added_by uuid NOT NULL REFERENCES users(id),
        created_at timestamptz NOT NULL,
        CHECK ((details_ciphertext IS NULL) = (details_epoch IS NULL))
      );
      CREATE INDEX family_members_family ON family_members (family_id);

      CREATE TABLE consent_records (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        -- Insertion order (timestamps can tie): what "latest" and history order mean.
        seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
        member_id uuid NOT NULL REFERENCES family_members(id) ON DELETE CASCADE,
        kind text NOT NULL CHECK (kind IN ('record','share')),
        status text NOT NULL CHECK (status IN ('given','refused','withdrawn')),
        given_by text NOT NULL CHECK (given_by IN ('self','parent','carer')),
        method text NOT NULL CHECK (method IN ('written','verbal','electronic')),
        decided_on date NOT NULL,
        form_version text NOT NULL,
        -- For consent to share: the agencies it covers.
        share_agency_ids uuid[] NOT NULL DEFAULT '{}',
        -- A young person consenting for themself: who judged them competent, when, and why (sealed).
        competence_assessed_by uuid REFERENCES users(id),
        competence_assessed_on date,
        competence_rationale_ciphertext bytea,
        competence_rationale_epoch integer,
        recorded_by uuid NOT NULL REFERENCES users(id),
        created_at timestamptz NOT NULL,
        CHECK (kind = 'share' OR share_agency_ids = '{}'),
        CHECK ((competence_assessed_by IS NULL) = (competence_assessed_on IS NULL))
      );
      CREATE INDEX consent_records_member ON consent_records (member_id, kind, seq DESC);

      CREATE TABLE fair_processing_notices (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        member_id uuid NOT NULL REFERENCES family_members(id) ON DELETE CASCADE,
        agency_id uuid NOT NULL REFERENCES agencies(id),
        notice_version text NOT NULL,
        given_on date NOT NULL,
        given_by uuid NOT NULL REFERENCES users(id),
        created_at timestamptz NOT NULL
      );
      CREATE INDEX fair_processing_notices_member ON fair_processing_notices (member_id);

      CREATE TABLE lawful_bases (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        family_id uuid NOT NULL REFERENCES families(id) ON DELETE CASCADE,
        agency_id uuid NOT NULL REFERENCES agencies(id),
        basis text NOT NULL CHECK (basis IN ('safeguarding','crime_prevention','dea_s35','other')),
        justification_ciphertext bytea NOT NULL,
        justification_epoch integer NOT NULL,
        approved_by uuid NOT NULL REFERENCES users(id),
        recorded_by uuid NOT NULL REFERENCES users(id),
        created_at timestamptz NOT NULL,
        ended_at timestamptz,
        ended_by uuid REFERENCES users(id),
        CHECK (approved_by <> recorded_by)
      );
      CREATE INDEX lawful_bases_family ON lawful_bases (family_id, agency_id) WHERE ended_at IS NULL;

      -- Every decision to share a family's information with an agency, or not: what, with whom, why.
      CREATE TABLE sharing_decisions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        -- Insertion order (timestamps can tie): what "latest" and history order mean.
        seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
        family_id uuid NOT NULL REFERENCES families(id) ON DELETE CASCADE,
        agency_id uuid NOT NULL REFERENCES agencies(id),
        what text NOT NULL,
        subject_user_id uuid REFERENCES users(id),
        outcome text NOT NULL CHECK (outcome IN ('shared','refused')),
        basis text NOT NULL CHECK (basis IN ('lead_agency','consent','lawful_basis','none')),
        lawful_basis_id uuid REFERENCES lawful_bases(id),
        decided_by uuid NOT NULL REFERENCES users(id),
        decided_at timestamptz NOT NULL
      );
      CREATE INDEX sharing_decisions_family ON sharing_decisions (family_id, decided_at);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE sharing_decisions;
      DROP TABLE lawful_bases;
      DROP TABLE fair_processing_notices;
      DROP TABLE consent_records;
      DROP TABLE family_members;
      DROP TABLE family_lead_changes;
      DROP TABLE families;
      DROP TABLE family_ref_counters;
    `);
  }
}
