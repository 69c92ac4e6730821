import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Retention schedules by agency and record class (issue 16; ISA 7: each party's own schedule), and the
 * retention fixed on a record when it was created (`retention_dates`): the period comes from the owning
 * agency's schedule at that moment and never changes; for a class counted from closure, the date it is kept
 * until is set when the record closes.
 */
export class RetentionSchedules1766500000000 implements MigrationInterface {
  name = 'RetentionSchedules1766500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE retention_schedules (
        agency_id uuid NOT NULL REFERENCES agencies(id),
        record_class text NOT NULL,
        days integer NOT NULL CHECK (days > 0),
        set_by uuid NOT NULL REFERENCES users(id),
        set_at timestamptz NOT NULL,
        PRIMARY KEY (agency_id, record_class)
      );
      CREATE TABLE retention_dates (
        record_class text NOT NULL,
        record_id uuid NOT NULL,
        agency_id uuid NOT NULL REFERENCES agencies(id),
        days integer NOT NULL CHECK (days > 0),
        anchor text NOT NULL CHECK (anchor IN ('creation', 'closure')),
        created_at timestamptz NOT NULL,
        closed_at timestamptz,
        kept_until timestamptz,
        PRIMARY KEY (record_class, record_id),
        CHECK (anchor = 'closure' OR kept_until IS NOT NULL)
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE retention_dates; DROP TABLE retention_schedules;');
  }
}
