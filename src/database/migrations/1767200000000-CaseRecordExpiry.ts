import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The default period of a case record class (seven years), for records made before they were dated. */
const DEFAULT_DAYS = 7 * 365;

/** `days` of the record's agency's own schedule for `cls`, else the default; `agency` is its agency id. */
const period = (cls: string, agency: string) =>
  `COALESCE((SELECT s.days FROM retention_schedules s WHERE s.agency_id = ${agency} AND s.record_class = '${cls}'), ${DEFAULT_DAYS})`;
const plus = (at: string, days: string) => `${at} + (${days} * 86400) * interval '1 second'`;

/**
 * The rest of the case record expires (issue 16; ISA 7): actions once done or cancelled, versions of a
 * family's plan once replaced by a newer one, and consent records and sharing decisions about a family. A plan
 * version gains an id of its own (its retention date names it). Holds may name the three classes. A disposal
 * record of chat or files names the kind of channel they were in (the chat class of the schedule).
 *
 * Records made before this are dated here, as the service dates new ones: the period from their agency's
 * schedule as it stands now (the creator's agency for an action, the family's owning agency otherwise), and
 * for a finished action or a replaced plan version, counted from when it finished or was replaced.
 */
export class CaseRecordExpiry1767200000000 implements MigrationInterface {
  name = 'CaseRecordExpiry1767200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE family_plan_versions ADD COLUMN id uuid NOT NULL DEFAULT gen_random_uuid();
      ALTER TABLE family_plan_versions ADD CONSTRAINT family_plan_versions_id_key UNIQUE (id);
      ALTER TABLE legal_holds DROP CONSTRAINT legal_holds_record_class_check;
      ALTER TABLE legal_holds ADD CONSTRAINT legal_holds_record_class_check
        CHECK (record_class IN ('messages', 'attachments', 'minutes', 'actions', 'family_plans', 'referrals',
                                'information_requests', 'consent_records'));
      ALTER TABLE disposal_records ADD COLUMN channel_kind text;
    `);
    const actionDays = period('actions', 'u.agency_id');
    const closedAt = "CASE WHEN a.status IN ('done', 'cancelled') THEN a.updated_at END";
    await q.query(`
      INSERT INTO retention_dates (record_class, record_id, agency_id, days, anchor, created_at, closed_at, kept_until)
      SELECT 'actions', a.id, u.agency_id, ${actionDays}, 'closure', a.created_at, ${closedAt},
             ${plus(closedAt, actionDays)}
        FROM actions a JOIN users u ON u.id = a.created_by
      ON CONFLICT DO NOTHING
    `);
    const planDays = period('family_plans', 'f.owning_agency_id');
    await q.query(`
      INSERT INTO retention_dates (record_class, record_id, agency_id, days, anchor, created_at, closed_at, kept_until)
      SELECT 'family_plans', v.id, f.owning_agency_id, ${planDays}, 'closure', v.created_at, n.created_at,
             ${plus('n.created_at', planDays)}
        FROM family_plan_versions v JOIN families f ON f.id = v.family_id
        LEFT JOIN family_plan_versions n ON n.family_id = v.family_id AND n.version = v.version + 1
      ON CONFLICT DO NOTHING
    `);
    const consentDays = period('consent_records', 'f.owning_agency_id');
    await q.query(`
      INSERT INTO retention_dates (record_class, record_id, agency_id, days, anchor, created_at, kept_until)
      SELECT 'consent_records', c.id, f.owning_agency_id, ${consentDays}, 'creation', c.created_at,
             ${plus('c.created_at', consentDays)}
        FROM consent_records c JOIN family_members fm ON fm.id = c.member_id JOIN families f ON f.id = fm.family_id
      UNION ALL
      SELECT 'consent_records', d.id, f.owning_agency_id, ${consentDays}, 'creation', d.decided_at,
             ${plus('d.decided_at', consentDays)}
        FROM sharing_decisions d JOIN families f ON f.id = d.family_id
      ON CONFLICT DO NOTHING
    `);
  }

  /** Refused while a hold names one of the three classes: a hold is never removed, only released. */
  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DELETE FROM retention_dates WHERE record_class IN ('actions', 'family_plans', 'consent_records');
      ALTER TABLE legal_holds DROP CONSTRAINT legal_holds_record_class_check;
      ALTER TABLE legal_holds ADD CONSTRAINT legal_holds_record_class_check
        CHECK (record_class IN ('messages', 'attachments', 'minutes', 'referrals', 'information_requests'));
      ALTER TABLE disposal_records DROP COLUMN channel_kind;
      ALTER TABLE family_plan_versions DROP COLUMN id;
    `);
  }
}
