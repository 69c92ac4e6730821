import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The MASH hub (issue 14): one agency flagged as the hub; referrals with a gapless reference number per
 * year (a counter row, updated in the submitting transaction, so a rolled-back submission gives its
 * number back and two instances never hand out the same one); their subjects, ratings, shares and
 * timeline. Every sealed column joins the `record_epochs` view, so the keys a referral needs are kept
 * while it lives. Sharing decisions may now be about a referral as well as a family.
 */
export class Referrals1765800000000 implements MigrationInterface {
  name = 'Referrals1765800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE agencies ADD COLUMN is_mash_hub boolean NOT NULL DEFAULT false;
      -- One hub ("Compass"): the single front door for new concerns.
      CREATE UNIQUE INDEX agencies_one_mash_hub ON agencies ((true)) WHERE is_mash_hub;

      CREATE TABLE referral_ref_counters (year int PRIMARY KEY, last int NOT NULL);

      CREATE TABLE referrals (
        id uuid PRIMARY KEY,
        ref text UNIQUE,
        channel_id uuid NOT NULL UNIQUE REFERENCES channels(id),
        hub_agency_id uuid NOT NULL REFERENCES agencies(id),
        referrer_user_id uuid NOT NULL REFERENCES users(id),
        referrer_agency_id uuid NOT NULL REFERENCES agencies(id),
        state text NOT NULL CHECK (state IN ('draft','received','screening','information_gathering','decided','closed')),
        categories text[] NOT NULL DEFAULT '{}',
        urgency text CHECK (urgency IN ('immediate','urgent','standard')),
        family_consent text CHECK (family_consent IN ('given','refused','not_asked')),
        content bytea,
        content_epoch int,
        received_at timestamptz,
        acknowledged_at timestamptz,
        assigned_to uuid REFERENCES users(id),
        claimed_at timestamptz,
        rag text CHECK (rag IN ('red','amber','green')),
        rated_at timestamptz,
        deadline_at timestamptz,
        decision text CHECK (decision IN
          ('no_further_action','early_help','social_care_assessment','strategy_discussion','signpost')),
        decision_rationale bytea,
        decision_rationale_epoch int,
        decided_by uuid REFERENCES users(id),
        decided_at timestamptz,
        family_id uuid REFERENCES families(id),
        closed_by uuid REFERENCES users(id),
        closed_at timestamptz,
        due_soon_notified_at timestamptz,
        overdue_notified_at timestamptz,
        created_at timestamptz NOT NULL,
        CHECK ((state = 'draft') = (ref IS NULL)),
        CHECK (state = 'draft' OR (content IS NOT NULL AND received_at IS NOT NULL AND deadline_at IS NOT NULL)),
        CHECK ((content IS NULL) = (content_epoch IS NULL)),
        CHECK ((decision_rationale IS NULL) = (decision_rationale_epoch IS NULL))
      );
      CREATE INDEX referrals_referrer ON referrals (referrer_user_id, created_at);
      CREATE INDEX referrals_open_deadline ON referrals (deadline_at)
        WHERE state IN ('received','screening','information_gathering');

      CREATE TABLE referral_subjects (
        id uuid PRIMARY KEY,
        referral_id uuid NOT NULL REFERENCES referrals(id) ON DELETE CASCADE,
        position int NOT NULL,
        role text NOT NULL CHECK (role IN ('child','adult')),
        details bytea NOT NULL,
        details_epoch int NOT NULL,
        UNIQUE (referral_id, position)
      );

      CREATE TABLE referral_ratings (
        id uuid PRIMARY KEY,
        referral_id uuid NOT NULL REFERENCES referrals(id) ON DELETE CASCADE,
        seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
        rag text NOT NULL CHECK (rag IN ('red','amber','green')),
        rationale bytea NOT NULL,
        rationale_epoch int NOT NULL,
        rated_by uuid NOT NULL REFERENCES users(id),
        rated_at timestamptz NOT NULL,
        deadline_at timestamptz NOT NULL
      );
      CREATE INDEX referral_ratings_referral ON referral_ratings (referral_id, seq);

