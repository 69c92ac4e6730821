import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { badRequest, conflict, forbidden } from '../common/app-error.js';
import { Clock } from '../common/clock.js';
import { nextVersion } from '../common/versions.js';
import { b64, sealedBytes } from '../common/sealed.js';
import { actorOf, type AuthContext } from '../identity/auth-context.js';
import type { PlanProgressDto, RecordExportDto, SavePlanDto } from './dto/family.dto.js';
import { FamiliesService } from './families.service.js';

/**
 * The whole-family plan (ISA 3.3.11): one per family, versioned like minutes. The lead worker (or the
 * chair of the family's channel) writes it; any professional in the channel reports progress on an
 * objective; the lead worker records the family's own assessment. Content is sealed; the server sees
 * the review date and which members the plan covers, so it can say who is left out.
 */
@Injectable()
export class FamilyPlansService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly families: FamiliesService,
    private readonly audit: AuditService,
  ) {}

  async save(auth: AuthContext, familyId: string, dto: SavePlanDto) {
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
      const next = await nextVersion(
        m,
        'SELECT coalesce(max(version), 0)::int AS latest FROM family_plan_versions WHERE family_id = $1',
        familyId,
        dto.baseVersion,
        'plan_conflict',
        (latest) => `The plan changed since you opened it: merge version ${latest} and save again.`,
      );
      await m.query(
        `INSERT INTO family_plan_versions (family_id, version, ciphertext, epoch, review_on, covered_member_ids, author_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [
          familyId,
          next,
          sealedBytes(dto.plan),
          dto.plan.epoch,
          dto.reviewOn,
          [...new Set(dto.coveredMemberIds)],
          auth.user.id,
          this.clock.now(),
        ],
      );
      await this.audit.record(m, {
        actor: actorOf(auth),
        action: 'family.plan_saved',
        target: { type: 'family', id: familyId },
        details: { version: next, reviewOn: dto.reviewOn },
        meta: auth.meta,
      });
      return next;
    });
    return { familyId, version };
  }

  async progress(auth: AuthContext, familyId: string, dto: PlanProgressDto) {
    const id = await this.db.transaction(async (m) => {
      const family = await this.families.readable(m, auth, familyId);
      if (dto.kind === 'family' && family.lead_worker_id !== auth.user.id) {
        throw forbidden('lead_worker_only', 'The lead worker records the family’s own assessment of progress.');
      }
      const [plan] = await m.query<unknown[]>('SELECT 1 FROM family_plan_versions WHERE family_id = $1 LIMIT 1', [
        familyId,
      ]);
      if (!plan) throw conflict('no_plan', 'Write the family’s plan before reporting progress on it.');
      await this.families.assertSealedFor(m, family, dto.report, 'report');
      const [{ id: reportId }] = await m.query<{ id: string }[]>(
        `INSERT INTO family_plan_progress (family_id, objective, kind, ciphertext, epoch, author_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
        [familyId, dto.objective, dto.kind, sealedBytes(dto.report), dto.report.epoch, auth.user.id, this.clock.now()],
      );
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

  /** Records that a member exported the plan (made and signed on their device) to their case record. */
  async recordExport(auth: AuthContext, familyId: string, dto: RecordExportDto) {
    return this.db.transaction(async (m) => {
      await this.families.readable(m, auth, familyId);
      const [plan] = await m.query<{ version: number }[]>(
        'SELECT max(version)::int AS version FROM family_plan_versions WHERE family_id = $1',
        [familyId],
      );
      if (!plan?.version) throw conflict('no_plan', 'The family has no plan to export yet.');
      const recordedAt = this.clock.now().toISOString();
      await this.audit.record(m, {
        actor: actorOf(auth),
        action: 'family.plan_exported',
        target: { type: 'family', id: familyId },
        details: { exportId: dto.exportId, version: plan.version },
        meta: auth.meta,
      });
      return { exportId: dto.exportId, recordedAt };
    });
  }

  async show(auth: AuthContext, familyId: string) {
    const m = this.db.manager;
    await this.families.readable(m, auth, familyId);
    const [latest] = await m.query<
      {
        version: number;
        ciphertext: Buffer;
        epoch: number;
        review_on: string;
        covered_member_ids: string[];
        author_id: string;
        created_at: Date;
      }[]
    >(
      `SELECT version, ciphertext, epoch, to_char(review_on, 'YYYY-MM-DD') AS review_on, covered_member_ids, author_id, created_at
         FROM family_plan_versions WHERE family_id = $1 ORDER BY version DESC LIMIT 1`,
      [familyId],
    );
    const members = await this.families.members(m, familyId);
    const progress = await m.query<
      {
        id: string;
        objective: string;
        kind: string;
        ciphertext: Buffer;
        epoch: number;
        author_id: string;
        created_at: Date;
      }[]
    >('SELECT * FROM family_plan_progress WHERE family_id = $1 ORDER BY seq', [familyId]);
    const today = this.clock.now().toISOString().slice(0, 10);
    return {
      familyId,
      plan: latest
        ? {
            version: latest.version,
            epoch: latest.epoch,
            ciphertext: b64(latest.ciphertext),
            reviewOn: latest.review_on,
            reviewOverdue: latest.review_on < today,
            coveredMemberIds: latest.covered_member_ids,
            authorId: latest.author_id,
            savedAt: latest.created_at,
          }
        : null,
      /** Family members the plan does not cover (yet): a prompt, since relevance is a judgement. */
      uncoveredMembers: members
        .filter((x) => !latest?.covered_member_ids.includes(x.id))
        .map((x) => ({ memberId: x.id, memberRef: x.ref, role: x.role })),
      progress: progress.map((p) => ({
        id: p.id,
        objective: p.objective,
        kind: p.kind,
        report: { epoch: p.epoch, ciphertext: b64(p.ciphertext) },
        authorId: p.author_id,
        createdAt: p.created_at,
      })),
    };
  }
}
