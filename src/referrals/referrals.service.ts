import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type {
  DecideReferralInput,
  ListReferralsQuery,
  RateReferralInput,
  ReferralAnswer,
  ReferralQueueView,
  ReferralReceipt,
  ReferralSettingsView,
  ReferralView,
  ShareReferralInput,
  StartReferralInput,
  SubmitReferralInput,
} from '../../contracts/referrals.js';
import { AgenciesRepository } from '../agencies/agencies.repository.js';
import { agencyCanShare } from '../agencies/agency-rules.js';
import type { Agency } from '../agencies/entities/agency.entity.js';
import { AuditService } from '../audit/audit.service.js';
import { ChannelsService } from '../channels/channels.service.js';
import { AppError, badRequest, conflict, forbidden, notFound } from '../common/app-error.js';
import { Clock } from '../common/clock.js';
import { RetentionSchedulesService } from '../retention-schedules/retention-schedules.service.js';
import { DomainEvents } from '../common/domain-events.js';
import { APP_CONFIG, type AppConfig } from '../config/config.schema.js';
import { FamiliesService } from '../families/families.service.js';
import { actorOf, type AuthContext } from '../identity/auth-context.js';
import { UsersRepository } from '../identity/users.repository.js';
import { Notifier } from '../notifications/notifier.js';
import {
  deadlineFor,
  PROVISIONAL_RAG,
  REFERRAL_REF,
  referralRef,
  transitionRefusal,
  type DeadlineHours,
  type ReferralAct,
} from './referral-rules.js';
import { ReferralsRepository, toReceipt, toReferralView, type ReferralRow } from './referrals.repository.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The MASH hub's front door (ISA 3.3.13). A practitioner starts a referral (its channel is made with
 * the hub's workers in it, so the referrer's client can seal to them), then submits it: it gets its
 * reference number and is acknowledged at once. The hub claims it (the referrer leaves its channel:
 * from then on they see only the receipt), rates it against deadlines from receipt, shares it with
 * partners on a recorded basis, decides and closes it; each step lands on the referral's timeline and
 * in the audit log.
 */
