import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `record_epochs`: every (channel, epoch) whose key a live sealed record needs — the channel's title,
 * family members' details, competence rationales, lawful-basis justifications, meetings' place and
 * agenda, minutes versions, amendments, minuted entries, actions, action notes, plan versions and
 * progress reports. The expiry job keeps an epoch's keys while a message or any of these references it
 * (docs/protocol.md, "Keys live as long as what they open"). A view rather than a list in code, so the
 * schema itself says what counts; test/record-keys.e2e-spec.ts fails if a sealed column is added to the
 * schema without being added here.
 */
export class RecordEpochs1764700000000 implements MigrationInterface {
  name = 'RecordEpochs1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE VIEW record_epochs (channel_id, epoch, source) AS
        SELECT c.id, c.title_epoch, 'channels.title' FROM channels c WHERE c.title_epoch IS NOT NULL
      UNION ALL
        SELECT f.channel_id, fm.details_epoch, 'family_members.details'
          FROM family_members fm JOIN families f ON f.id = fm.family_id WHERE fm.details_epoch IS NOT NULL
      UNION ALL
        SELECT f.channel_id, cr.competence_rationale_epoch, 'consent_records.competence_rationale'
          FROM consent_records cr JOIN family_members fm ON fm.id = cr.member_id JOIN families f ON f.id = fm.family_id
         WHERE cr.competence_rationale_epoch IS NOT NULL
      UNION ALL
        SELECT f.channel_id, lb.justification_epoch, 'lawful_bases.justification'
          FROM lawful_bases lb JOIN families f ON f.id = lb.family_id
      UNION ALL
        SELECT m.channel_id, m.place_epoch, 'meetings.place' FROM meetings m WHERE m.place_epoch IS NOT NULL
      UNION ALL
        SELECT m.channel_id, m.agenda_epoch, 'meetings.agenda' FROM meetings m WHERE m.agenda_epoch IS NOT NULL
      UNION ALL
        SELECT m.channel_id, mv.epoch, 'minutes_versions' FROM minutes_versions mv JOIN meetings m ON m.id = mv.meeting_id
      UNION ALL
        SELECT m.channel_id, ma.epoch, 'minutes_amendments'
          FROM minutes_amendments ma JOIN meetings m ON m.id = ma.meeting_id
      UNION ALL
        SELECT m.channel_id, me.epoch, 'meeting_entries' FROM meeting_entries me JOIN meetings m ON m.id = me.meeting_id
      UNION ALL
        SELECT a.channel_id, a.description_epoch, 'actions.description' FROM actions a
      UNION ALL
        SELECT a.channel_id, au.note_epoch, 'action_updates.note'
          FROM action_updates au JOIN actions a ON a.id = au.action_id WHERE au.note_epoch IS NOT NULL
      UNION ALL
        SELECT f.channel_id, pv.epoch, 'family_plan_versions'
          FROM family_plan_versions pv JOIN families f ON f.id = pv.family_id
      UNION ALL
        SELECT f.channel_id, pp.epoch, 'family_plan_progress'
          FROM family_plan_progress pp JOIN families f ON f.id = pp.family_id;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP VIEW record_epochs');
  }
}
