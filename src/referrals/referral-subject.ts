import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { conflict, notFound, type AppError } from '../common/app-error.js';
import { Clock } from '../common/clock.js';
import { DomainEvents } from '../common/domain-events.js';
import { ConsentSharingPolicy } from '../consent/sharing-policy.service.js';
import type { AuthContext } from '../identity/auth-context.js';
import { UsersRepository } from '../identity/users.repository.js';
import {
  InformationRequestSubjects,
  type InformationRequestSubjectProvider,
  type RequestOutcome,
  type SubjectOf,
  type SubjectViewOf,
} from '../information-requests/information-request-subjects.js';
import { Notifier } from '../notifications/notifier.js';
import { STATE_WORDS } from './referral-rules.js';
import { ReferralsRepository } from './referrals.repository.js';

const DECISION_OF: Record<
  RequestOutcome,
  'information_provided' | 'information_declined' | 'information_request_withdrawn'
> = {
  provided: 'information_provided',
  declined: 'information_declined',
  withdrawn: 'information_request_withdrawn',
};

/**
 * Information requests about a referral (ISA 3.3.13: the hub gathers what partners hold). Only the hub's
 * staff ask, while the referral is being screened or gathering information; the whole hub team is on the
 * asking side. Asking tells the agency asked about the referral: on the family's consent when the
 * referrer recorded it, otherwise on the hub's safeguarding duty (its lawful basis for screening a
 * concern without consent). Either way a sharing decision about the referral is recorded, as is what
 * became of the request. The first request moves a referral being screened to `information_gathering`,
 * on its timeline.
 */
@Injectable()
export class ReferralSubject implements InformationRequestSubjectProvider<'referral'>, OnModuleInit {
  readonly kind = 'referral' as const;

  constructor(
    private readonly subjects: InformationRequestSubjects,
    private readonly repo: ReferralsRepository,
    private readonly users: UsersRepository,
    private readonly sharing: ConsentSharingPolicy,
    private readonly clock: Clock,
    private readonly events: DomainEvents,
    private readonly notifier: Notifier,
  ) {}

  onModuleInit(): void {
    this.subjects.register(this);
  }

  idOf(subject: SubjectOf<'referral'>): string {
    return subject.referralId;
  }

  async askers(m: EntityManager, auth: AuthContext, subject: SubjectOf<'referral'>): Promise<string[]> {
    const r = await this.repo.find(m, subject.referralId, true);
    // Someone outside the hub may not learn that a referral exists.
    if (!r || auth.user.role !== 'mash_worker' || auth.user.agencyId !== r.hub_agency_id) throw notFound('Referral');
    if (r.state !== 'screening' && r.state !== 'information_gathering') {
      throw conflict(
        'referral_state',
        `This referral is ${STATE_WORDS[r.state]}: the hub asks partners for information while it screens a referral it has taken on.`,
        { state: r.state },
      );
    }
    const hub = await this.users.activeIdsWithRole(m, r.hub_agency_id, ['mash_worker']);
    return hub.filter((id) => id !== auth.user.id);
  }

  async decideAsk(
    m: EntityManager,
    input: { requestId: string; subjectId: string; toAgencyId: string; decidedBy: string },
  ): Promise<AppError | null> {
    const r = (await this.repo.find(m, input.subjectId, true))!;
    await this.sharing.recordDecision(m, {
      familyId: null,
      referralId: r.id,
      agencyId: input.toAgencyId,
      what: 'information_requested',
      subjectUserId: null,
      basis: r.family_consent === 'given' ? 'consent' : 'lawful_basis',
      lawfulBasisId: null,
      decidedBy: input.decidedBy,
      informationRequestId: input.requestId,
    });
    const now = this.clock.now();
    if (r.state === 'screening') await this.repo.setState(m, r.id, 'information_gathering');
    await this.repo.addEvent(m, r.id, {
      kind: 'information_requested',
      actorUserId: input.decidedBy,
      at: now,
      details: { requestId: input.requestId, agencyId: input.toAgencyId },
    });
    this.events.afterCommit(m, () => {
      const payload = {
        referralId: r.id,
        ref: r.ref,
        state: r.state === 'screening' ? 'information_gathering' : r.state,
      };
      this.notifier.toChannel(r.channel_id, 'referral.updated', payload);
    });
    return null;
  }

  recordOutcome(
    m: EntityManager,
    input: { requestId: string; subjectId: string; toAgencyId: string; decidedBy: string; outcome: RequestOutcome },
  ): Promise<void> {
    return this.sharing.recordDecision(m, {
      familyId: null,
      referralId: input.subjectId,
      agencyId: input.toAgencyId,
      what: DECISION_OF[input.outcome],
      subjectUserId: null,
      // Provided: shared with the hub, which screens the referral on its safeguarding duty.
      basis: input.outcome === 'provided' ? 'lawful_basis' : null,
      lawfulBasisId: null,
      decidedBy: input.decidedBy,
      informationRequestId: input.requestId,
      ...(input.outcome === 'withdrawn' ? { outcome: 'withdrawn' as const } : {}),
    });
  }

  async view(m: EntityManager, subjectId: string): Promise<SubjectViewOf<'referral'>> {
    const r = await this.repo.find(m, subjectId);
    if (!r) throw notFound('Referral');
    return { kind: 'referral', referralId: r.id, reference: r.ref ?? '(draft)' };
  }
}
