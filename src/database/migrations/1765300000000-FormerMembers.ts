import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A channel's former members: who was in it, in what role, from when until when, and why they left
 * (removed by the chair, left, their time-limited access ended, their account disabled, their agency
 * withdrawn). Written in the same statement that deletes the membership, so the member list keeps its
 * history, and a former observer is told their access ended rather than that they were never a member.
 */
export class FormerMembers1765300000000 implements MigrationInterface {
  name = 'FormerMembers1765300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE channel_former_members (
        channel_id uuid NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users(id),
        role text NOT NULL,
        joined_at timestamptz NOT NULL,
        ended_at timestamptz NOT NULL,
        reason text NOT NULL,
        PRIMARY KEY (channel_id, user_id, ended_at)
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE channel_former_members');
  }
}
