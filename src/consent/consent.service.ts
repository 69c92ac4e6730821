import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { ChannelsService } from '../channels/channels.service.js';
import type { SharingPolicy } from '../channels/sharing-policy.js';
import { AppError, badRequest, conflict, forbidden, notFound } from '../common/app-error.js';
import { Clock } from '../common/clock.js';
import { sealedBytes, sealedView } from '../common/sealed.js';
import { agencyCanShare } from '../agencies/agencies.service.js';
import type { Agency } from '../agencies/entities/agency.entity.js';
import { FamiliesService, type FamilyRow } from '../families/families.service.js';
import { actorOf, type AuthContext } from '../identity/auth-context.js';
import type { RecordConsentDto, RecordLawfulBasisDto, RecordNoticeDto } from './dto/consent.dto.js';

export type SharingBasis = 'lead_agency' | 'lawful_basis' | 'consent';

interface LatestConsent {
  member_id: string;
  member_ref: string;
  kind: 'record' | 'share';
  status: 'given' | 'refused' | 'withdrawn';
  share_agency_ids: string[];
}

/** Who may share a family's information, worked out from its consent register (see `basisFor`). */
export interface SharingState {
  family: FamilyRow;
  memberRefs: string[];
  share: Map<string, LatestConsent | undefined>;
  lawful: Map<string, string>; // agency id → lawful basis id
}

interface SharingDecision {
  familyId: string;
  agencyId: string;
  what: 'channel_member_added' | 'lawful_basis_recorded';
  subjectUserId: string | null;
  basis: SharingBasis | null;
  lawfulBasisId: string | null;
  decidedBy: string;
}

const today = (d: Date) => d.toISOString().slice(0, 10);

/**
 * The consent register (ISA 3.3.4–3.3.6, 5.1) and the rule it drives. An agency may share a family's
 * information when it is the lead worker's agency, when a lawful basis to share without consent is
 * recorded for it, or when every member of the family has consent to share in force that covers it.
 * The server enforces that rule on family channels: who can be added, who can post new content, who
 * gets the next key. Every decision is recorded in `sharing_decisions`.
 */