@Injectable()
export class ReferralsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly repo: ReferralsRepository,
    private readonly agencies: AgenciesRepository,
    private readonly users: UsersRepository,
    private readonly channels: ChannelsService,
    private readonly families: FamiliesService,
    private readonly audit: AuditService,
    private readonly events: DomainEvents,
    private readonly notifier: Notifier,
    private readonly retention: RetentionSchedulesService,
  ) {}

  get deadlineHours(): DeadlineHours {
    return {
      red: this.config.REFERRAL_DEADLINE_HOURS_RED,
      amber: this.config.REFERRAL_DEADLINE_HOURS_AMBER,
      green: this.config.REFERRAL_DEADLINE_HOURS_GREEN,
    };
  }

  async settings(): Promise<ReferralSettingsView> {
    const hub = await this.agencies.mashHub(this.db.manager);
    return {
      hubAgencyId: hub?.id ?? null,
      hubAgencyName: hub?.name ?? null,
      categories: this.config.REFERRAL_CONCERN_CATEGORIES,
      deadlineHours: this.deadlineHours,
    };
  }

  // ── the referrer ──────────────────────────────────────────────────────────────────────────────────

  /** A draft referral and its channel (the caller and the hub's workers): the client seals into it next. */
  async start(auth: AuthContext, dto: StartReferralInput): Promise<ReferralView> {
    if (auth.user.role === 'auditor' || auth.user.role === 'isa_admin') {
      throw forbidden('role_not_allowed', 'Referrals come from practitioners and hub staff of partner agencies.');
    }
    const now = this.clock.now();
    const joined = await this.db.transaction(async (m) => {
      const hub = await this.openHub(m);
      const hubUsers = await this.users.activeIdsWithRole(m, hub.id, ['mash_worker']);
      if (!hubUsers.length) {
        throw conflict(
          'no_mash_hub',
          'The MASH hub has nobody to receive referrals yet: ask the hub to add its staff.',
        );
      }
      const channel = await this.channels.createReferralChannel(m, auth, hubUsers);
      await this.repo.insertDraft(m, {
        id: dto.id,
        channelId: channel.channelId,
        hubAgencyId: hub.id,
        referrerUserId: auth.user.id,
        referrerAgencyId: auth.user.agencyId,
        createdAt: now,
      });
      // The hub keeps the referral record: its period comes from the hub's schedule.
      await this.retention.fixAtCreation(m, 'referrals', dto.id, hub.id, now);
      await this.audit.record(m, {
        actor: actorOf(auth),
        action: 'referral.started',
        target: { type: 'referral', id: dto.id },
        details: { channelId: channel.channelId, hubAgencyId: hub.id },
        meta: auth.meta,
      });
      return channel.joined;
    });
    joined();
    return this.fullView(this.db.manager, (await this.repo.find(this.db.manager, dto.id))!);
  }

  /**
   * Submits a draft: a reference number (gapless per year) and the acknowledgement, at once. A retry of
   * the same submission (its acknowledgement lost) answers the same receipt.
   */
  async submit(auth: AuthContext, idOrRef: string, dto: SubmitReferralInput): Promise<ReferralReceipt> {
    const unknown = dto.categories.filter((c) => !this.config.REFERRAL_CONCERN_CATEGORIES.includes(c));
    if (unknown.length) {
      throw badRequest(
        'concern_category',
        `The hub does not use ${unknown.length === 1 ? 'the concern category' : 'these concern categories'}: ${unknown.join(', ')}.`,
        {
          unknown,
          categories: this.config.REFERRAL_CONCERN_CATEGORIES,
          fields: { categories: [`must be concern categories the hub uses, not ${unknown.join(', ')}`] },
        },
      );
    }
    if (!dto.subjects.some((s) => s.role === 'child')) {
      throw badRequest('validation_failed', 'Name at least one child the concern is about.', {
        fields: { subjects: ['must include a child'] },
      });
    }
    const now = this.clock.now();
    const receipt = await this.db.transaction(async (m) => {
      const r = await this.lockReferral(m, idOrRef);
      if (r.referrer_user_id !== auth.user.id) {
        throw forbidden('not_the_referrer', 'Only the person who started this referral can submit it.');
      }
      if (r.state !== 'draft') {
        if (r.content && Buffer.from(dto.content.ciphertext, 'base64url').equals(r.content)) return toReceipt(r);
        throw conflict('referral_state', `This referral was already submitted as ${r.ref}.`, { ref: r.ref });
      }
      await this.channels.assertSealedEpoch(m, r.channel_id, dto.content.epoch, 'referral');
      for (const [i, s] of dto.subjects.entries()) {
        await this.channels.assertSealedEpoch(m, r.channel_id, s.details.epoch, `subjects.${i}.details`);
      }
      const year = now.getUTCFullYear();
      const ref = referralRef(year, await this.repo.nextRefNumber(m, year));
      await this.repo.submit(m, r.id, {
        ref,
        categories: dto.categories,
        urgency: dto.urgency,
        familyConsent: dto.familyConsent,
        content: dto.content,
        receivedAt: now,
        deadlineAt: deadlineFor(now, PROVISIONAL_RAG[dto.urgency], this.deadlineHours),
      });
      await this.repo.insertSubjects(m, r.id, dto.subjects);
      await this.repo.addEvent(m, r.id, {
        kind: 'submitted',
        actorUserId: auth.user.id,
        at: now,
        details: { ref, urgency: dto.urgency, categories: dto.categories },
      });
      await this.audit.record(m, {
        actor: actorOf(auth),
        action: 'referral.submitted',
        target: { type: 'referral', id: r.id },
        details: { ref, urgency: dto.urgency, familyConsent: dto.familyConsent, subjects: dto.subjects.length },
        meta: auth.meta,
      });
      const submitted = (await this.repo.find(m, r.id))!;
      this.announce(m, submitted);
      return toReceipt(submitted);
    });
    return receipt;
  }

  // ── the hub ───────────────────────────────────────────────────────────────────────────────────────

  /**
   * A hub worker takes the referral on (or over). The referrer leaves its channel: what the hub and
   * partners write from now on is sealed under keys their devices never get.
   */
  async claim(auth: AuthContext, idOrRef: string): Promise<ReferralView> {
    const id = await this.change(auth, idOrRef, 'claim', async (m, r, now) => {
      await this.ensureHubMember(m, auth, r);
      if (r.referrer_user_id !== auth.user.id) {
        await this.channels.removeInTransaction(m, auth, r.channel_id, r.referrer_user_id, 'referral_screening');
      }
      await this.repo.claim(m, r.id, auth.user.id, now, r.state === 'received' ? 'screening' : r.state);
      await this.repo.addEvent(m, r.id, {
        kind: 'claimed',
        actorUserId: auth.user.id,
        at: now,
        details: { assignedTo: auth.user.id, from: r.assigned_to },
      });
      await this.record(m, auth, r, 'referral.claimed', { assignedTo: auth.user.id, from: r.assigned_to });
    });
    return this.hubView(id);
  }

  /** A RAG rating with its sealed rationale; a re-rating is kept beside the first and moves the deadline. */
  async rate(auth: AuthContext, idOrRef: string, dto: RateReferralInput): Promise<ReferralView> {
    const id = await this.change(auth, idOrRef, 'rate', async (m, r, now) => {
      await this.channels.assertSealedEpoch(m, r.channel_id, dto.rationale.epoch, 'rationale');
      const deadlineAt = deadlineFor(r.received_at!, dto.rag, this.deadlineHours);
      await this.repo.rate(m, r.id, {
        id: dto.id,
        rag: dto.rag,
        rationale: dto.rationale,
        ratedBy: auth.user.id,
        ratedAt: now,
        deadlineAt,
      });
      const details = { rag: dto.rag, from: r.rag, deadlineAt: deadlineAt.toISOString() };
      await this.repo.addEvent(m, r.id, { kind: 'rated', actorUserId: auth.user.id, at: now, details });
      await this.record(m, auth, r, 'referral.rated', details);
    });
    return this.hubView(id);
  }

  /**
   * Brings a partner practitioner into the referral, on the family's consent (when the referrer recorded
   * it) or a lawful basis with a sealed justification. Their agency's admission goes through the sharing
   * policy (recorded as a sharing decision either way); they read the referral record from then on.
   */
  async share(auth: AuthContext, idOrRef: string, dto: ShareReferralInput): Promise<ReferralView> {
    const id = await this.change(auth, idOrRef, 'share', async (m, r, now) => {
      const partner = await this.users.standing(m, dto.userId);
      if (!partner) throw notFound('User');
      if (dto.basis === 'consent' && r.family_consent !== 'given') {
        throw conflict(
          'no_consent_to_share',
          'The family has not agreed to this referral being shared: share it on a lawful basis and say why.',
          { familyConsent: r.family_consent },
        );
      }
      if (dto.lawfulBasis === 'dea_s35') {
        const agency = await this.agencies.agency(m, partner.agencyId);
        if (!agency?.deaS35Partner) {
          throw conflict(
            'no_consent_to_share',
            'The Digital Economy Act s35 basis is only for agencies registered as s35 partners.',
          );
        }
      }
      if (dto.justification) {
        await this.channels.assertSealedEpoch(m, r.channel_id, dto.justification.epoch, 'justification');
      }
      await this.ensureHubMember(m, auth, r);
      await this.repo.insertShare(m, r.id, {
        id: dto.id,
        userId: dto.userId,
        agencyId: partner.agencyId,
        basis: dto.basis,
        lawfulBasis: dto.lawfulBasis ?? null,
        justification: dto.justification ?? null,
        sharedBy: auth.user.id,
        sharedAt: now,
      });
      const channel = await this.channels.lock(m, r.channel_id);
      await this.channels.admitMember(m, auth, channel, { userId: dto.userId, role: 'member' });
      if (r.state === 'screening') await this.repo.setState(m, r.id, 'information_gathering');
      const details = {
        userId: dto.userId,
        agencyId: partner.agencyId,
        basis: dto.basis,
        lawfulBasis: dto.lawfulBasis ?? null,
      };
      await this.repo.addEvent(m, r.id, { kind: 'shared', actorUserId: auth.user.id, at: now, details });
      await this.record(m, auth, r, 'referral.shared', details);
    });
    return this.hubView(id);
  }

  /** The hub's decision with a sealed rationale; early help links a family or opens one with its lead worker. */
  async decide(auth: AuthContext, idOrRef: string, dto: DecideReferralInput): Promise<ReferralView> {
    const joinedLater: (() => void)[] = [];
    const id = await this.change(auth, idOrRef, 'decide', async (m, r, now) => {
      if (!r.rag) {
        throw conflict('not_screened', 'Rate this referral red, amber or green before deciding on it.');
      }
      await this.channels.assertSealedEpoch(m, r.channel_id, dto.rationale.epoch, 'rationale');
      let familyId: string | null = null;
      let familyRef: string | null = null;
      if (dto.familyId) {
        const family = await this.families.get(m, dto.familyId);
        familyId = family.id;
        familyRef = family.ref;
      } else if (dto.leadWorkerId) {
        const opened = await this.families.openFor(m, auth, dto.leadWorkerId, { referralId: r.id });
        familyId = opened.familyId;
        familyRef = opened.ref;
        joinedLater.push(opened.joined);
      }
      await this.repo.decide(m, r.id, {
        decision: dto.decision,
        rationale: dto.rationale,
        decidedBy: auth.user.id,
        decidedAt: now,
        familyId,
      });
      const details = { decision: dto.decision, familyId, familyRef, leadWorkerId: dto.leadWorkerId ?? null };
      await this.repo.addEvent(m, r.id, { kind: 'decided', actorUserId: auth.user.id, at: now, details });
      await this.record(m, auth, r, 'referral.decided', details);
    });
    for (const j of joinedLater) j();
    return this.hubView(id);
  }

  async close(auth: AuthContext, idOrRef: string): Promise<ReferralView> {
    const id = await this.change(auth, idOrRef, 'close', async (m, r, now) => {
      await this.repo.close(m, r.id, auth.user.id, now);
      await this.retention.anchorClosure(m, 'referrals', r.id, now);
      await this.repo.addEvent(m, r.id, { kind: 'closed', actorUserId: auth.user.id, at: now });
      await this.record(m, auth, r, 'referral.closed', {});
    });
    return this.hubView(id);
  }

  /** The hub's open referrals, overdue first, then by deadline, with counts by rating and by state. */
  async queue(auth: AuthContext): Promise<ReferralQueueView> {
    const m = this.db.manager;
    const hub = await this.agencies.mashHub(m);
    if (!hub || !this.isHubWorker(auth, hub.id)) {
      throw forbidden('hub_only', 'Only the MASH hub’s staff see its queue.');
    }
    const entries = await this.repo.queue(m, hub.id, this.clock.now());
    const byRag = { red: 0, amber: 0, green: 0, unrated: 0 };
    const byState = { received: 0, screening: 0, information_gathering: 0 };
    for (const e of entries) {
      byRag[e.rag ?? 'unrated']++;
      byState[e.state]++;
    }
    return { entries, byRag, byState, overdue: entries.filter((e) => e.overdue).length };
  }

  // ── reading ───────────────────────────────────────────────────────────────────────────────────────

  /**
   * The full referral to its channel's members and the hub's staff; the receipt to the referrer once they
   * have left the channel; nothing (404) to anyone else, who should not learn that it exists.
   */
  async show(auth: AuthContext, idOrRef: string): Promise<ReferralAnswer> {
    const m = this.db.manager;
    const r = await this.referral(m, idOrRef);
    if (this.isHubWorker(auth, r.hub_agency_id) || (await this.isLiveMember(m, r.channel_id, auth.user.id))) {
      return { view: 'full', ...(await this.fullView(m, r)) };
    }
    if (r.referrer_user_id === auth.user.id) return { view: 'receipt', ...toReceipt(r) };
    throw notFound('Referral');
  }

  async list(auth: AuthContext, q: ListReferralsQuery): Promise<ReferralReceipt[]> {
    const m = this.db.manager;
    if (q.box === 'hub') {
      const hub = await this.agencies.mashHub(m);
      if (!hub || !this.isHubWorker(auth, hub.id))
        throw forbidden('hub_only', 'Only the MASH hub’s staff see every referral.');
      return (await this.repo.ofHub(m, hub.id, q.state)).map(toReceipt);
    }
    const rows =
      q.box === 'shared'
        ? await this.repo.sharedWith(m, auth.user.id, q.state)
        : await this.repo.byReferrer(m, auth.user.id, q.state);
    return rows.map(toReceipt);
  }

  // ── helpers ───────────────────────────────────────────────────────────────────────────────────────

  /** One change by a hub worker, in one transaction on the locked referral; answers the referral's id. */
  private async change(
    auth: AuthContext,
    idOrRef: string,
    act: ReferralAct,
    apply: (m: EntityManager, r: ReferralRow, now: Date) => Promise<void>,
  ): Promise<string> {
    return this.db.transaction(async (m) => {
      const r = await this.lockReferral(m, idOrRef);
      this.assertHubWorker(auth, r);
      const refusal = transitionRefusal(act, r.state);
      if (refusal) throw conflict('referral_state', refusal, { state: r.state });
      await apply(m, r, this.clock.now());
      this.announce(m, (await this.repo.find(m, r.id))!);
      return r.id;
    });
  }

  /** After the commit: the referral's channel, the hub's workers and the referrer hear that it changed. */
  private announce(m: EntityManager, r: ReferralRow): void {
    this.events.afterCommit(m, () => {
      const payload = { referralId: r.id, ref: r.ref, state: r.state };
      this.notifier.toChannel(r.channel_id, 'referral.updated', payload);
      this.notifier.toUser(r.referrer_user_id, 'referral.updated', payload);
    });
  }

  private async record(
    m: EntityManager,
    auth: AuthContext,
    r: ReferralRow,
    action: string,
    details: Record<string, unknown>,
  ): Promise<void> {
    await this.audit.record(m, {
      actor: actorOf(auth),
      action,
      target: { type: 'referral', id: r.id },
      details: { ref: r.ref, ...details },
      meta: auth.meta,
    });
  }

  /** The hub agency, which must be party to the ISA to take referrals. */
  private async openHub(m: EntityManager): Promise<Agency> {
    const hub = await this.agencies.mashHub(m);
    if (!hub) throw conflict('no_mash_hub', 'No agency is set up as the MASH hub yet, so referrals cannot be made.');
    if (!agencyCanShare(hub, this.clock.now())) {
      throw conflict(
        'no_mash_hub',
        'The MASH hub is not party to the agreement at the moment, so it cannot take referrals.',
      );
    }
    return hub;
  }

  private isHubWorker(auth: AuthContext, hubAgencyId: string): boolean {
    return auth.user.role === 'mash_worker' && auth.user.agencyId === hubAgencyId;
  }

  private assertHubWorker(auth: AuthContext, r: ReferralRow): void {
    if (!this.isHubWorker(auth, r.hub_agency_id)) {
      throw forbidden('hub_only', 'Only the MASH hub’s staff can do this.');
    }
  }

  /** A hub worker who joined the hub after the referral came in is brought into its channel when they act. */
  private async ensureHubMember(m: EntityManager, auth: AuthContext, r: ReferralRow): Promise<void> {
    if (await this.channels.isMember(m, r.channel_id, auth.user.id)) return;
    const channel = await this.channels.lock(m, r.channel_id);
    await this.channels.admitMember(m, auth, channel, { userId: auth.user.id, role: 'chair' });
  }

  private async isLiveMember(m: EntityManager, channelId: string, userId: string): Promise<boolean> {
    try {
      await this.channels.membership(m, channelId, userId);
      return true;
    } catch (err) {
      if (err instanceof AppError) return false;
      throw err;
    }
  }

  private async referralId(m: EntityManager, idOrRef: string): Promise<string> {
    if (UUID.test(idOrRef)) return idOrRef.toLowerCase();
    if (REFERRAL_REF.test(idOrRef)) {
      const id = await this.repo.idByRef(m, idOrRef);
      if (id) return id;
    }
    throw notFound('Referral');
  }

  private async referral(m: EntityManager, idOrRef: string): Promise<ReferralRow> {
    const r = await this.repo.find(m, await this.referralId(m, idOrRef));
    if (!r) throw notFound('Referral');
    return r;
  }

  private async lockReferral(m: EntityManager, idOrRef: string): Promise<ReferralRow> {
    const r = await this.repo.find(m, await this.referralId(m, idOrRef), true);
    if (!r) throw notFound('Referral');
    return r;
  }

  private async fullView(m: EntityManager, r: ReferralRow): Promise<ReferralView> {
    return toReferralView(r, await this.repo.parts(m, r.id), this.clock.now());
  }

  private async hubView(id: string): Promise<ReferralView> {
    const m = this.db.manager;
    return this.fullView(m, await this.referral(m, id));
  }
}
