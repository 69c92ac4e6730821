import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { SharingRestrictionView } from '../../contracts/consent.js';
import { ChannelsService } from '../channels/channels.service.js';
import type { SharingPolicy } from '../channels/sharing-policy.js';
import type { AppError } from '../common/app-error.js';
import { Clock } from '../common/clock.js';
import { FamiliesService, type FamilyRecord } from '../families/families.service.js';
import { ConsentRepository, type SharingDecision } from './consent.repository.js';
import { basisFor, restrictionOf, sharingRefusal, type SharingState } from './sharing.rules.js';
import { RetentionSchedulesService } from '../retention-schedules/retention-schedules.service.js';

/**
 * The rule the consent register drives (sharing.rules.ts), enforced on family channels: who can be
 * added, who can post new content, who gets the next key. Every decision to add someone is recorded in
 * `sharing_decisions`, refusals included.
 */
@Injectable()
export class ConsentSharingPolicy implements SharingPolicy, OnModuleInit {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly families: FamiliesService,
    private readonly repo: ConsentRepository,
    private readonly channels: ChannelsService,
    private readonly retention: RetentionSchedulesService,
  ) {}

  onModuleInit(): void {
    this.channels.useSharingPolicy(this);
  }

  /** The family's register as the rule reads it: each member's latest consent to share, the lawful bases. */
  async state(m: EntityManager, family: FamilyRecord): Promise<SharingState> {
    const members = await this.families.members(m, family.id);
    const latest = await this.repo.latestShareConsents(
      m,
      members.map((x) => x.id),
    );
    const share = new Map(latest.map((c) => [c.member_id, { status: c.status, agencyIds: c.share_agency_ids }]));
    const lawful = await this.repo.activeLawfulBases(m, family.id);
    return {
      familyRef: family.ref,
      leadAgencyId: family.lead_agency_id,
      members: members.map((x) => ({ ref: x.ref, share: share.get(x.id) ?? null })),
      lawful: new Map(lawful.map((l) => [l.agency_id, l.id])),
    };
  }

  // ── SharingPolicy (family channels) ─────────────────────────────────────────────────────────────

  async refusals(m: EntityManager, channelId: string, agencyIds: string[]): Promise<Map<string, AppError>> {
    const out = new Map<string, AppError>();
    if (!agencyIds.length) return out;
    const family = await this.families.forChannel(m, channelId);
    if (!family) return out;
    const s = await this.state(m, family);
    for (const a of agencyIds) if (!basisFor(s, a)) out.set(a, sharingRefusal(s, a));
    return out;
  }

  async admit(
    m: EntityManager,
    input: { channelId: string; userId: string; agencyId: string; decidedBy: string },
  ): Promise<AppError | null> {
    const family = await this.families.forChannel(m, input.channelId);
    if (!family) return null;
    const s = await this.state(m, family);
    const basis = basisFor(s, input.agencyId);
    const decision = {
      familyId: family.id,
      agencyId: input.agencyId,
      what: 'channel_member_added' as const,
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
    return sharingRefusal(s, input.agencyId);
  }

  async restriction(m: EntityManager, channelId: string): Promise<SharingRestrictionView | null> {
    const family = await this.families.forChannel(m, channelId);
    return family ? restrictionOf(await this.state(m, family)) : null;
  }

  // ── information requests about a family (src/information-requests) ─────────────────────────────

  /**
   * Asking `agencyId` about the family shares the question, which names the family's people, with that
   * agency: it needs the basis the register gives the agency now, as a person of it joining the family's
   * channel would. Recorded either way (a refusal is kept even though the caller's transaction rolls
   * back). Returns the refusal, or null.
   */
  async decideInformationRequest(
    m: EntityManager,
    input: { familyId: string; agencyId: string; requestId: string; decidedBy: string },
  ): Promise<AppError | null> {
    const family = await this.families.get(m, input.familyId);
    const s = await this.state(m, family);
    const basis = basisFor(s, input.agencyId);
    const decision = {
      familyId: family.id,
      agencyId: input.agencyId,
      what: 'information_requested' as const,
      subjectUserId: null,
      basis,
      lawfulBasisId: basis === 'lawful_basis' ? (s.lawful.get(input.agencyId) ?? null) : null,
      decidedBy: input.decidedBy,
      informationRequestId: input.requestId,
    };
    if (basis) {
      await this.recordDecision(m, decision);
      return null;
    }
    // The request is refused and the caller's transaction rolls back; the decision stays, in its own.
    await this.recordDecision(this.db.manager, { ...decision, informationRequestId: null });
    return sharingRefusal(s, input.agencyId);
  }

  /**
   * What became of an information request about the family, as a decision on sharing with the agency
   * asked: it provided what it holds (shared with the requester, the lead worker, so on the lead agency's
   * basis), declined (refused, with the explanation the requester reads), or the requester withdrew it.
   */
  async recordInformationRequestOutcome(
    m: EntityManager,
    input: {
      familyId: string;
      agencyId: string;
      requestId: string;
      decidedBy: string;
      what: 'information_provided' | 'information_declined' | 'information_request_withdrawn';
    },
  ): Promise<void> {
    await this.recordDecision(m, {
      familyId: input.familyId,
      agencyId: input.agencyId,
      what: input.what,
      subjectUserId: null,
      basis: input.what === 'information_provided' ? 'lead_agency' : null,
      lawfulBasisId: null,
      decidedBy: input.decidedBy,
      informationRequestId: input.requestId,
      ...(input.what === 'information_request_withdrawn' ? { outcome: 'withdrawn' as const } : {}),
    });
  }

  /** One row of `sharing_decisions`, decided now: shared on `basis`, or refused when there is none. */
  async recordDecision(m: EntityManager, d: Omit<SharingDecision, 'decidedAt'>): Promise<void> {
    const decidedAt = this.clock.now();
    const id = await this.repo.insertDecision(m, { ...d, decidedAt });
    // A family's decision is a consent record, kept for the owning agency's period; a referral's goes with it.
    if (d.familyId) {
      const family = await this.families.get(m, d.familyId);
      await this.retention.fixAtCreation(m, 'consent_records', id, family.owning_agency_id, decidedAt);
    }
  }
}
