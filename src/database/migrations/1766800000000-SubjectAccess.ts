import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The subject-access register (issue 16; ISA 10): each agency's requests from the public, the subject named
 * only by pseudonymous family and member references, the deadline and its one extension, and consultation
 * tasks for the agencies the information came from.
 */
export class SubjectAccess1766800000000 implements MigrationInterface {
  name = 'SubjectAccess1766800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE subject_access_requests (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        agency_id uuid NOT NULL REFERENCES agencies(id),
        received_on date NOT NULL,
        requester_type text NOT NULL CHECK (requester_type IN ('subject', 'parent_guardian', 'representative', 'other')),
        deadline_on date NOT NULL,
        extension_months smallint CHECK (extension_months BETWEEN 1 AND 2),
        extension_reason text CHECK (length(extension_reason) BETWEEN 1 AND 1000),
        extended_by uuid REFERENCES users(id),
        extended_at timestamptz,
        status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'answered', 'closed')),
        created_by uuid NOT NULL REFERENCES users(id),
        created_at timestamptz NOT NULL,
        CHECK ((extension_months IS NULL) = (extension_reason IS NULL)),
        CHECK ((extension_months IS NULL) = (extended_by IS NULL)),
        CHECK ((extension_months IS NULL) = (extended_at IS NULL)),
        CHECK (deadline_on > received_on)
      );
      CREATE INDEX subject_access_requests_agency ON subject_access_requests (agency_id, deadline_on);

      -- The subject, by reference: ids and the pseudonymous refs as they were when the request was made.
      CREATE TABLE subject_access_subjects (
        request_id uuid NOT NULL REFERENCES subject_access_requests(id) ON DELETE CASCADE,
        place smallint NOT NULL,
        family_id uuid NOT NULL,
        family_ref text NOT NULL,
        member_id uuid,
        member_ref text,
        PRIMARY KEY (request_id, place),
        CHECK ((member_id IS NULL) = (member_ref IS NULL))
      );

      CREATE TABLE subject_access_consultations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        request_id uuid NOT NULL REFERENCES subject_access_requests(id) ON DELETE CASCADE,
        agency_id uuid NOT NULL REFERENCES agencies(id),
        due_on date NOT NULL,
        created_by uuid NOT NULL REFERENCES users(id),
        created_at timestamptz NOT NULL,
        done_at timestamptz,
        done_by uuid REFERENCES users(id),
        UNIQUE (request_id, agency_id),
        CHECK ((done_at IS NULL) = (done_by IS NULL))
      );
      CREATE INDEX subject_access_consultations_agency ON subject_access_consultations (agency_id, due_on);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE subject_access_consultations;
      DROP TABLE subject_access_subjects;
      DROP TABLE subject_access_requests;
    `);
  }
}