      CREATE TABLE referral_shares (
        id uuid PRIMARY KEY,
        referral_id uuid NOT NULL REFERENCES referrals(id) ON DELETE CASCADE,
        seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
        user_id uuid NOT NULL REFERENCES users(id),
        agency_id uuid NOT NULL REFERENCES agencies(id),
        basis text NOT NULL CHECK (basis IN ('consent','lawful_basis')),
        lawful_basis text CHECK (lawful_basis IN ('safeguarding','crime_prevention','dea_s35','other')),
        justification bytea,
        justification_epoch int,
        shared_by uuid NOT NULL REFERENCES users(id),
        shared_at timestamptz NOT NULL,
        CHECK ((basis = 'lawful_basis') = (lawful_basis IS NOT NULL AND justification IS NOT NULL)),
        CHECK ((justification IS NULL) = (justification_epoch IS NULL))
      );
      CREATE INDEX referral_shares_referral ON referral_shares (referral_id, seq);

      -- The timeline: what happened to a referral, by whom, when (codes and ids, never content).
      CREATE TABLE referral_events (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        referral_id uuid NOT NULL REFERENCES referrals(id) ON DELETE CASCADE,
        kind text NOT NULL,
        actor_user_id uuid REFERENCES users(id),
        at timestamptz NOT NULL,
        details jsonb NOT NULL DEFAULT '{}'
      );
      CREATE INDEX referral_events_referral ON referral_events (referral_id, seq);

      ALTER TABLE sharing_decisions ALTER COLUMN family_id DROP NOT NULL;
      ALTER TABLE sharing_decisions ADD COLUMN referral_id uuid REFERENCES referrals(id) ON DELETE CASCADE;
      ALTER TABLE sharing_decisions ADD CONSTRAINT sharing_decisions_one_subject
        CHECK (num_nonnulls(family_id, referral_id) = 1);
      CREATE INDEX sharing_decisions_referral ON sharing_decisions (referral_id, decided_at)
        WHERE referral_id IS NOT NULL;
    `);
    await q.query(`
      CREATE OR REPLACE VIEW record_epochs (channel_id, epoch, source) AS
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
          FROM family_plan_progress pp JOIN families f ON f.id = pp.family_id
      UNION ALL
        SELECT r.channel_id, r.content_epoch, 'referrals.content' FROM referrals r WHERE r.content_epoch IS NOT NULL
      UNION ALL
        SELECT r.channel_id, r.decision_rationale_epoch, 'referrals.decision_rationale'
          FROM referrals r WHERE r.decision_rationale_epoch IS NOT NULL
      UNION ALL
        SELECT r.channel_id, rs.details_epoch, 'referral_subjects.details'
          FROM referral_subjects rs JOIN referrals r ON r.id = rs.referral_id
      UNION ALL
        SELECT r.channel_id, rr.rationale_epoch, 'referral_ratings.rationale'
          FROM referral_ratings rr JOIN referrals r ON r.id = rr.referral_id
      UNION ALL
        SELECT r.channel_id, sh.justification_epoch, 'referral_shares.justification'
          FROM referral_shares sh JOIN referrals r ON r.id = sh.referral_id WHERE sh.justification_epoch IS NOT NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE VIEW record_epochs (channel_id, epoch, source) AS
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
    await q.query(`
      DROP INDEX sharing_decisions_referral;
      ALTER TABLE sharing_decisions DROP CONSTRAINT sharing_decisions_one_subject;
      ALTER TABLE sharing_decisions DROP COLUMN referral_id;
      DROP TABLE referral_events, referral_shares, referral_ratings, referral_subjects, referrals, referral_ref_counters;
      DROP INDEX agencies_one_mash_hub;
      ALTER TABLE agencies DROP COLUMN is_mash_hub;
    `);
  }
}
