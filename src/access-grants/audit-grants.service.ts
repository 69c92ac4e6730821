import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { ApproveGrantRequest, GrantsQuery, GrantView, RequestGrantRequest } from '../../contracts/audit-grants.js';
import { AuditService } from '../audit/audit.service.js';
import { ChannelsService } from '../channels/channels.service.js';
import { conflict, notFound } from '../common/app-error.js';
import { Clock } from '../common/clock.js';
import { actorOf, type AuthContext } from '../identity/auth-context.js';
import { AuditGrantsReadModel, type GrantCase } from './audit-grants.read-model.js';
import { AuditGrantsRepository, type GrantRow } from './audit-grants.repository.js';
import { grantEndRefusal, ownGrantRefusal } from './audit-grant-rules.js';

/**
 * Time-limited audit access (ISA 6.1). An auditor asks for one case with a purpose (kept with the grant,
 * never in the audit log); an ISA administrator other than the auditor approves it with an end time, or
 * refuses it. Approval makes the auditor a read-only observer of the case's channel until that end, shown
 * to every member; the channels module's job removes them at the end on every instance and the channel
 * gets a new key. Ending a grant early brings the membership's end forward to now, along the same path.
 */
@Injectable()
export class AuditGrantsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly grants: AuditGrantsRepository,
    private readonly cases: AuditGrantsReadModel,
    private readonly channels: ChannelsService,
  ) {}

  /** An auditor asks for access to a case, for themself. */
  async request(auth: AuthContext, req: RequestGrantRequest): Promise<GrantView> {
    const id = await this.db.transaction(async (m) => {
      const found = await this.findCase(m, req);
      const grant = await this.grants.insert(m, {
        auditorId: auth.user.id,
        caseKind: req.kind,
        caseId: found.id,
        caseRef: found.ref,
        channelId: found.channelId,
        purpose: req.purpose,
        at: this.clock.now(),
      });
      await this.record(m, auth, 'audit_grant.requested', grant);
      return grant.id;
    });
    return this.view(id);
  }

  /** An ISA administrator approves: the auditor joins the case's channel as an observer until `endsAt`. */
  async approve(auth: AuthContext, id: string, req: ApproveGrantRequest): Promise<GrantView> {
    const endsAt = new Date(req.endsAt);
    const refusal = grantEndRefusal(endsAt, this.clock.now());
    if (refusal) throw refusal;
    await this.db.transaction(async (m) => {
      const grant = await this.undecided(m, auth, id);
      const channel = await this.channels.lock(m, grant.channel_id);
      // ISA 6.1 is the basis: the case's own sharing rules (consent, a referral shared) are not asked.
      await this.channels.admitMember(
        m,
        auth,
        channel,
        { userId: grant.auditor_id, role: 'observer', endsAt: endsAt.toISOString() },
        { grantId: id },
      );
      await this.grants.decide(m, id, { status: 'approved', by: auth.user.id, at: this.clock.now(), endsAt });
      await this.record(m, auth, 'audit_grant.approved', grant, { endsAt: endsAt.toISOString() });
    });
    return this.view(id);
  }

  async refuse(auth: AuthContext, id: string): Promise<GrantView> {
    await this.db.transaction(async (m) => {
      const grant = await this.undecided(m, auth, id);
      await this.grants.decide(m, id, { status: 'refused', by: auth.user.id, at: this.clock.now(), endsAt: null });
      await this.record(m, auth, 'audit_grant.refused', grant);
    });
    return this.view(id);
  }

  /** Ends a live grant now: the auditor's membership ends as it would have at its end date. */
  async end(auth: AuthContext, id: string): Promise<GrantView> {
    await this.db.transaction(async (m) => {
      const grant = await this.grants.lock(m, id);
      if (!grant) throw notFound('The audit grant');
      const now = this.clock.now();
      const [shown] = await this.cases.list(m, now, { id });
      if (shown.status !== 'approved') {
        throw conflict('grant_not_live', 'This audit access is not live: there is nothing to end.', {
          status: shown.status,
        });
      }
      await this.channels.endMembershipNow(m, grant.channel_id, grant.auditor_id);
      await this.grants.end(m, id, auth.user.id, now);
      await this.record(m, auth, 'audit_grant.ended', grant);
    });
    await this.channels.endDueMemberships();
    return this.view(id);
  }

  /** An auditor sees their own grants; an ISA administrator sees everyone's. */
  list(auth: AuthContext, q: GrantsQuery): Promise<GrantView[]> {
    return this.cases.list(this.db.manager, this.clock.now(), {
      auditorId: auth.user.role === 'isa_admin' ? undefined : auth.user.id,
      status: q.status,
    });
  }

  private async view(id: string): Promise<GrantView> {
    const [grant] = await this.cases.list(this.db.manager, this.clock.now(), { id });
    return grant;
  }

  private async findCase(m: EntityManager, req: RequestGrantRequest): Promise<GrantCase> {
    if (req.kind === 'channel') {
      return (await this.cases.channelCase(m, req.channelId)) ?? this.missing('The channel');
    }
    if (req.kind === 'family') {
      return (await this.cases.familyCase(m, req.family)) ?? this.missing(`The family ${req.family}`);
    }
    return (await this.cases.referralCase(m, req.referral)) ?? this.missing(`The referral ${req.referral}`);
  }

  private missing(what: string): never {
    throw notFound(what);
  }

  /** A grant still waiting for a decision, locked, that this administrator may decide. */
  private async undecided(m: EntityManager, auth: AuthContext, id: string): Promise<GrantRow> {
    const grant = await this.grants.lock(m, id);
    if (!grant) throw notFound('The audit grant');
    const own = ownGrantRefusal(grant.auditor_id, auth.user.id);
    if (own) throw own;
    if (grant.status !== 'requested') {
      throw conflict('grant_decided', `This request was ${grant.status} already: nothing changed.`, {
        status: grant.status,
      });
    }
    return grant;
  }

  /** Audited with ids only: the purpose stays with the grant. */
  private async record(
    m: EntityManager,
    auth: AuthContext,
    action: string,
    grant: GrantRow,
    extra: Record<string, string> = {},
  ): Promise<void> {
    await this.audit.record(m, {
      actor: actorOf(auth),
      action,
      target: { type: 'audit_grant', id: grant.id },
      details: {
        auditorId: grant.auditor_id,
        caseKind: grant.case_kind,
        caseId: grant.case_id,
        channelId: grant.channel_id,
        ...extra,
      },
      meta: auth.meta,
    });
  }
}
