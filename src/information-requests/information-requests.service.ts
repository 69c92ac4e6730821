import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type {
  AssignInformationRequestInput,
  CreateInformationRequestInput,
  DeclineInformationInput,
  InformationRequestAction,
  InformationRequestPart,
  InformationRequestView,
  ProvideInformationInput,
} from '../../contracts/information-requests.js';
import { agencyCanShare } from '../agencies/agency-rules.js';
import { AgenciesRepository } from '../agencies/agencies.repository.js';
import { AuditService } from '../audit/audit.service.js';
import { ChannelsRepository } from '../channels/channels.repository.js';
import { ChannelsService } from '../channels/channels.service.js';
import { badRequest, conflict, forbidden, notFound } from '../common/app-error.js';
import { Clock } from '../common/clock.js';
import { RetentionSchedulesService } from '../retention-schedules/retention-schedules.service.js';
import { DomainEvents } from '../common/domain-events.js';
import { actorOf, type AuthContext } from '../identity/auth-context.js';
import { UsersRepository } from '../identity/users.repository.js';
import { Notifier } from '../notifications/notifier.js';
import { declineRefusal, stateRefusal, TRANSITIONS, WHO_MAY } from './information-request-rules.js';
import { InformationRequestSubjects, type RequestOutcome } from './information-request-subjects.js';
import { InformationRequestViews } from './information-request-views.service.js';
import {
  InformationRequestsRepository,
  type InformationRequestRow,
  type RequestChange,
} from './information-requests.repository.js';

/** Who may be assigned to answer: people who work with cases, not the ISA team or an auditor. */
const ASSIGNABLE_ROLES = new Set(['practitioner', 'agency_admin', 'mash_worker']);

/**
 * Information requests between agencies (ISA 3.3.9, 3.3.10): asking, accepting, assigning, answering
 * (provided, or declined with a written explanation), withdrawing and closing, one transaction each with
 * its audit record and, for the request, each answer and a withdrawal, a sharing decision in the
 * subject's register. Transitions name the states they may start from, so a stale one (an answer to a
 * withdrawn request) is `409 invalid_status` and changes nothing.
 */
