import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import {
  CONSULTATION_DAYS,
  type ConsultationView,
  type CreateConsultation,
  type CreateSubjectAccessRequest,
  type ExtendSubjectAccessRequest,
  type RecordSubjectAccessExport,
  type SetSubjectAccessStatus,
  type SubjectAccessExportRecordedView,
  type SubjectAccessQuery,
  type SubjectAccessRequestView,
} from '../../contracts/subject-access.js';
import { AgenciesRepository } from '../agencies/agencies.repository.js';
import { AuditService } from '../audit/audit.service.js';
import { badRequest, conflict, notFound } from '../common/app-error.js';
import { Clock } from '../common/clock.js';
import { FamiliesService } from '../families/families.service.js';
import { actorOf, type AuthContext } from '../identity/auth-context.js';
import { UsersRepository } from '../identity/users.repository.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import { addDays, dayOf, deadlineFor, isPast } from './subject-access-dates.js';
import {
  type ConsultationRow,
  type RequestRow,
  type SubjectRow,
  SubjectAccessRepository,
} from './subject-access.repository.js';

const NEXT_STATUSES: Record<string, readonly string[]> = { open: ['answered', 'closed'], answered: ['closed'] };

/**
 * The subject-access register (ISA 10). An agency's data-protection lead (`agency_admin`) keeps their own
 * agency's requests; ISA administrators read every agency's. Another agency's request is "not found" to
 * anyone else, so its existence is not told. Every change is audited with ids and codes only: the
 * extension's reason stays with the request.
 */
