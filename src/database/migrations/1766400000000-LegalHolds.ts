import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Legal holds and disposal evidence (issue 16; ISA 7, 8.3): a hold suspends every expiry it covers until
 * it is released; each expiry run leaves a disposal record (class, rule, count, time range), never content.
 */
export class LegalHolds1766400000000 implements MigrationInterface {
  name = 'LegalHolds1766400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE legal_holds (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        scope text NOT NULL CHECK (scope IN ('channel', 'family', 'agency', 'class')),
        scope_id uuid,
        record_class text CHECK (record_class IN ('messages', 'attachments')),
        reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 1000),
        placed_by uuid NOT NULL REFERENCES users(id),
        placed_at timestamptz NOT NULL,
        released_at timestamptz,
        released_by uuid REFERENCES users(id),
        release_reason text CHECK (length(release_reason) <= 1000),
        CHECK ((scope = 'class') = (record_class IS NOT NULL)),
        CHECK ((scope = 'class') = (scope_id IS NULL)),
        CHECK ((released_at IS NULL) = (released_by IS NULL))
      );
      CREATE INDEX legal_holds_active ON legal_holds (scope, scope_id) WHERE released_at IS NULL;
      CREATE TABLE disposal_records (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        run_at timestamptz NOT NULL,
        record_class text NOT NULL,
        rule text NOT NULL,
        channel_id uuid,
        count integer NOT NULL CHECK (count > 0),
        oldest_created_at timestamptz NOT NULL,
        newest_created_at timestamptz NOT NULL
      );
      CREATE INDEX disposal_records_run_at ON disposal_records (run_at);

      -- A hold is never removed or rewritten: it can only be released, once. Disposal evidence never changes.
      CREATE FUNCTION legal_holds_release_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP <> 'UPDATE' OR OLD.released_at IS NOT NULL
           OR (NEW.id, NEW.scope, NEW.scope_id, NEW.record_class, NEW.reason, NEW.placed_by, NEW.placed_at)
              IS DISTINCT FROM (OLD.id, OLD.scope, OLD.scope_id, OLD.record_class, OLD.reason, OLD.placed_by, OLD.placed_at)
        THEN
          RAISE EXCEPTION 'legal_holds can only be released, once: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER legal_holds_release_only BEFORE UPDATE OR DELETE ON legal_holds
        FOR EACH ROW EXECUTE FUNCTION legal_holds_release_only();
      CREATE TRIGGER legal_holds_no_truncate BEFORE TRUNCATE ON legal_holds
        FOR EACH STATEMENT EXECUTE FUNCTION legal_holds_release_only();
      CREATE FUNCTION disposal_records_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'disposal_records is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$;
      CREATE TRIGGER disposal_records_no_update_delete BEFORE UPDATE OR DELETE ON disposal_records
        FOR EACH ROW EXECUTE FUNCTION disposal_records_append_only();
      CREATE TRIGGER disposal_records_no_truncate BEFORE TRUNCATE ON disposal_records
        FOR EACH STATEMENT EXECUTE FUNCTION disposal_records_append_only();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE disposal_records;
      DROP TABLE legal_holds;
      DROP FUNCTION disposal_records_append_only();
      DROP FUNCTION legal_holds_release_only();
    `);
  }
}
