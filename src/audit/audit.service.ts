import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { Clock } from '../common/clock.js';
import type { RequestMeta } from '../common/request-context.js';
import { chainHash, findBreak, GENESIS_HASH, type ChainBreak, type ChainedFields } from './audit-chain.js';
import { AuditEvent, type AuditOutcome } from './entities/audit-event.entity.js';

/** Appending takes this transaction-scoped advisory lock so the chain has exactly one head at a time. */
const AUDIT_CHAIN_LOCK = 7_301_001;
const VERIFY_BATCH = 2000;

export interface AuditInput {
  actor?: { userId: string | null; agencyId: string | null } | null;
  action: string;
  target?: { type: string; id: string } | null;
  outcome?: AuditOutcome;
  /** Identifiers and codes only: never content, names, e-mail addresses or secrets. */
  details?: Record<string, string | number | boolean | null>;
  meta?: RequestMeta | null;
}

export interface VerifyReport {
  ok: boolean;
  eventsChecked: number;
  head: { seq: number; hash: string };
  firstBroken: ChainBreak | null;
}

export function toChainedFields(e: AuditEvent): ChainedFields & { prevHash: string; hash: string } {
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

@Injectable()
export class AuditService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: Clock,
  ) {}

  /** Appends one event inside the caller's transaction, so it commits with the change it records. */
  async record(m: EntityManager, input: AuditInput): Promise<AuditEvent> {
    await m.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_CHAIN_LOCK]);
    const [head] = await m.query<{ seq: string; hash: string }[]>(
      'SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1',
    );
    const prevHash = head?.hash ?? GENESIS_HASH;
    const fields: ChainedFields = {
      seq: head ? Number(head.seq) + 1 : 1,
      occurredAt: this.clock.now().toISOString(),
      actorUserId: input.actor?.userId ?? null,
      actorAgencyId: input.actor?.agencyId ?? null,
      action: input.action,
      targetType: input.target?.type ?? null,
      targetId: input.target?.id ?? null,
      outcome: input.outcome ?? 'success',
      requestId: input.meta?.requestId || null,
      sourceIp: input.meta?.ip ?? null,
      details: input.details ?? {},
    };
    const hash = chainHash(prevHash, fields);
    const row: AuditEvent = {
      ...fields,
      outcome: fields.outcome as AuditOutcome,
      occurredAt: new Date(fields.occurredAt),
      prevHash,
      hash,
    };
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
        prevHash,
        hash,
      ],
    );
    return row;
  }

  /** Records an event in a transaction of its own (for refusals, where no other change commits). */
  recordAlone(input: AuditInput): Promise<AuditEvent> {
    return this.db.transaction((m) => this.record(m, input));
  }

  /** Recomputes the whole chain from the genesis hash and reports the first broken link. */
  async verify(): Promise<VerifyReport> {
    let last = { seq: 0, hash: GENESIS_HASH };
    let checked = 0;
    for (;;) {
      const batch = await this.db
        .getRepository(AuditEvent)
        .createQueryBuilder('e')
        .where('e.seq > :after', { after: last.seq })
        .orderBy('e.seq', 'ASC')
        .limit(VERIFY_BATCH)
        .getMany();
      if (batch.length === 0) break;
      const result = findBreak(batch.map(toChainedFields), last);
      if (result.break) {
        return {
          ok: false,
          eventsChecked: checked + (result.last.seq - last.seq),
          head: result.last,
          firstBroken: result.break,
        };
      }
      checked += batch.length;
      last = result.last;
    }
    return { ok: true, eventsChecked: checked, head: last, firstBroken: null };
  }

  /** A page of events, oldest first, optionally limited to one agency's actors. */
  async list(opts: { agencyId?: string; afterSeq: number; limit: number }): Promise<AuditEvent[]> {
    const qb = this.db
      .getRepository(AuditEvent)
      .createQueryBuilder('e')
      .where('e.seq > :after', { after: opts.afterSeq })
      .orderBy('e.seq', 'ASC')
      .limit(opts.limit);
    if (opts.agencyId) qb.andWhere('e.actor_agency_id = :agencyId', { agencyId: opts.agencyId });
    return qb.getMany();
  }
}