@Injectable()
export class SubjectAccessService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly repo: SubjectAccessRepository,
    private readonly families: FamiliesService,
    private readonly agencies: AgenciesRepository,
    private readonly users: UsersRepository,
    private readonly notifications: NotificationsService,
  ) {}

  private today(): string {
    return dayOf(this.clock.now());
  }

  create(auth: AuthContext, req: CreateSubjectAccessRequest): Promise<SubjectAccessRequestView> {
    return this.db.transaction(async (m) => {
      if (req.receivedOn > this.today()) {
        throw badRequest('received_in_future', 'The day it was received cannot be after today.', {
          fields: { receivedOn: ['must not be after today'] },
        });
      }
      const subjects = await this.resolve(m, req.refs);
      const id = await this.repo.insert(m, {
        agencyId: auth.user.agencyId,
        receivedOn: req.receivedOn,
        requesterType: req.requesterType,
        deadlineOn: deadlineFor(req.receivedOn, null),
        createdBy: auth.user.id,
        at: this.clock.now(),
        subjects,
      });
      await this.audit.record(m, {
        actor: actorOf(auth),
        action: 'subject_access.created',
        target: { type: 'subject_access_request', id },
        details: {
          requesterType: req.requesterType,
          families: new Set(subjects.map((s) => s.family_id)).size,
          members: subjects.filter((s) => s.member_id).length,
        },
        meta: auth.meta,
      });
      return this.view(m, await this.own(m, auth, id));
    });
  }

  /**
   * The families and members the references name, each family once (with its members after it). An unknown
   * reference is refused by name, so nothing is recorded about a subject the service does not hold.
   */
  private async resolve(m: EntityManager, refs: string[]): Promise<Omit<SubjectRow, 'request_id'>[]> {
    const upper = [...new Set(refs.map((r) => r.toUpperCase()))];
    const memberRefs = upper.filter((r) => /-M\d+$/.test(r));
    const members = await this.families.membersByRefs(m, memberRefs);
    const familyRefs = upper.filter((r) => !memberRefs.includes(r));
    const families = await this.families.byRefs(m, familyRefs);
    const missing = [
      ...familyRefs.filter((r) => !families.some((f) => f.ref.toUpperCase() === r)),
      ...memberRefs.filter((r) => !members.some((x) => x.ref.toUpperCase() === r)),
    ];
    if (missing.length) throw notFound(`The reference ${missing.join(', ')}`);
    const memberFamilies = await Promise.all(members.map((x) => this.families.get(m, x.family_id)));
    const byId = new Map([...families, ...memberFamilies].map((f) => [f.id, f]));
    const rows: Omit<SubjectRow, 'request_id'>[] = [];
    for (const f of [...byId.values()].sort((a, b) => a.ref.localeCompare(b.ref))) {
      rows.push({ family_id: f.id, family_ref: f.ref, member_id: null, member_ref: null });
      for (const x of members.filter((mm) => mm.family_id === f.id)) {
        rows.push({ family_id: f.id, family_ref: f.ref, member_id: x.id, member_ref: x.ref });
      }
    }
    return rows;
  }

  /** A request of the caller's agency (any agency's for an ISA administrator when `read`); else 404. */
  private async own(m: EntityManager, auth: AuthContext, id: string, opts: { lock?: boolean; read?: boolean } = {}) {
    const row = await this.repo.get(m, id, opts.lock);
    const allowed = row && (row.agency_id === auth.user.agencyId || (opts.read && auth.user.role === 'isa_admin'));
    if (!allowed) throw notFound('The request');
    return row;
  }

  list(auth: AuthContext, q: SubjectAccessQuery): Promise<SubjectAccessRequestView[]> {
    return this.db.transaction(async (m) => {
      const rows = await this.repo.list(m, {
        agencyId: auth.user.role === 'isa_admin' ? null : auth.user.agencyId,
        status: q.status,
        overdueOn: q.overdue ? this.today() : undefined,
      });
      return this.views(m, rows);
    });
  }

  get(auth: AuthContext, id: string): Promise<SubjectAccessRequestView> {
    return this.db.transaction(async (m) => this.view(m, await this.own(m, auth, id, { read: true })));
  }

  extend(auth: AuthContext, id: string, req: ExtendSubjectAccessRequest): Promise<SubjectAccessRequestView> {
    return this.db.transaction(async (m) => {
      const row = await this.own(m, auth, id, { lock: true });
      if (row.extension_months !== null) {
        throw conflict('already_extended', 'This request’s deadline was extended already: it can be extended once.');
      }
      if (row.status !== 'open') throw conflict('request_not_open', `This request is ${row.status}: nothing changed.`);
      await this.repo.extend(m, id, {
        months: req.months,
        reason: req.reason,
        by: auth.user.id,
        at: this.clock.now(),
        deadlineOn: deadlineFor(row.received_on, req.months),
      });
      await this.audit.record(m, {
        actor: actorOf(auth),
        action: 'subject_access.extended',
        target: { type: 'subject_access_request', id },
        details: { months: req.months },
        meta: auth.meta,
      });
      return this.view(m, await this.own(m, auth, id));
    });
  }

  setStatus(auth: AuthContext, id: string, req: SetSubjectAccessStatus): Promise<SubjectAccessRequestView> {
    return this.db.transaction(async (m) => {
      const row = await this.own(m, auth, id, { lock: true });
      if (!(NEXT_STATUSES[row.status] ?? []).includes(req.status)) {
        throw conflict('invalid_status', `This request is ${row.status}: it cannot be marked ${req.status}.`);
      }
      await this.repo.setStatus(m, id, req.status);
      await this.audit.record(m, {
        actor: actorOf(auth),
        action: 'subject_access.status_changed',
        target: { type: 'subject_access_request', id },
        details: { from: row.status, to: req.status },
        meta: auth.meta,
      });
      return this.view(m, await this.own(m, auth, id));
    });
  }

  consult(auth: AuthContext, id: string, req: CreateConsultation): Promise<ConsultationView> {
    return this.db.transaction(async (m) => {
      const row = await this.own(m, auth, id, { lock: true });
      if (row.status !== 'open') throw conflict('request_not_open', `This request is ${row.status}: nothing changed.`);
      if (req.agencyId === row.agency_id) {
        throw badRequest(
          'consult_own_agency',
          'Your own agency is not consulted: ask the agency the information came from.',
          {
            fields: { agencyId: ['must be another agency'] },
          },
        );
      }
      if (!(await this.agencies.agency(m, req.agencyId))) throw notFound('The agency');
      const consultationId = await this.repo.insertConsultation(m, {
        requestId: id,
        agencyId: req.agencyId,
        dueOn: addDays(this.today(), CONSULTATION_DAYS),
        createdBy: auth.user.id,
        at: this.clock.now(),
      });
      if (!consultationId) throw conflict('consultation_exists', 'That agency is consulted on this request already.');
      // The consulted agency's data-protection leads hear of it at once, and find it in their list.
      await this.notifications.notify(
        m,
        await this.users.activeIdsWithRole(m, req.agencyId, ['agency_admin']),
        'consultation_requested',
        { consultationId, agencyId: row.agency_id },
      );
      await this.audit.record(m, {
        actor: actorOf(auth),
        action: 'subject_access.consultation_created',
        target: { type: 'subject_access_consultation', id: consultationId },
        details: { requestId: id, agencyId: req.agencyId },
        meta: auth.meta,
      });
      return this.consultationView(m, consultationId);
    });
  }

  /** The tasks asked of the caller's agency (every agency's for an ISA administrator). */
  consultations(auth: AuthContext, openOnly: boolean): Promise<ConsultationView[]> {
    return this.db.transaction(async (m) =>
      this.consultationViews(
        m,
        await this.repo.consultationsFor(m, auth.user.role === 'isa_admin' ? null : auth.user.agencyId, openOnly),
      ),
    );
  }

  /** The agency asked marks its task done; to anyone else it is not found. */
  consultationDone(auth: AuthContext, consultationId: string): Promise<ConsultationView> {
    return this.db.transaction(async (m) => {
      const c = await this.repo.consultation(m, consultationId, true);
      if (!c || c.agency_id !== auth.user.agencyId) throw notFound('The consultation');
      if (!(await this.repo.markDone(m, consultationId, auth.user.id, this.clock.now()))) {
        throw conflict('consultation_done', 'This consultation was marked done already: nothing changed.');
      }
      await this.audit.record(m, {
        actor: actorOf(auth),
        action: 'subject_access.consultation_done',
        target: { type: 'subject_access_consultation', id: consultationId },
        details: { requestId: c.request_id },
        meta: auth.meta,
      });
      return this.consultationView(m, consultationId);
    });
  }

  /** Audits that the request's subject was gathered into a file on a member's device: counts only. */
  recordExport(
    auth: AuthContext,
    id: string,
    req: RecordSubjectAccessExport,
  ): Promise<SubjectAccessExportRecordedView> {
    return this.db.transaction(async (m) => {
      await this.own(m, auth, id);
      await this.audit.record(m, {
        actor: actorOf(auth),
        action: 'subject_access.exported',
        target: { type: 'subject_access_request', id },
        details: { exportId: req.exportId, families: req.families, messages: req.messages, records: req.records },
        meta: auth.meta,
      });
      return { exportId: req.exportId };
    });
  }

  private async consultationView(m: EntityManager, id: string): Promise<ConsultationView> {
    return (await this.consultationViews(m, [(await this.repo.consultation(m, id))!]))[0];
  }

  private async view(m: EntityManager, row: RequestRow): Promise<SubjectAccessRequestView> {
    return (await this.views(m, [row]))[0];
  }

  private async views(m: EntityManager, rows: RequestRow[]): Promise<SubjectAccessRequestView[]> {
    if (!rows.length) return [];
    const ids = rows.map((r) => r.id);
    const subjects = await this.repo.subjects(m, ids);
    const channels = new Map(
      (await this.families.byRefs(m, [...new Set(subjects.map((s) => s.family_ref))])).map((f) => [f.id, f.channel_id]),
    );
    const consultations = await this.consultationViews(m, await this.repo.consultationsOf(m, ids), subjects);
    const today = this.today();
    return rows.map((r) => {
      const mine = subjects.filter((s) => s.request_id === r.id);
      return {
        id: r.id,
        agencyId: r.agency_id,
        receivedOn: r.received_on,
        requesterType: r.requester_type,
        families: mine
          .filter((s) => !s.member_id)
          .map((s) => ({ id: s.family_id, ref: s.family_ref, channelId: channels.get(s.family_id)! })),
        members: mine
          .filter((s) => s.member_id)
          .map((s) => ({ id: s.member_id!, ref: s.member_ref!, familyId: s.family_id })),
        deadline: r.deadline_on,
        overdue: r.status === 'open' && isPast(r.deadline_on, today),
        extension:
          r.extension_months === null
            ? null
            : {
                months: r.extension_months,
                reason: r.extension_reason!,
                extendedBy: r.extended_by!,
                extendedAt: r.extended_at!.toISOString(),
              },
        status: r.status,
        createdBy: r.created_by,
        createdAt: r.created_at.toISOString(),
        consultations: consultations.filter((c) => c.requestId === r.id),
      };
    });
  }

  private async consultationViews(
    m: EntityManager,
    rows: ConsultationRow[],
    known?: SubjectRow[],
  ): Promise<ConsultationView[]> {
    if (!rows.length) return [];
    const subjects = known ?? (await this.repo.subjects(m, [...new Set(rows.map((c) => c.request_id))]));
    const today = this.today();
    return rows.map((c) => {
      const mine = subjects.filter((s) => s.request_id === c.request_id);
      return {
        id: c.id,
        requestId: c.request_id,
        agencyId: c.agency_id,
        requestingAgencyId: c.requesting_agency_id,
        dueOn: c.due_on,
        overdue: c.done_at === null && isPast(c.due_on, today),
        doneAt: c.done_at?.toISOString() ?? null,
        doneBy: c.done_by,
        createdBy: c.created_by,
        createdAt: c.created_at.toISOString(),
        familyRefs: mine.filter((s) => !s.member_id).map((s) => s.family_ref),
        memberRefs: mine.filter((s) => s.member_ref).map((s) => s.member_ref!),
      };
    });
  }
}