@Injectable()
export class InformationRequestsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly repo: InformationRequestsRepository,
    private readonly views: InformationRequestViews,
    private readonly subjects: InformationRequestSubjects,
    private readonly channels: ChannelsService,
    private readonly channelMembers: ChannelsRepository,
    private readonly users: UsersRepository,
    private readonly agencies: AgenciesRepository,
    private readonly audit: AuditService,
    private readonly events: DomainEvents,
    private readonly notifier: Notifier,
    private readonly retention: RetentionSchedulesService,
  ) {}

  /**
   * Asks `toAgencyId` about the subject. The caller made the request's conversation (an
   * `information_request` channel with only them in it) and sealed the question under its current key; the
   * agency's active admins join it now (the asking client then shares the question's key with them).
   */
  async create(auth: AuthContext, dto: CreateInformationRequestInput): Promise<InformationRequestView> {
    const now = this.clock.now();
    if (dto.toAgencyId === auth.user.agencyId) {
      throw badRequest('validation_failed', 'Ask another agency: your own agency’s records are yours to look at.', {
        fields: { toAgencyId: ['must be another agency'] },
      });
    }
    const dueAt = new Date(dto.dueAt);
    if (dueAt <= now) {
      throw badRequest('validation_failed', 'The time the answer is due by has passed: give one in the future.', {
        fields: { dueAt: ['must be in the future'] },
      });
    }
    const subject = this.subjects.of(dto.subject.kind);
    await this.db.transaction(async (m) => {
      const askers = await subject.askers(m, auth, dto.subject);
      const agency = await this.agencies.agency(m, dto.toAgencyId);
      if (!agency) throw notFound('Agency');
      if (!agencyCanShare(agency, now)) {
        throw forbidden('agency_not_signed', `${agency.name} is not party to the agreement now: it cannot be asked.`);
      }
      const admins = await this.users.activeIdsWithRole(m, agency.id, ['agency_admin']);
      if (!admins.length) {
        throw conflict(
          'no_agency_admin',
          `${agency.name} has no active agency admin to answer requests: ask the ISA team to set one up.`,
        );
      }
      const channel = await this.channels.lock(m, dto.channelId);
      if (channel.kind !== 'information_request') {
        throw conflict(
          'wrong_channel_kind',
          'An information request needs a conversation of its own, made for it (kind information_request).',
        );
      }
      const members = await this.channelMembers.memberIds(m, channel.id);
      if (channel.createdBy !== auth.user.id || members.length !== 1 || members[0] !== auth.user.id) {
        throw conflict(
          'request_channel',
          'Use a new conversation you made for this request, with no one else in it yet.',
        );
      }
      if (await this.repo.channelTaken(m, channel.id)) {
        throw conflict('request_channel', 'That conversation already belongs to another request: make a new one.');
      }
      await this.channels.assertSealedEpoch(m, channel.id, dto.question.epoch, 'question');
      const subjectId = subject.idOf(dto.subject);
      await this.repo.insert(m, {
        id: dto.id,
        channelId: channel.id,
        subjectKind: dto.subject.kind,
        subjectId,
        toAgencyId: agency.id,
        requestedBy: auth.user.id,
        requesterAgencyId: auth.user.agencyId,
        dueAt,
        question: dto.question,
        now,
      });
      await this.retention.fixAtCreation(m, 'information_requests', dto.id, auth.user.agencyId, now);
      const refusal = await subject.decideAsk(m, {
        requestId: dto.id,
        subjectId,
        toAgencyId: agency.id,
        decidedBy: auth.user.id,
      });
      if (refusal) throw refusal;
      for (const userId of askers) await this.channels.admitMember(m, auth, channel, { userId, role: 'chair' });
      for (const userId of admins) await this.channels.admitMember(m, auth, channel, { userId, role: 'member' });
      await this.audit.record(m, {
        actor: actorOf(auth),
        action: 'information_request.created',
        target: { type: 'information_request', id: dto.id },
        details: {
          channelId: channel.id,
          subjectKind: dto.subject.kind,
          subjectId,
          toAgencyId: agency.id,
          dueAt: dueAt.toISOString(),
        },
        meta: auth.meta,
      });
      this.announce(m, { id: dto.id, channel_id: channel.id, state: 'requested' });
    });
    return this.views.show(auth, dto.id);
  }

  accept(auth: AuthContext, id: string): Promise<InformationRequestView> {
    return this.act(auth, id, 'accept', () => Promise.resolve({ acceptedAt: this.clock.now() }));
  }

  /**
   * The asked agency's admin gives the request to someone of their own agency to answer, who joins its
   * conversation (their client then needs the question's key: the assigning client shares it).
   */
  assign(auth: AuthContext, id: string, dto: AssignInformationRequestInput): Promise<InformationRequestView> {
    return this.act(auth, id, 'assign', async (m, r) => {
      if (dto.userId === r.assignee_user_id) throw conflict('no_change', 'That person is already answering it.');
      const user = await this.users.standing(m, dto.userId);
      if (!user) throw notFound('User');
      if (user.agencyId !== r.to_agency_id) {
        throw forbidden(
          'other_agency',
          `Assign someone of ${await this.views.agencyName(m, r.to_agency_id)}: ${user.displayName} works for another agency.`,
        );
      }
      if (user.status !== 'active') {
        throw conflict('user_not_active', `${user.displayName}’s account is not active.`, { userId: dto.userId });
      }
      if (!ASSIGNABLE_ROLES.has(user.role)) {
        throw conflict('forbidden_role', 'Assign a practitioner or an agency admin: they answer requests.');
      }
      if (!(await this.channelMembers.isMember(m, r.channel_id, dto.userId))) {
        const channel = await this.channels.lock(m, r.channel_id);
        await this.channels.admitMember(m, auth, channel, { userId: dto.userId, role: 'member' });
      }
      return { assigneeUserId: dto.userId };
    });
  }

  /** The answer: what the agency holds, sealed under the request's conversation. */
  provide(auth: AuthContext, id: string, dto: ProvideInformationInput): Promise<InformationRequestView> {
    return this.act(auth, id, 'provide', async (m, r) => {
      await this.channels.membership(m, r.channel_id, auth.user.id);
      await this.channels.assertSealedEpoch(m, r.channel_id, dto.response.epoch, 'response');
      return { response: dto.response, answeredBy: auth.user.id, answeredAt: this.clock.now() };
    });
  }

  /**
   * A refusal, with the written explanation the requester reads (ISA 3.3.10). The server cannot read it:
   * the declared length must meet the rule and fit the sealed bytes (`declineRefusal`), or nothing changes.
   */
  async decline(auth: AuthContext, id: string, dto: DeclineInformationInput): Promise<InformationRequestView> {
    const refusal = declineRefusal(dto);
    if (refusal) throw refusal;
    const explanation = { ...dto.explanation!, length: dto.explanationLength! };
    return this.act(auth, id, 'decline', async (m, r) => {
      await this.channels.membership(m, r.channel_id, auth.user.id);
      await this.channels.assertSealedEpoch(m, r.channel_id, explanation.epoch, 'explanation');
      return { explanation, answeredBy: auth.user.id, answeredAt: this.clock.now() };
    });
  }

  /** The requester no longer needs the answer (before one is given). */
  withdraw(auth: AuthContext, id: string): Promise<InformationRequestView> {
    return this.act(auth, id, 'withdraw', () => Promise.resolve({ withdrawnAt: this.clock.now() }));
  }

  /** The requester has what they need from the answer (or the refusal). */
  close(auth: AuthContext, id: string): Promise<InformationRequestView> {
    return this.act(auth, id, 'close', () => Promise.resolve({ closedAt: this.clock.now() }));
  }

  /**
   * One transition in one transaction: the request locked, the caller's part and the state checked, the
   * action's own checks and changes (`work`), the change applied only from the states it may start from,
   * the sharing decision (for an answer or a withdrawal) and the audit record; the conversation is told
   * after the commit.
   */
  private async act(
    auth: AuthContext,
    id: string,
    action: InformationRequestAction,
    work: (m: EntityManager, r: InformationRequestRow) => Promise<RequestChange>,
  ): Promise<InformationRequestView> {
    await this.db.transaction(async (m) => {
      const r = await this.views.get(m, id, true);
      const part = await this.views.partOf(m, auth, r);
      if (!WHO_MAY[action].includes(part)) throw await this.notYours(m, action, part, r);
      const stale = stateRefusal(action, r.state);
      if (stale) throw stale;
      const change = await work(m, r);
      const { from, to } = TRANSITIONS[action];
      if (!(await this.repo.change(m, id, from, to, this.clock.now(), change))) {
        // The row is locked, so only a change made behind the server's back gets here.
        throw stateRefusal(action, (await this.views.get(m, id)).state)!;
      }
      // Closed or withdrawn, it is over: kept for the period fixed when it was made, from now.
      const endedAt = change.closedAt ?? change.withdrawnAt;
      if (endedAt) await this.retention.anchorClosure(m, 'information_requests', id, endedAt);
      const outcome = OUTCOMES[action];
      if (outcome) {
        await this.subjects.of(r.subject_kind).recordOutcome(m, {
          requestId: id,
          subjectId: r.subject_id,
          toAgencyId: r.to_agency_id,
          decidedBy: auth.user.id,
          outcome,
        });
      }
      await this.audit.record(m, {
        actor: actorOf(auth),
        action: `information_request.${AUDIT_ACTIONS[action]}`,
        target: { type: 'information_request', id },
        details: {
          channelId: r.channel_id,
          from: r.state,
          to: to ?? r.state,
          ...(change.assigneeUserId ? { assigneeUserId: change.assigneeUserId } : {}),
          ...(change.explanation ? { explanationLength: change.explanation.length } : {}),
        },
        meta: auth.meta,
      });
      this.announce(m, { id, channel_id: r.channel_id, state: to ?? r.state });
    });
    return this.views.show(auth, id);
  }

  /** Why the caller, who has `part` in the request, may not do `action`. */
  private async notYours(
    m: EntityManager,
    action: InformationRequestAction,
    part: InformationRequestPart,
    r: InformationRequestRow,
  ) {
    if (part === 'requester') {
      return forbidden(
        'not_request_answerer',
        `Only ${await this.views.agencyName(m, r.to_agency_id)}’s agency admins, or the person they assign, can answer this request.`,
      );
    }
    if (action === 'assign') {
      return forbidden('not_request_answerer', 'Only your agency’s admins can assign who answers a request.');
    }
    return forbidden('requester_only', 'Only the people who asked can withdraw or close this request.');
  }

  /** Tells the request's conversation (both sides) its new state, once the change has committed. */
  private announce(m: EntityManager, r: Pick<InformationRequestRow, 'id' | 'channel_id' | 'state'>): void {
    this.events.afterCommit(m, () =>
      this.notifier.toChannel(r.channel_id, 'information_request.updated', {
        channelId: r.channel_id,
        requestId: r.id,
        state: r.state,
      }),
    );
  }
}

/** The actions recorded as a sharing decision in the subject's register, and how. */
const OUTCOMES: Partial<Record<InformationRequestAction, RequestOutcome>> = {
  provide: 'provided',
  decline: 'declined',
  withdraw: 'withdrawn',
};

/** The audit log's name for each action (`information_request.<name>`). */
const AUDIT_ACTIONS: Record<InformationRequestAction, string> = {
  accept: 'accepted',
  assign: 'assigned',
  provide: 'provided',
  decline: 'declined',
  withdraw: 'withdrawn',
  close: 'closed',
};
