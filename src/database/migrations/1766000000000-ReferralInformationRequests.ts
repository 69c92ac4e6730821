import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Information requests may be about a MASH referral as well as a family. */
export class ReferralInformationRequests1766000000000 implements MigrationInterface {
  name = 'ReferralInformationRequests1766000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE information_requests DROP CONSTRAINT information_requests_subject_kind_check;
      ALTER TABLE information_requests ADD CONSTRAINT information_requests_subject_kind_check
        CHECK (subject_kind IN ('family','referral'));
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DELETE FROM information_requests WHERE subject_kind = 'referral';
      ALTER TABLE information_requests DROP CONSTRAINT information_requests_subject_kind_check;
      ALTER TABLE information_requests ADD CONSTRAINT information_requests_subject_kind_check
        CHECK (subject_kind IN ('family'));
    `);
  }
}
