import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { AuditEventView, AuditOutcome, AuditVerifyReport } from '../../contracts/audit.js';
import { Clock } from '../common/clock.js';
import type { RequestMeta } from '../common/request-context.js';
import { chainHash, findBreak, GENESIS_HASH, type ChainedFields } from './audit-chain.js';
import {
  AuditEventsReadModel,
  type AuditEventFilter,
  type AuditPage,
  type AuditScope,
} from './audit-events.read-model.js';
import { AuditRepository, toAuditEventView } from './audit.repository.js';
import type { AuditEvent } from './entities/audit-event.entity.js';

const VERIFY_BATCH = 2000;

export interface AuditInput {
  actor?: { userId: string | null; agencyId: string | null } | null;
  action: string;
  target?: { type: string; id: string } | null;
  outcome?: AuditOutcome;
  /**
   * Identifiers and codes only: never content, names, e-mail addresses or secrets. The one free text is
   * the ISA team's reason for back-dating an agency's withdrawal notice, given to be kept here.
   */
  details?: Record<string, string | number | boolean | null>;
  meta?: RequestMeta | null;
}

/**
 * A client's own request id goes in `details`, beside the server's `requestId` and never in its place,
 * so a support desk can match the event to the client's log.
 */
function withClientRequestId(details: Record<string, unknown>, clientRequestId: string | null | undefined) {
  return clientRequestId ? { ...details, clientRequestId } : details;
}

/** The append-only, hash-chained audit log: appends inside the caller's transaction, reads and checks. */
@Injectable()
export class AuditService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly events: AuditRepository,
    private readonly reads: AuditEventsReadModel,
  ) {}

  /** Appends one event inside the caller's transaction, so it commits with the change it records. */
  async record(m: EntityManager, input: AuditInput): Promise<AuditEvent> {
    const head = await this.events.lockHead(m);
    const prevHash = head?.hash ?? GENESIS_HASH;
    const fields: ChainedFields = {
      seq: head ? head.seq + 1 : 1,
      occurredAt: this.clock.now().toISOString(),
      actorUserId: input.actor?.userId ?? null,
      actorAgencyId: input.actor?.agencyId ?? null,
      action: input.action,
      targetType: input.target?.type ?? null,
      targetId: input.target?.id ?? null,
      outcome: input.outcome ?? 'success',
      requestId: input.meta?.requestId || null,
      sourceIp: input.meta?.ip ?? null,
      details: withClientRequestId(input.details ?? {}, input.meta?.clientRequestId),
    };
    const hash = chainHash(prevHash, fields);
    const row: AuditEvent = {
      ...fields,
      outcome: fields.outcome as AuditOutcome,
      occurredAt: new Date(fields.occurredAt),
      prevHash,
      hash,
    };
    await this.events.insert(m, row);
    return row;
  }

  /** Records an event in a transaction of its own (for refusals, where no other change commits). */
  recordAlone(input: AuditInput): Promise<AuditEvent> {
    return this.db.transaction((m) => this.record(m, input));
  }

  /** Recomputes the whole chain from the genesis hash and reports the first broken link. */
  async verify(): Promise<AuditVerifyReport> {
    let last = { seq: 0, hash: GENESIS_HASH };
    let checked = 0;
    for (;;) {
      const batch = await this.events.page(this.db.manager, { afterSeq: last.seq, limit: VERIFY_BATCH });
      if (batch.length === 0) break;
      const result = findBreak(batch.map(toAuditEventView), last);
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

  /** A page of the events `scope` may see that match `filter`, oldest or newest first. */
  async list(scope: AuditScope, filter: AuditEventFilter, page: AuditPage): Promise<AuditEventView[]> {
    return (await this.reads.page(this.db.manager, scope, filter, page)).map(toAuditEventView);
  }
}
