import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AuditOrder, AuditOutcome } from '../../contracts/audit.js';
import type { AuditEvent } from './entities/audit-event.entity.js';

/** What to look for. Every field narrows; none widens the reader's scope. */
export interface AuditEventFilter {
  actorUserId?: string;
  /** The actor's agency. */
  agencyId?: string;
  /** An exact action, or a prefix ending in a dot. */
  action?: string;
  targetType?: string;
  targetId?: string;
  /** Inclusive. */
  from?: Date;
  /** Exclusive. */
  to?: Date;
  outcome?: AuditOutcome;
}

/**
 * Whose trail the reader may see: all of it (ISA admins, auditors), or one agency's (its data-protection
 * lead): events its people did, and events about the agency itself or about one of its people.
 */
export type AuditScope = { kind: 'all' } | { kind: 'agency'; agencyId: string };

export interface AuditPage {
  afterSeq: number;
  beforeSeq?: number;
  limit: number;
  order: AuditOrder;
}

/**
 * A filtered page of the audit log. A read model, not a repository: an agency's trail includes events
 * about any of its people, which is a join to identity's `users` (by their agency now), in the one query
 * that filters and pages, so a page is never short because rows were dropped after the LIMIT.
 *
 * Every value the caller gives travels as a query parameter; the SQL text is built only from the fixed
 * fragments below.
 */
@Injectable()
export class AuditEventsReadModel {
  async page(m: EntityManager, scope: AuditScope, filter: AuditEventFilter, page: AuditPage): Promise<AuditEvent[]> {
    const params: unknown[] = [];
    const p = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    const where: string[] = [`e.seq > ${p(page.afterSeq)}`];
    if (page.beforeSeq !== undefined) where.push(`e.seq < ${p(page.beforeSeq)}`);
    if (scope.kind === 'agency') {
      const agency = p(scope.agencyId);
      where.push(
        `(e.actor_agency_id = ${agency}
          OR (e.target_type = 'agency' AND e.target_id = ${agency}::text)
          OR (e.target_type = 'user' AND e.target_id IN (SELECT u.id::text FROM users u WHERE u.agency_id = ${agency})))`,
      );
    }
    if (filter.actorUserId) where.push(`e.actor_user_id = ${p(filter.actorUserId)}`);
    if (filter.agencyId) where.push(`e.actor_agency_id = ${p(filter.agencyId)}`);
    if (filter.action) {
      where.push(
        filter.action.endsWith('.') ? `starts_with(e.action, ${p(filter.action)})` : `e.action = ${p(filter.action)}`,
      );
    }
    if (filter.targetType) where.push(`e.target_type = ${p(filter.targetType)}`);
    if (filter.targetId) where.push(`e.target_id = ${p(filter.targetId)}`);
    if (filter.from) where.push(`e.occurred_at >= ${p(filter.from)}`);
    if (filter.to) where.push(`e.occurred_at < ${p(filter.to)}`);
    if (filter.outcome) where.push(`e.outcome = ${p(filter.outcome)}`);
    const rows = await m.query<AuditEventRow[]>(
      `SELECT e.seq, e.occurred_at, e.actor_user_id, e.actor_agency_id, e.action, e.target_type, e.target_id,
              e.outcome, e.request_id, e.source_ip, e.details, e.prev_hash, e.hash
         FROM audit_events e
        WHERE ${where.join(' AND ')}
        ORDER BY e.seq ${page.order === 'newest' ? 'DESC' : 'ASC'}
        LIMIT ${p(page.limit)}`,
      params,
    );
    return rows.map(fromRow);
  }
}

interface AuditEventRow {
  seq: string;
  occurred_at: Date;
  actor_user_id: string | null;
  actor_agency_id: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  outcome: AuditOutcome;
  request_id: string | null;
  source_ip: string | null;
  details: Record<string, unknown>;
  prev_hash: string;
  hash: string;
}

const fromRow = (r: AuditEventRow): AuditEvent => ({
  seq: Number(r.seq),
  occurredAt: r.occurred_at,
  actorUserId: r.actor_user_id,
  actorAgencyId: r.actor_agency_id,
  action: r.action,
  targetType: r.target_type,
  targetId: r.target_id,
  outcome: r.outcome,
  requestId: r.request_id,
  sourceIp: r.source_ip,
  details: r.details,
  prevHash: r.prev_hash,
  hash: r.hash,
});
