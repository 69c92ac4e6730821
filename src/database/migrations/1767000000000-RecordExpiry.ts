import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Dated records expire (issue 16): closed meetings' minutes and decisions, closed referrals and ended
 * information requests are deleted once the date their schedule keeps them until has passed. A legal hold
 * may now name those classes too; the expiry job finds due records by their date.
 */
export class RecordExpiry1767000000000 implements MigrationInterface {
  name = 'RecordExpiry1767000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE legal_holds DROP CONSTRAINT legal_holds_record_class_check;
      ALTER TABLE legal_holds ADD CONSTRAINT legal_holds_record_class_check
        CHECK (record_class IN ('messages', 'attachments', 'minutes', 'referrals', 'information_requests'));
      CREATE INDEX retention_dates_due ON retention_dates (kept_until) WHERE kept_until IS NOT NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX retention_dates_due;
      ALTER TABLE legal_holds DROP CONSTRAINT legal_holds_record_class_check;
      ALTER TABLE legal_holds ADD CONSTRAINT legal_holds_record_class_check
        CHECK (record_class IN ('messages', 'attachments'));
    `);
  }
}
