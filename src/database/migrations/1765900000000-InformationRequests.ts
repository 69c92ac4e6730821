import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The sources this migration adds to `record_epochs`, one branch each (see `up`). */
const SOURCES = ['question', 'response', 'explanation'] as const;

/** The view's definition as PostgreSQL keeps it, without the trailing semicolon. */
async function viewDefinition(q: QueryRunner): Promise<string> {
  const [{ def }] = (await q.query("SELECT pg_get_viewdef('record_epochs'::regclass) AS def")) as { def: string }[];
  return def.trim().replace(/;$/, '');
}

/**
 * Information requests between agencies (ISA 3.3.9, 3.3.10). The server sees who asked which agency,
 * about which subject (a family, by id), by when, the state, who was assigned and who answered; the
 * question, the response and a refusal's explanation are ciphertext under the request's own
 * `information_request` channel. A refusal's declared length is kept beside its explanation: the server
 * checked it against the rule and the sealed bytes, and every reader's client checks it against the text.
 *
 * Also: the new channel kind; `sharing_decisions` names the request a decision was about, and may record
 * one withdrawn; and `record_epochs` covers the three sealed columns. The view is extended from its
 * definition as it stands (and `down` removes only these branches), so migrations of other features that
 * extend it too compose with this one in either order.
 */
export class InformationRequests1765900000000 implements MigrationInterface {
  name = 'InformationRequests1765900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE channels DROP CONSTRAINT channels_kind_check;
      ALTER TABLE channels ADD CONSTRAINT channels_kind_check CHECK (kind IN
        ('direct','locality_meeting','family_meeting','professionals_meeting','referral','information_request'));

      CREATE TABLE information_requests (
        id uuid PRIMARY KEY,
        -- The request's own conversation: its sealed fields are under this channel's keys.
        channel_id uuid NOT NULL UNIQUE REFERENCES channels(id),
        -- What it is about: a family (by id) for now; the MASH hub will add referrals.
        subject_kind text NOT NULL CHECK (subject_kind IN ('family')),
        subject_id uuid NOT NULL,
        to_agency_id uuid NOT NULL REFERENCES agencies(id),
        requested_by uuid NOT NULL REFERENCES users(id),
        requester_agency_id uuid NOT NULL REFERENCES agencies(id),
        state text NOT NULL DEFAULT 'requested'
          CHECK (state IN ('requested','accepted','declined','provided','closed','withdrawn')),
        due_at timestamptz NOT NULL,
        -- What is asked and why, sealed (nonce ‖ ciphertext), bound to the request's id.
        question_ciphertext bytea NOT NULL,
        question_epoch integer NOT NULL,
        assignee_user_id uuid REFERENCES users(id),
        -- The answer: what the agency provides, or why it declines (with the length its author declared).
        response_ciphertext bytea,
        response_epoch integer,
        explanation_ciphertext bytea,
        explanation_epoch integer,
        explanation_length integer CHECK (explanation_length >= 20),
        answered_by uuid REFERENCES users(id),
        answered_at timestamptz,
        accepted_at timestamptz,
        closed_at timestamptz,
        withdrawn_at timestamptz,
        -- Both sides are told once when it passes its due time unanswered.
        overdue_flagged_at timestamptz,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        CHECK (to_agency_id <> requester_agency_id),
        CHECK ((response_ciphertext IS NULL) = (response_epoch IS NULL)),
        CHECK ((explanation_ciphertext IS NULL) = (explanation_epoch IS NULL)),
        CHECK ((explanation_ciphertext IS NULL) = (explanation_length IS NULL)),
        CHECK (state <> 'provided' OR response_ciphertext IS NOT NULL),
        CHECK (state <> 'declined' OR explanation_ciphertext IS NOT NULL)
      );
      CREATE INDEX information_requests_inbox ON information_requests (to_agency_id, created_at);
      CREATE INDEX information_requests_assignee ON information_requests (assignee_user_id)
        WHERE assignee_user_id IS NOT NULL;
      CREATE INDEX information_requests_subject ON information_requests (subject_kind, subject_id);
      CREATE INDEX information_requests_overdue ON information_requests (due_at)
        WHERE state IN ('requested','accepted') AND overdue_flagged_at IS NULL;

      ALTER TABLE sharing_decisions
        ADD COLUMN information_request_id uuid REFERENCES information_requests(id) ON DELETE SET NULL;
      ALTER TABLE sharing_decisions DROP CONSTRAINT sharing_decisions_outcome_check;
      ALTER TABLE sharing_decisions ADD CONSTRAINT sharing_decisions_outcome_check
        CHECK (outcome IN ('shared','refused','withdrawn'));
    `);
    const branches = SOURCES.map(
      (field) =>
        `SELECT ir.channel_id, ir.${field}_epoch, 'information_requests.${field}'::text
           FROM information_requests ir WHERE ir.${field}_epoch IS NOT NULL`,
    );
    await q.query(
      `CREATE OR REPLACE VIEW record_epochs (channel_id, epoch, source) AS
         ${await viewDefinition(q)}
       UNION ALL ${branches.join('\n       UNION ALL ')}`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    // The view without this migration's branches (and whatever else it holds), then the rest undone.
    const kept = (await viewDefinition(q))
      .split(/\bUNION ALL\b/)
      .filter((branch) => !branch.includes('information_requests'))
      .join('UNION ALL');
    await q.query(`CREATE OR REPLACE VIEW record_epochs (channel_id, epoch, source) AS ${kept}`);
    await q.query(`
      DELETE FROM sharing_decisions WHERE outcome = 'withdrawn';
      ALTER TABLE sharing_decisions DROP CONSTRAINT sharing_decisions_outcome_check;
      ALTER TABLE sharing_decisions ADD CONSTRAINT sharing_decisions_outcome_check CHECK (outcome IN ('shared','refused'));
      ALTER TABLE sharing_decisions DROP COLUMN information_request_id;
      DROP TABLE information_requests;
      DELETE FROM channels WHERE kind = 'information_request';
      ALTER TABLE channels DROP CONSTRAINT channels_kind_check;
      ALTER TABLE channels ADD CONSTRAINT channels_kind_check
        CHECK (kind IN ('direct','locality_meeting','family_meeting','professionals_meeting','referral'));
    `);
  }
}
