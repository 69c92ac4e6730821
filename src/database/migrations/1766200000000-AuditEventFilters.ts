import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Reading the audit log by person, by record and by time (`GET /api/audit/events` filters): without these
 * each filtered page would scan the whole log, which only grows. By actor's agency there is already
 * `audit_events_agency` (actor_agency_id, seq); `target_id` also serves an agency admin's view of events
 * about their people and their agency. The builds lock appends for as long as they take, once, at upgrade.
 */
export class AuditEventFilters1766200000000 implements MigrationInterface {
  name = 'AuditEventFilters1766200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE INDEX audit_events_actor_user ON audit_events (actor_user_id, seq) WHERE actor_user_id IS NOT NULL;
      CREATE INDEX audit_events_target ON audit_events (target_id, seq) WHERE target_id IS NOT NULL;
      CREATE INDEX audit_events_occurred_at ON audit_events (occurred_at);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX audit_events_occurred_at;
      DROP INDEX audit_events_target;
      DROP INDEX audit_events_actor_user;
    `);
  }
}
