import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { ExportRecordedView, RecordExportInput } from '../../contracts/common.js';
import type {
  FamilyPlanView,
  PlanProgressInput,
  PlanProgressRecordedView,
  PlanReviewInput,
  PlanReviewView,
  PlanSavedView,
  SavePlanInput,
} from '../../contracts/families.js';
import { AuditService } from '../audit/audit.service.js';
import { badRequest, conflict, forbidden } from '../common/app-error.js';
import { Clock } from '../common/clock.js';
import { sealedBytes } from '../common/sealed.js';
import { planSigningBytes } from '../common/signed-text.js';
import { actorOf, type AuthContext } from '../identity/auth-context.js';
import { RetentionSchedulesService } from '../retention-schedules/retention-schedules.service.js';
import { DevicesService } from '../identity/devices.service.js';
import { FamiliesService } from './families.service.js';
import {
  FamilyPlansRepository,
  toFamilyPlanVersionView,
  toPlanProgressView,
  toPlanReviewView,
  type PlanReviewRow,
} from './family-plans.repository.js';

/**
 * The whole-family plan (ISA 3.3.11): one per family, versioned like minutes. The lead worker (or the
 * chair of the family's channel) writes it; any professional in the channel reports progress on an
 * objective; the lead worker records the family's own assessment. Content is sealed; the server sees
 * the review date and which members the plan covers, so it can say who is left out. Each version is
 * signed by the saving device over its text, review date and coverage (docs/protocol.md, "Signed plan
 * versions"): the server checks that the device is the author's own and that the signature verifies.
 */
