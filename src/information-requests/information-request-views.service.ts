import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type {
  InformationRequestPart,
  InformationRequestsQuery,
  InformationRequestView,
} from '../../contracts/information-requests.js';
import { AgenciesRepository } from '../agencies/agencies.repository.js';
import { ChannelsRepository } from '../channels/channels.repository.js';
import { ChannelsService } from '../channels/channels.service.js';
import { forbidden, notFound } from '../common/app-error.js';
import { Clock } from '../common/clock.js';
import { b64, sealedView } from '../common/sealed.js';
import type { AuthContext } from '../identity/auth-context.js';
import { UsersRepository } from '../identity/users.repository.js';
import { allowedActions, isOverdue, partIn } from './information-request-rules.js';
import { InformationRequestSubjects } from './information-request-subjects.js';
import { InformationRequestsRepository, type InformationRequestRow } from './information-requests.repository.js';

/**
 * Who may see a request and what they see. Someone of the agency asked who is neither its admin nor the
 * assignee is told so (`403 not_request_answerer`): their agency was asked, nothing else is learnt.
 * Anyone else outside the request's conversation gets `404`, as if it did not exist: that an agency was
 * asked about a family is itself something to keep from them.
 */
@Injectable()
export class InformationRequestViews {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly repo: InformationRequestsRepository,
    private readonly subjects: InformationRequestSubjects,
    private readonly channels: ChannelsService,
    private readonly channelMembers: ChannelsRepository,
    private readonly users: UsersRepository,
    private readonly agencies: AgenciesRepository,
  ) {}

  /** The request, or 404; `lock` holds its row for the caller's transaction. */
  async get(m: EntityManager, id: string, lock = false): Promise<InformationRequestRow> {
    const row = await this.repo.find(m, id, lock);
    if (!row) throw notFound('Information request');
    return row;
  }

  /** The caller's part in the request, or the refusal (403 for their agency's other people, else 404). */
  async partOf(m: EntityManager, auth: AuthContext, r: InformationRequestRow): Promise<InformationRequestPart> {
    const inConversation =
      auth.user.agencyId !== r.to_agency_id && (await this.channelMembers.isMember(m, r.channel_id, auth.user.id));
    const part = partIn(auth.user, { toAgencyId: r.to_agency_id, assigneeUserId: r.assignee_user_id }, inConversation);
    if (part) return part;
    if (auth.user.agencyId === r.to_agency_id) {
      throw forbidden(
        'not_request_answerer',
        `Only ${await this.agencyName(m, r.to_agency_id)}’s agency admins, or the person they assign, can see or answer this request.`,
      );
    }
    throw notFound('Information request');
  }

  async agencyName(m: EntityManager, agencyId: string): Promise<string> {
    return (await this.agencies.agency(m, agencyId))?.name ?? agencyId;
  }

  async show(auth: AuthContext, id: string): Promise<InformationRequestView> {
    const m = this.db.manager;
    const r = await this.get(m, id);
    return this.toView(m, r, await this.partOf(m, auth, r), new Names(m, this.users, this));
  }

  /**
   * Requests asked of the caller's agency (all of them for its admins, those assigned to them for anyone
   * else), those the caller asked, or both: overdue first, then by due time.
   */
  async list(auth: AuthContext, q: InformationRequestsQuery): Promise<InformationRequestView[]> {
    const m = this.db.manager;
    const rows: { row: InformationRequestRow; part: InformationRequestPart }[] = [];
    if (q.box !== 'outbox') {
      const admin = auth.user.role === 'agency_admin';
      for (const row of await this.repo.inbox(m, auth.user.agencyId, admin ? null : auth.user.id, q.state)) {
        rows.push({ row, part: admin ? 'agency_admin' : 'assignee' });
      }
    }
    if (q.box !== 'inbox') {
      const channelIds = await this.channels.channelIdsOf(m, auth.user.id);
      for (const row of await this.repo.outbox(m, channelIds, auth.user.agencyId, q.state)) {
        rows.push({ row, part: 'requester' });
      }
    }
    const names = new Names(m, this.users, this);
    const views: InformationRequestView[] = [];
    for (const { row, part } of rows) views.push(await this.toView(m, row, part, names));
    return views.sort(
      (a, b) => Number(b.overdue) - Number(a.overdue) || a.dueAt.localeCompare(b.dueAt) || a.id.localeCompare(b.id),
    );
  }

  private async toView(
    m: EntityManager,
    r: InformationRequestRow,
    part: InformationRequestPart,
    names: Names,
  ): Promise<InformationRequestView> {
    const person = async (userId: string | null) =>
      userId ? { userId, displayName: (await names.user(userId)).displayName } : null;
    const requester = await names.user(r.requested_by);
    const iso = (d: Date | null) => d?.toISOString() ?? null;
    return {
      id: r.id,
      channelId: r.channel_id,
      subject: await this.subjects.of(r.subject_kind).view(m, r.subject_id),
      toAgency: { id: r.to_agency_id, name: await names.agency(r.to_agency_id) },
      requestedBy: {
        userId: r.requested_by,
        displayName: requester.displayName,
        agencyId: r.requester_agency_id,
        agencyName: await names.agency(r.requester_agency_id),
      },
      assignee: await person(r.assignee_user_id),
      state: r.state,
      dueAt: r.due_at.toISOString(),
      overdue: isOverdue(r.state, r.due_at, this.clock.now()),
      question: { epoch: r.question_epoch, ciphertext: b64(r.question_ciphertext) },
      response: sealedView(r.response_ciphertext, r.response_epoch),
      decline:
        r.explanation_ciphertext && r.explanation_epoch !== null && r.explanation_length !== null
          ? {
              explanation: { epoch: r.explanation_epoch, ciphertext: b64(r.explanation_ciphertext) },
              explanationLength: r.explanation_length,
            }
          : null,
      answeredBy: await person(r.answered_by),
      answeredAt: iso(r.answered_at),
      acceptedAt: iso(r.accepted_at),
      closedAt: iso(r.closed_at),
      withdrawnAt: iso(r.withdrawn_at),
      createdAt: r.created_at.toISOString(),
      updatedAt: r.updated_at.toISOString(),
      yourPart: part,
      actions: allowedActions(part, r.state),
    };
  }
}

/** People's and agencies' names for one answer, each looked up once. */
class Names {
  private readonly users = new Map<string, Promise<{ displayName: string }>>();
  private readonly agencies = new Map<string, Promise<string>>();

  constructor(
    private readonly m: EntityManager,
    private readonly repo: UsersRepository,
    private readonly views: InformationRequestViews,
  ) {}

  user(id: string): Promise<{ displayName: string }> {
    let found = this.users.get(id);
    if (!found) {
      // A user is a foreign key of the request: they exist, whatever their status now.
      found = this.repo.standing(this.m, id).then((u) => ({ displayName: u?.displayName ?? '' }));
      this.users.set(id, found);
    }
    return found;
  }

  agency(id: string): Promise<string> {
    let found = this.agencies.get(id);
    if (!found) {
      found = this.views.agencyName(this.m, id);
      this.agencies.set(id, found);
    }
    return found;
  }
}
