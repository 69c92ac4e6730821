import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { SealedField } from '../../contracts/common.js';
import type {
  FamilyPlanVersionView,
  PlanProgressView,
  PlanReviewOutcome,
  PlanReviewView,
  ProgressKind,
  SavePlanInput,
} from '../../contracts/families.js';
import { onRecordIdTaken } from '../common/db-errors.js';
import { b64, sealedBytes } from '../common/sealed.js';
import { nextVersion } from '../common/versions.js';
import { returningRows } from '../common/sql.js';

/** The latest row of `family_plan_versions`, its review date as `YYYY-MM-DD`. */
export interface PlanVersionRow {
  version: number;
  ciphertext: Buffer;
  epoch: number;
  review_on: string;
  covered_member_ids: string[];
  author_id: string;
  created_at: Date;
  device_id: string | null;
  signature: Buffer | null;
  text_hash: Buffer | null;
}

/** A row of `family_plan_progress`. */
export interface PlanProgressRow {
  id: string;
  objective: string;
  kind: ProgressKind;
  ciphertext: Buffer;
  epoch: number;
  author_id: string;
  created_at: Date;
}

/** A row of `family_plan_reviews`, its day as `YYYY-MM-DD`. */
export interface PlanReviewRow {
  id: string;
  family_id: string;
  plan_version: number;
  outcome: PlanReviewOutcome;
  reviewed_on: string;
  note_ciphertext: Buffer | null;
  note_epoch: number | null;
  reviewed_by: string;
  created_at: Date;
}

const REVIEW_COLUMNS = `id, family_id, plan_version, outcome, to_char(reviewed_on, 'YYYY-MM-DD') AS reviewed_on,
  note_ciphertext, note_epoch, reviewed_by, created_at`;

/**
 * The whole-family plan's versions, progress reports and reviews: every query on `family_plan_versions`,
 * `family_plan_progress` and `family_plan_reviews`.
 */
@Injectable()
export class FamilyPlansRepository {
  /**
   * The version a save of the plan makes: one more than the latest, or 409 `plan_conflict` when the
   * writer started from an older one. The caller holds the family's row lock.
   */
  nextVersion(m: EntityManager, familyId: string, baseVersion: number): Promise<number> {
    return nextVersion(
      m,
      'SELECT coalesce(max(version), 0)::int AS latest FROM family_plan_versions WHERE family_id = $1',
      familyId,
      baseVersion,
      'plan_conflict',
      (latest) => `The plan changed since you opened it: merge version ${latest} and save again.`,
    );
  }