@Injectable()
export class FamilyPlansService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly families: FamiliesService,
    private readonly repo: FamilyPlansRepository,
    private readonly audit: AuditService,
    private readonly devices: DevicesService,
    private readonly retention: RetentionSchedulesService,
  ) {}

  async save(auth: AuthContext, familyId: string, dto: SavePlanInput): Promise<PlanSavedView> {
    const version = await this.db.transaction(async (m) => {
      const family = await this.families.writable(m, auth, familyId);
      await this.families.assertSealedFor(m, family, dto.plan, 'plan');
      const members = new Set((await this.families.members(m, familyId)).map((x) => x.id));
      const unknown = dto.coveredMemberIds.filter((id) => !members.has(id));
      if (unknown.length) {
        throw badRequest('validation_failed', 'The plan can cover only members of this family.', {
          fields: { coveredMemberIds: [`not members of this family: ${unknown.join(', ')}`] },
        });
      }
      const next = await this.repo.nextVersion(m, familyId, dto.baseVersion);
      await this.devices.assertSignedByOwnDevice(
        m,
        auth,
        dto.deviceId,
        planSigningBytes(familyId, next, Buffer.from(dto.textHash, 'base64url'), sealedBytes(dto.plan)),
        dto.signature,
        'this version of the plan',
      );
      const id = randomUUID();
      const now = this.clock.now();
      // The version it replaces is over from now; the new one takes its period from the owning agency.
      const replaced = next > 1 ? await this.repo.versionId(m, familyId, next - 1) : null;
      if (replaced) await this.retention.anchorClosure(m, 'family_plans', replaced, now);
      await this.repo.insertVersion(m, {
        id,
        familyId,
        version: next,
        plan: dto.plan,
        reviewOn: dto.reviewOn,
        coveredMemberIds: dto.coveredMemberIds,
        textHash: dto.textHash,
        deviceId: dto.deviceId,
        signature: dto.signature,
        authorId: auth.user.id,
        createdAt: now,
      });
      await this.retention.fixAtCreation(m, 'family_plans', id, family.owning_agency_id, now);
      await this.audit.record(m, {
        actor: actorOf(auth),
        action: 'family.plan_saved',
        target: { type: 'family', id: familyId },
        details: { version: next, reviewOn: dto.reviewOn, deviceId: dto.deviceId },
        meta: auth.meta,
      });
      return next;
    });
    return { familyId, version };
  }

  async progress(auth: AuthContext, familyId: string, dto: PlanProgressInput): Promise<PlanProgressRecordedView> {
    const id = await this.db.transaction(async (m) => {
      const family = await this.families.contributable(m, auth, familyId);
      if (dto.kind === 'family' && family.lead_worker_id !== auth.user.id) {
        throw forbidden('lead_worker_only', 'The lead worker records the family’s own assessment of progress.');
      }
      if (!(await this.repo.hasPlan(m, familyId))) {
        throw conflict('no_plan', 'Write the family’s plan before reporting progress on it.');
      }
      await this.families.assertSealedFor(m, family, dto.report, 'report');
      const reportId = await this.repo.insertProgress(m, {
        id: dto.id,
        familyId,
        objective: dto.objective,
        kind: dto.kind,
        report: dto.report,
        authorId: auth.user.id,
        createdAt: this.clock.now(),
      });
      await this.audit.record(m, {
        actor: actorOf(auth),
        action: 'family.plan_progress',
        target: { type: 'family', id: familyId },
        details: { objective: dto.objective, kind: dto.kind },
        meta: auth.meta,
      });
      return reportId;
    });
    return { id };
  }

  /**
   * Records a review of the plan (the lead worker or the chair): the version reviewed, which must be the
   * current one, the day, not in the future nor before the plan was first written, and what it found, in
   * clear (the programme report counts it); why is an optional note, sealed. The client makes the id: the
   * same review sent again answers with the one stored, a different one under that id is refused.
   */
  async review(auth: AuthContext, familyId: string, dto: PlanReviewInput): Promise<PlanReviewView> {
    return this.db.transaction(async (m) => {
      const family = await this.families.writable(m, auth, familyId);
      const retried = await this.repo.review(m, dto.id);
      if (retried) return sameReview(retried, familyId, auth.user.id, dto);
      const current = await this.repo.latestVersion(m, familyId);
      if (!current) throw conflict('no_plan', 'Write the family’s plan before recording a review of it.');
      if (dto.planVersion !== current) {
        throw conflict(
          'plan_conflict',
          `You reviewed version ${dto.planVersion} of the plan, but version ${current} is the current one: ` +
            'read it and record the review of that version.',
          { currentVersion: current },
        );
      }
      const today = this.clock.now().toISOString().slice(0, 10);
      if (dto.reviewedOn > today) {
        throw badRequest('validation_failed', 'A review cannot be recorded for a day that has not come yet.', {
          fields: { reviewedOn: [`must be today (${today}) or earlier`] },
        });
      }
      const first = await this.repo.firstSavedOn(m, familyId);
      if (first && dto.reviewedOn < first) {
        throw badRequest('validation_failed', 'A review cannot be from before the plan was first written.', {
          fields: { reviewedOn: [`must be ${first} or later`] },
        });
      }
      if (dto.note) await this.families.assertSealedFor(m, family, dto.note, 'note');
      const row = await this.repo.insertReview(m, {
        id: dto.id,
        familyId,
        planVersion: dto.planVersion,
        outcome: dto.outcome,
        reviewedOn: dto.reviewedOn,
        note: dto.note,
        reviewedBy: auth.user.id,
        createdAt: this.clock.now(),
      });
      // Taken since the look above: a concurrent retry of the same review, or a different one.
      if (!row) return sameReview((await this.repo.review(m, dto.id))!, familyId, auth.user.id, dto);
      await this.audit.record(m, {
        actor: actorOf(auth),
        action: 'family.plan_reviewed',
        target: { type: 'family', id: familyId },
        details: {
          reviewId: row.id,
          planVersion: row.plan_version,
          outcome: row.outcome,
          reviewedOn: row.reviewed_on,
          withNote: !!dto.note,
        },
        meta: auth.meta,
      });
      return toPlanReviewView(row);
    });
  }

  /** Records that a member exported the plan (made and signed on their device) to their case record. */
  async recordExport(auth: AuthContext, familyId: string, dto: RecordExportInput): Promise<ExportRecordedView> {
    return this.db.transaction(async (m) => {
      await this.families.readable(m, auth, familyId);
      const version = await this.repo.latestVersion(m, familyId);
      if (!version) throw conflict('no_plan', 'The family has no plan to export yet.');
      const recordedAt = this.clock.now().toISOString();
      await this.audit.record(m, {
        actor: actorOf(auth),
        action: 'family.plan_exported',
        target: { type: 'family', id: familyId },
        details: { exportId: dto.exportId, version },
        meta: auth.meta,
      });
      return { exportId: dto.exportId, recordedAt };
    });
  }

  async show(auth: AuthContext, familyId: string): Promise<FamilyPlanView> {
    const m = this.db.manager;
    await this.families.readable(m, auth, familyId);
    const latest = await this.repo.latest(m, familyId);
    const members = await this.families.members(m, familyId);
    const progress = await this.repo.progress(m, familyId);
    const today = this.clock.now().toISOString().slice(0, 10);
    return {
      familyId,
      plan: latest ? toFamilyPlanVersionView(latest, today) : null,
      uncoveredMembers: members
        .filter((x) => !latest?.covered_member_ids.includes(x.id))
        .map((x) => ({ memberId: x.id, memberRef: x.ref, role: x.role })),
      progress: progress.map(toPlanProgressView),
      reviews: (await this.repo.reviews(m, familyId)).map(toPlanReviewView),
    };
  }
}

/** A retried review: the stored one when it is the same review by the same person, else 409 `record_exists`. */
function sameReview(stored: PlanReviewRow, familyId: string, userId: string, dto: PlanReviewInput): PlanReviewView {
  const view = toPlanReviewView(stored);
  const same =
    stored.family_id === familyId &&
    stored.reviewed_by === userId &&
    view.planVersion === dto.planVersion &&
    view.outcome === dto.outcome &&
    view.reviewedOn === dto.reviewedOn &&
    (view.note?.epoch ?? null) === (dto.note?.epoch ?? null) &&
    (view.note ? sealedBytes(dto.note!).equals(stored.note_ciphertext!) : !dto.note);
  if (same) return view;
  throw conflict('record_exists', 'A different review already has this id: nothing changed. Make a new id.');
}