@Injectable()
export class ConsentService implements SharingPolicy, OnModuleInit {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly families: FamiliesService,
    private readonly channels: ChannelsService,
    private readonly audit: AuditService,
  ) {}

  onModuleInit(): void {
    this.channels.useSharingPolicy(this);
  }

  // ── the rule ────────────────────────────────────────────────────────────────────────────────────

  async state(m: EntityManager, family: FamilyRow): Promise<SharingState> {
    const latest = await m.query<LatestConsent[]>(
      `SELECT fm.id AS member_id, fm.ref AS member_ref, c.kind, c.status, c.share_agency_ids
         FROM family_members fm
         LEFT JOIN LATERAL (
           SELECT kind, status, share_agency_ids FROM consent_records
            WHERE member_id = fm.id AND kind = 'share' ORDER BY seq DESC LIMIT 1
         ) c ON true
        WHERE fm.family_id = $1 ORDER BY fm.seq`,
      [family.id],
    );
    const lawful = await m.query<{ id: string; agency_id: string }[]>(
      'SELECT id, agency_id FROM lawful_bases WHERE family_id = $1 AND ended_at IS NULL ORDER BY created_at',
      [family.id],
    );
    return {
      family,
      memberRefs: latest.map((l) => l.member_ref),
      share: new Map(latest.map((l) => [l.member_id, l.kind ? l : undefined])),
      lawful: new Map(lawful.map((l) => [l.agency_id, l.id])),
    };
  }

  basisFor(s: SharingState, agencyId: string): SharingBasis | null {
    if (agencyId === s.family.lead_agency_id) return 'lead_agency';
    if (s.lawful.has(agencyId)) return 'lawful_basis';
    const consents = [...s.share.values()];
    if (consents.length && consents.every((c) => c?.status === 'given' && c.share_agency_ids.includes(agencyId))) {
      return 'consent';
    }
    return null;
  }

  private withdrawn(s: SharingState): string[] {
    return [...s.share.values()].flatMap((c) => (c?.status === 'withdrawn' ? [c.member_ref] : []));
  }

  private refusal(s: SharingState, agencyId: string): AppError {
    const withdrawn = this.withdrawn(s);
    if (withdrawn.length) {
      return forbidden(
        'consent_withdrawn',
        `Consent to share was withdrawn for ${withdrawn.join(', ')} and no lawful basis is recorded for this agency: only the lead worker’s agency may share new information about ${s.family.ref}.`,
        { familyRef: s.family.ref, agencyId, withdrawnFor: withdrawn },
      );
    }
    return forbidden(
      'no_sharing_basis',
      `${s.family.ref}: consent to share with this agency is not recorded for every family member, and no lawful basis to share without consent is recorded.`,
      { familyRef: s.family.ref, agencyId },
    );
  }

  // ── SharingPolicy (family channels) ─────────────────────────────────────────────────────────────

  async refusals(m: EntityManager, channelId: string, agencyIds: string[]): Promise<Map<string, AppError>> {
    const out = new Map<string, AppError>();
    if (!agencyIds.length) return out;
    const family = await this.families.forChannel(m, channelId);
    if (!family) return out;
    const s = await this.state(m, family);
    for (const a of agencyIds) if (!this.basisFor(s, a)) out.set(a, this.refusal(s, a));
    return out;
  }

  async admit(
    m: EntityManager,
    input: { channelId: string; userId: string; agencyId: string; decidedBy: string },
  ): Promise<AppError | null> {
    const family = await this.families.forChannel(m, input.channelId);
    if (!family) return null;
    const s = await this.state(m, family);
    const basis = this.basisFor(s, input.agencyId);
    const decision: SharingDecision = {
      familyId: family.id,
      agencyId: input.agencyId,
      what: 'channel_member_added',
      subjectUserId: input.userId,
      basis,
      lawfulBasisId: basis === 'lawful_basis' ? (s.lawful.get(input.agencyId) ?? null) : null,
      decidedBy: input.decidedBy,
    };
    if (basis) {
      await this.recordDecision(m, decision);
      return null;
    }
    // The refusal is a decision too: it is kept even though the caller's transaction rolls back.
    await this.recordDecision(this.db.manager, decision);
    return this.refusal(s, input.agencyId);
  }

  /** One row of `sharing_decisions`: shared on `basis`, or refused when there is none. */
  private async recordDecision(m: EntityManager, d: SharingDecision): Promise<void> {
    await m.query(
      `INSERT INTO sharing_decisions
         (family_id, agency_id, what, subject_user_id, outcome, basis, lawful_basis_id, decided_by, decided_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        d.familyId,
        d.agencyId,
        d.what,
        d.subjectUserId,
        d.basis ? 'shared' : 'refused',
        d.basis ?? 'none',
        d.lawfulBasisId,
        d.decidedBy,
        this.clock.now(),
      ],
    );
  }

  async restriction(m: EntityManager, channelId: string) {
    const family = await this.families.forChannel(m, channelId);
    return family ? this.restrictionOf(await this.state(m, family)) : null;
  }

  private restrictionOf(s: SharingState) {
    const withdrawn = this.withdrawn(s);
    if (!withdrawn.length) return null;
    return {
      reason: 'consent_withdrawn',
      message: `Consent to share was withdrawn for ${withdrawn.join(', ')}: new information stays with the lead worker’s agency${s.lawful.size ? ' and agencies with a recorded lawful basis' : ''}.`,
      agencyIds: [s.family.lead_agency_id, ...s.lawful.keys()],
    };
  }

  // ── the register ────────────────────────────────────────────────────────────────────────────────

  async recordConsent(auth: AuthContext, familyId: string, memberId: string, dto: RecordConsentDto) {
    const now = this.clock.now();
    if (dto.decidedOn > today(now)) {
      throw badRequest('validation_failed', 'A consent decision cannot be dated in the future.', {
        fields: { decidedOn: ['must not be in the future'] },
      });
    }
    await this.db.transaction(async (m) => {
      const family = await this.families.writable(m, auth, familyId);
      const member = await this.families.member(m, familyId, memberId);
      if (member.role !== 'child' && dto.givenBy !== 'self') {
        throw badRequest('validation_failed', 'An adult family member gives or refuses consent for themself.', {
          fields: { givenBy: ['must be self for a parent, carer or other adult'] },
        });
      }
      // ISA 3.3.4: a young person judged competent (13+ is the guide) consents for themself; the
      // judgement, who made it, when and why, is part of the record.
      if (member.role === 'child' && dto.givenBy === 'self' && !dto.competence) {
        throw badRequest(
          'validation_failed',
          'A child consenting for themself needs a recorded competence judgement.',
          {
            fields: { competence: ['is required when a child gives or refuses consent themself'] },
          },
        );
      }
      if (dto.competence && !(member.role === 'child' && dto.givenBy === 'self')) {
        throw badRequest(
          'validation_failed',
          'A competence judgement belongs only to a child consenting for themself.',
          {
            fields: { competence: ['only for a child with givenBy self'] },
          },
        );
      }
      if (dto.competence) {
        if (dto.competence.assessedOn > today(now)) {
          throw badRequest('validation_failed', 'A competence judgement cannot be dated in the future.', {
            fields: { 'competence.assessedOn': ['must not be in the future'] },
          });
        }
        await this.families.assertSealedFor(m, family, dto.competence.rationale, 'competence.rationale');
        const [assessor] = await m.query<{ status: string; role: string }[]>(
          'SELECT status, role FROM users WHERE id = $1',
          [dto.competence.assessedBy],
        );
        if (!assessor || assessor.status !== 'active' || assessor.role === 'auditor') {
          throw badRequest('validation_failed', 'The competence judgement must be made by an active practitioner.', {
            fields: { 'competence.assessedBy': ['must be an active practitioner'] },
          });
        }
      }
      const agencyIds = [...new Set(dto.agencyIds)];
      if (dto.kind === 'record' && agencyIds.length) {
        throw badRequest('validation_failed', 'Consent to record covers no agencies; consent to share does.', {
          fields: { agencyIds: ['only for consent to share'] },
        });
      }
      if (dto.kind === 'share' && dto.status === 'given' && !agencyIds.length) {
        throw badRequest('validation_failed', 'Consent to share must name the agencies it covers.', {
          fields: { agencyIds: ['name at least one agency'] },
        });
      }
      if (agencyIds.length) {
        const found = await m.query<{ id: string }[]>('SELECT id FROM agencies WHERE id = ANY ($1::uuid[])', [
          agencyIds,
        ]);
        if (found.length !== agencyIds.length) throw notFound('Agency');
      }
      if (dto.status === 'withdrawn') {
        const [last] = await m.query<{ status: string }[]>(
          `SELECT status FROM consent_records WHERE member_id = $1 AND kind = $2 ORDER BY seq DESC LIMIT 1`,
          [memberId, dto.kind],
        );
        if (last?.status !== 'given') {
          throw conflict('consent_not_given', 'Only consent that was given can be withdrawn.', {
            current: last?.status ?? null,
          });
        }
      }
      await m.query(
        `INSERT INTO consent_records (member_id, kind, status, given_by, method, decided_on, form_version, share_agency_ids,
            competence_assessed_by, competence_assessed_on, competence_rationale_ciphertext, competence_rationale_epoch,
            recorded_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
        [
          memberId,
          dto.kind,
          dto.status,
          dto.givenBy,
          dto.method,
          dto.decidedOn,
          dto.formVersion,
          dto.kind === 'share' && dto.status === 'given' ? agencyIds : [],
          dto.competence?.assessedBy ?? null,
          dto.competence?.assessedOn ?? null,
          dto.competence ? sealedBytes(dto.competence.rationale) : null,
          dto.competence?.rationale.epoch ?? null,
          auth.user.id,
          now,
        ],
      );
      await this.audit.record(m, {
        actor: actorOf(auth),
        action: `consent.${dto.status}`,
        target: { type: 'family', id: familyId },
        details: { memberId, kind: dto.kind, agencies: agencyIds.length },
        meta: auth.meta,
      });
      // Who may share may have changed: the next key goes only to agencies that still may.
      if (dto.kind === 'share') await this.channels.markRotation(m, family.channel_id, 'sharing_changed');
    });
    return this.register(auth, familyId);
  }

  async recordNotice(auth: AuthContext, familyId: string, memberId: string, dto: RecordNoticeDto) {
    const now = this.clock.now();
    if (dto.givenOn > today(now)) {
      throw badRequest('validation_failed', 'A notice cannot be dated in the future.', {
        fields: { givenOn: ['must not be in the future'] },
      });
    }
    await this.db.transaction(async (m) => {
      await this.families.writable(m, auth, familyId);
      await this.families.member(m, familyId, memberId);
      await m.query(
        `INSERT INTO fair_processing_notices (member_id, agency_id, notice_version, given_on, given_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [memberId, auth.user.agencyId, dto.noticeVersion, dto.givenOn, auth.user.id, now],
      );
      await this.audit.record(m, {
        actor: actorOf(auth),
        action: 'consent.notice_given',
        target: { type: 'family', id: familyId },
        details: { memberId },
        meta: auth.meta,
      });
    });
    return this.register(auth, familyId);
  }

  async recordLawfulBasis(auth: AuthContext, familyId: string, dto: RecordLawfulBasisDto) {
    const now = this.clock.now();
    await this.db.transaction(async (m) => {
      const family = await this.families.writable(m, auth, familyId);
      await this.families.assertSealedFor(m, family, dto.justification, 'justification');
      const [agency] = await m.query<
        { name: string; status: Agency['status']; withdrawal_effective_at: Date | null; dea_s35_partner: boolean }[]
      >('SELECT name, status, withdrawal_effective_at, dea_s35_partner FROM agencies WHERE id = $1', [dto.agencyId]);
      if (!agency) throw notFound('Agency');
      if (!agencyCanShare({ status: agency.status, withdrawalEffectiveAt: agency.withdrawal_effective_at }, now)) {
        throw forbidden(
          'agency_not_signed',
          `${agency.name} is not a signatory of the agreement: nothing is shared with it.`,
        );
      }
      if (dto.basis === 'dea_s35' && !agency.dea_s35_partner) {
        throw conflict(
          'not_dea_s35_partner',
          `${agency.name} is not flagged as a Digital Economy Act 2017 s35 partner: that basis cannot be used with it.`,
          { agencyId: dto.agencyId },
        );
      }
      if (dto.approvedBy === auth.user.id) {
        throw badRequest('validation_failed', 'Someone else must approve sharing without consent.', {
          fields: { approvedBy: ['must be a manager other than you'] },
        });
      }
      const [approver] = await m.query<{ status: string; role: string; agency_id: string }[]>(
        'SELECT status, role, agency_id FROM users WHERE id = $1',
        [dto.approvedBy],
      );
      if (
        !approver ||
        approver.status !== 'active' ||
        approver.role === 'auditor' ||
        approver.agency_id !== auth.user.agencyId
      ) {
        throw badRequest('validation_failed', 'The approver must be an active manager of your own agency.', {
          fields: { approvedBy: ['must be an active person of your agency'] },
        });
      }
      const [{ id }] = await m.query<{ id: string }[]>(
        `INSERT INTO lawful_bases (family_id, agency_id, basis, justification_ciphertext, justification_epoch,
            approved_by, recorded_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
        [
          familyId,
          dto.agencyId,
          dto.basis,
          sealedBytes(dto.justification),
          dto.justification.epoch,
          dto.approvedBy,
          auth.user.id,
          now,
        ],
      );
      await this.recordDecision(m, {
        familyId,
        agencyId: dto.agencyId,
        what: 'lawful_basis_recorded',
        subjectUserId: null,
        basis: 'lawful_basis',
        lawfulBasisId: id,
        decidedBy: auth.user.id,
      });
      await this.audit.record(m, {
        actor: actorOf(auth),
        action: 'consent.lawful_basis_recorded',
        target: { type: 'family', id: familyId },
        details: { agencyId: dto.agencyId, basis: dto.basis, approvedBy: dto.approvedBy },
        meta: auth.meta,
      });
      await this.channels.markRotation(m, family.channel_id, 'sharing_changed');
    });
    return this.register(auth, familyId);
  }

  /** The whole register for a family: consent history, notices, lawful bases, who may share and why. */
  async register(auth: AuthContext, familyId: string) {
    const m = this.db.manager;
    const family = await this.families.readable(m, auth, familyId);
    const members = await this.families.members(m, familyId);
    const records = await m.query<
      {
        id: string;
        member_id: string;
        kind: string;
        status: string;
        given_by: string;
        method: string;
        decided_on: string;
        form_version: string;
        share_agency_ids: string[];
        competence_assessed_by: string | null;
        competence_assessed_on: string | null;
        competence_rationale_ciphertext: Buffer | null;
        competence_rationale_epoch: number | null;
        recorded_by: string;
        created_at: Date;
      }[]
    >(
      `SELECT c.id, c.member_id, c.kind, c.status, c.given_by, c.method, to_char(c.decided_on, 'YYYY-MM-DD') AS decided_on,
              c.form_version, c.share_agency_ids, c.competence_assessed_by,
              to_char(c.competence_assessed_on, 'YYYY-MM-DD') AS competence_assessed_on,
              c.competence_rationale_ciphertext, c.competence_rationale_epoch, c.recorded_by, c.created_at
         FROM consent_records c JOIN family_members fm ON fm.id = c.member_id
        WHERE fm.family_id = $1 ORDER BY c.seq`,
      [familyId],
    );
    const notices = await m.query<
      { member_id: string; agency_id: string; notice_version: string; given_on: string; given_by: string }[]
    >(
      `SELECT n.member_id, n.agency_id, n.notice_version, to_char(n.given_on, 'YYYY-MM-DD') AS given_on, n.given_by
         FROM fair_processing_notices n JOIN family_members fm ON fm.id = n.member_id
        WHERE fm.family_id = $1 ORDER BY n.created_at`,
      [familyId],
    );
    const bases = await m.query<
      {
        id: string;
        agency_id: string;
        basis: string;
        justification_ciphertext: Buffer;
        justification_epoch: number;
        approved_by: string;
        recorded_by: string;
        created_at: Date;
      }[]
    >('SELECT * FROM lawful_bases WHERE family_id = $1 AND ended_at IS NULL ORDER BY created_at', [familyId]);
    const decisions = await m.query<
      {
        agency_id: string;
        what: string;
        subject_user_id: string | null;
        outcome: string;
        basis: string;
        decided_by: string;
        decided_at: Date;
      }[]
    >(
      `SELECT agency_id, what, subject_user_id, outcome, basis, decided_by, decided_at
         FROM sharing_decisions WHERE family_id = $1 ORDER BY seq`,
      [familyId],
    );
    const s = await this.state(m, family);
    const agencies = await m.query<{ id: string; name: string }[]>('SELECT id, name FROM agencies ORDER BY name');
    const view = (r: (typeof records)[number]) => ({
      id: r.id,
      kind: r.kind,
      status: r.status,
      givenBy: r.given_by,
      method: r.method,
      decidedOn: r.decided_on,
      formVersion: r.form_version,
      agencyIds: r.share_agency_ids,
      competence: r.competence_assessed_by
        ? {
            assessedBy: r.competence_assessed_by,
            assessedOn: r.competence_assessed_on,
            rationale: sealedView(r.competence_rationale_ciphertext, r.competence_rationale_epoch),
          }
        : null,
      recordedBy: r.recorded_by,
      recordedAt: r.created_at,
    });
    return {
      familyId,
      familyRef: family.ref,
      members: members.map((fm) => {
        const mine = records.filter((r) => r.member_id === fm.id);
        const latest = (kind: string) => mine.filter((r) => r.kind === kind).at(-1);
        const rec = latest('record');
        const share = latest('share');
        return {
          memberId: fm.id,
          memberRef: fm.ref,
          role: fm.role,
          consentToRecord: rec ? view(rec) : null,
          consentToShare: share ? view(share) : null,
          history: mine.map(view),
          noticesGiven: notices
            .filter((n) => n.member_id === fm.id)
            .map((n) => ({
              agencyId: n.agency_id,
              noticeVersion: n.notice_version,
              givenOn: n.given_on,
              givenBy: n.given_by,
            })),
        };
      }),
      lawfulBases: bases.map((b) => ({
        id: b.id,
        agencyId: b.agency_id,
        basis: b.basis,
        justification: sealedView(b.justification_ciphertext, b.justification_epoch),
        approvedBy: b.approved_by,
        recordedBy: b.recorded_by,
        recordedAt: b.created_at,
      })),
      sharing: {
        leadAgencyId: family.lead_agency_id,
        restriction: this.restrictionOf(s),
        agencies: agencies.flatMap((a) => {
          const basis = this.basisFor(s, a.id);
          return basis ? [{ agencyId: a.id, agencyName: a.name, basis }] : [];
        }),
      },
      decisions: decisions.map((d) => ({
        agencyId: d.agency_id,
        what: d.what,
        subjectUserId: d.subject_user_id,
        outcome: d.outcome,
        basis: d.basis,
        decidedBy: d.decided_by,
        decidedAt: d.decided_at,
      })),
    };
  }
}