  async insertVersion(
    m: EntityManager,
    v: Omit<SavePlanInput, 'baseVersion'> & {
      id: string;
      familyId: string;
      version: number;
      authorId: string;
      createdAt: Date;
    },
  ): Promise<void> {
    await m.query(
      `INSERT INTO family_plan_versions
         (family_id, version, ciphertext, epoch, review_on, covered_member_ids, author_id, created_at, device_id, signature,
          text_hash, id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [
        v.familyId,
        v.version,
        sealedBytes(v.plan),
        v.plan.epoch,
        v.reviewOn,
        [...new Set(v.coveredMemberIds)],
        v.authorId,
        v.createdAt,
        v.deviceId,
        Buffer.from(v.signature, 'base64url'),
        Buffer.from(v.textHash, 'base64url'),
        v.id,
      ],
    );
  }

  /** The id of a version of a family's plan (its retention date names it); null when there is none. */
  async versionId(m: EntityManager, familyId: string, version: number): Promise<string | null> {
    const [row] = await m.query<{ id: string }[]>(
      'SELECT id FROM family_plan_versions WHERE family_id = $1 AND version = $2',
      [familyId, version],
    );
    return row?.id ?? null;
  }

  /** The latest version number; null when the family has no plan yet. */
  async latestVersion(m: EntityManager, familyId: string): Promise<number | null> {
    const [plan] = await m.query<{ version: number | null }[]>(
      'SELECT max(version)::int AS version FROM family_plan_versions WHERE family_id = $1',
      [familyId],
    );
    return plan?.version || null;
  }

  async hasPlan(m: EntityManager, familyId: string): Promise<boolean> {
    const [plan] = await m.query<unknown[]>('SELECT 1 FROM family_plan_versions WHERE family_id = $1 LIMIT 1', [
      familyId,
    ]);
    return !!plan;
  }

  async latest(m: EntityManager, familyId: string): Promise<PlanVersionRow | null> {
    const [latest] = await m.query<PlanVersionRow[]>(
      `SELECT version, ciphertext, epoch, to_char(review_on, 'YYYY-MM-DD') AS review_on, covered_member_ids, author_id,
              created_at, device_id, signature, text_hash
         FROM family_plan_versions WHERE family_id = $1 ORDER BY version DESC LIMIT 1`,
      [familyId],
    );
    return latest ?? null;
  }

  /** A progress report on one objective; its id. */
  async insertProgress(
    m: EntityManager,
    p: {
      id: string;
      familyId: string;
      objective: string;
      kind: ProgressKind;
      report: SealedField;
      authorId: string;
      createdAt: Date;
    },
  ): Promise<string> {
    const [{ id }] = await m
      .query<{ id: string }[]>(
        `INSERT INTO family_plan_progress (family_id, objective, kind, ciphertext, epoch, author_id, created_at, id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
        [p.familyId, p.objective, p.kind, sealedBytes(p.report), p.report.epoch, p.authorId, p.createdAt, p.id],
      )
      .catch(onRecordIdTaken('family_plan_progress'));
    return id;
  }

  /** The day (UTC, `YYYY-MM-DD`) the plan's first version was saved; null when it has none. */
  async firstSavedOn(m: EntityManager, familyId: string): Promise<string | null> {
    const [row] = await m.query<{ day: string | null }[]>(
      `SELECT to_char(min(created_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day FROM family_plan_versions
        WHERE family_id = $1`,
      [familyId],
    );
    return row?.day ?? null;
  }

  /** A review, unless its id is taken (then null: the caller compares with the stored one). */
  async insertReview(
    m: EntityManager,
    r: {
      id: string;
      familyId: string;
      planVersion: number;
      outcome: PlanReviewOutcome;
      reviewedOn: string;
      note: SealedField | undefined;
      reviewedBy: string;
      createdAt: Date;
    },
  ): Promise<PlanReviewRow | null> {
    const [row] = await returningRows<PlanReviewRow>(
      m,
      `INSERT INTO family_plan_reviews
         (id, family_id, plan_version, outcome, reviewed_on, note_ciphertext, note_epoch, reviewed_by, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (id) DO NOTHING RETURNING ${REVIEW_COLUMNS}`,
      [
        r.id,
        r.familyId,
        r.planVersion,
        r.outcome,
        r.reviewedOn,
        r.note ? sealedBytes(r.note) : null,
        r.note?.epoch ?? null,
        r.reviewedBy,
        r.createdAt,
      ],
    );
    return row ?? null;
  }

  async review(m: EntityManager, id: string): Promise<PlanReviewRow | null> {
    const [row] = await m.query<PlanReviewRow[]>(`SELECT ${REVIEW_COLUMNS} FROM family_plan_reviews WHERE id = $1`, [
      id,
    ]);
    return row ?? null;
  }

  reviews(m: EntityManager, familyId: string): Promise<PlanReviewRow[]> {
    return m.query<PlanReviewRow[]>(
      `SELECT ${REVIEW_COLUMNS} FROM family_plan_reviews WHERE family_id = $1 ORDER BY reviewed_on, seq`,
      [familyId],
    );
  }

  progress(m: EntityManager, familyId: string): Promise<PlanProgressRow[]> {
    return m.query<PlanProgressRow[]>('SELECT * FROM family_plan_progress WHERE family_id = $1 ORDER BY seq', [
      familyId,
    ]);
  }
}

/** The plan as its readers see it; `today` (`YYYY-MM-DD`, UTC) decides whether its review is overdue. */
export const toFamilyPlanVersionView = (latest: PlanVersionRow, today: string): FamilyPlanVersionView => ({
  version: latest.version,
  epoch: latest.epoch,
  ciphertext: b64(latest.ciphertext),
  reviewOn: latest.review_on,
  reviewOverdue: latest.review_on < today,
  coveredMemberIds: latest.covered_member_ids,
  authorId: latest.author_id,
  savedAt: latest.created_at.toISOString(),
  textHash: latest.text_hash ? b64(latest.text_hash) : null,
  deviceId: latest.device_id,
  signature: latest.signature ? b64(latest.signature) : null,
});

export const toPlanProgressView = (p: PlanProgressRow): PlanProgressView => ({
  id: p.id,
  objective: p.objective,
  kind: p.kind,
  report: { epoch: p.epoch, ciphertext: b64(p.ciphertext) },
  authorId: p.author_id,
  createdAt: p.created_at.toISOString(),
});

export const toPlanReviewView = (r: PlanReviewRow): PlanReviewView => ({
  id: r.id,
  planVersion: r.plan_version,
  outcome: r.outcome,
  reviewedOn: r.reviewed_on,
  note: r.note_ciphertext && r.note_epoch !== null ? { epoch: r.note_epoch, ciphertext: b64(r.note_ciphertext) } : null,
  reviewedBy: r.reviewed_by,
  createdAt: r.created_at.toISOString(),
});
