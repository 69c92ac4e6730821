import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AuditEventView } from '../../contracts/audit.js';
import { AuditEvent } from './entities/audit-event.entity.js';

/** Appending takes this transaction-scoped advisory lock so the chain has exactly one head at a time. */
const AUDIT_CHAIN_LOCK = 7_301_001;

/** An event as the API sends it: the hashed fields exactly as an outside verifier recomputes them. */
export function toAuditEventView(e: AuditEvent): AuditEventView {
  return {
    seq: e.seq,
    occurredAt: e.occurredAt.toISOString(),
    actorUserId: e.actorUserId,
    actorAgencyId: e.actorAgencyId,
    action: e.action,
    targetType: e.targetType,
    targetId: e.targetId,
    outcome: e.outcome,
    requestId: e.requestId,
    sourceIp: e.sourceIp,
    details: e.details,
    prevHash: e.prevHash,
    hash: e.hash,
  };
}

/** The audit_events table: the chain's head, appends and ordered pages. */
@Injectable()
export class AuditRepository {
  /**
   * Takes the chain lock (held until the caller's transaction ends), then reads the head. The lock comes
   * first: two appenders must never both read the same head.
   */
  async lockHead(m: EntityManager): Promise<{ seq: number; hash: string } | null> {
    await m.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_CHAIN_LOCK]);
    const [head] = await m.query<{ seq: string; hash: string }[]>(
      'SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1',
    );
    return head ? { seq: Number(head.seq), hash: head.hash } : null;
  }

  /** Inserts the next link; call only while holding the lock taken by `lockHead`. */
  async insert(m: EntityManager, row: AuditEvent): Promise<void> {
    await m.query(
      `INSERT INTO audit_events (seq, occurred_at, actor_user_id, actor_agency_id, action, target_type, target_id, outcome,
                                 request_id, source_ip, details, prev_hash, hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
      [
        row.seq,
        row.occurredAt,
        row.actorUserId,
        row.actorAgencyId,
        row.action,
        row.targetType,
        row.targetId,
        row.outcome,
        row.requestId,
        row.sourceIp,
        JSON.stringify(row.details),
        row.prevHash,
        row.hash,
      ],
    );
  }

  /** Events after `afterSeq`, oldest first: the whole chain, page by page, for verifying it. */
  page(m: EntityManager, opts: { afterSeq: number; limit: number }): Promise<AuditEvent[]> {
    return m
      .getRepository(AuditEvent)
      .createQueryBuilder('e')
      .where('e.seq > :after', { after: opts.afterSeq })
      .orderBy('e.seq', 'ASC')
      .limit(opts.limit)
      .getMany();
  }
}
