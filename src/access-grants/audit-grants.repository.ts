import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { GrantCaseKind } from '../../contracts/audit-grants.js';
import { returningRows } from '../common/sql.js';

/** A stored grant; `status` as stored (an approved grant past its end reads as expired, see the read model). */
export interface GrantRow {
  id: string;
  auditor_id: string;
  case_kind: GrantCaseKind;
  case_id: string;
  case_ref: string | null;
  channel_id: string;
  purpose: string;
  status: 'requested' | 'approved' | 'refused' | 'ended';
  requested_at: Date;
  decided_by: string | null;
  decided_at: Date | null;
  ends_at: Date | null;
  ended_at: Date | null;
  ended_by: string | null;
}

/** The audit_grants table. */
@Injectable()
export class AuditGrantsRepository {
  async insert(
    m: EntityManager,
    g: {
      auditorId: string;
      caseKind: GrantCaseKind;
      caseId: string;
      caseRef: string | null;
      channelId: string;
      purpose: string;
      at: Date;
    },
  ): Promise<GrantRow> {
    const [row] = await returningRows<GrantRow>(
      m,
      `INSERT INTO audit_grants (auditor_id, case_kind, case_id, case_ref, channel_id, purpose, status, requested_at)
       VALUES ($1, $2, $3, $4, $5, $6, 'requested', $7) RETURNING *`,
      [g.auditorId, g.caseKind, g.caseId, g.caseRef, g.channelId, g.purpose, g.at],
    );
    return row;
  }

  /** The grant, locked for the caller's transaction; null when there is none. */
  async lock(m: EntityManager, id: string): Promise<GrantRow | null> {
    const [row] = await m.query<GrantRow[]>('SELECT * FROM audit_grants WHERE id = $1 FOR UPDATE', [id]);
    return row ?? null;
  }

  async decide(
    m: EntityManager,
    id: string,
    d: { status: 'approved' | 'refused'; by: string; at: Date; endsAt: Date | null },
  ): Promise<void> {
    await m.query(
      `UPDATE audit_grants SET status = $2, decided_by = $3, decided_at = $4, ends_at = $5
        WHERE id = $1 AND status = 'requested'`,
      [id, d.status, d.by, d.at, d.endsAt],
    );
  }

  async end(m: EntityManager, id: string, by: string, at: Date): Promise<void> {
    await m.query(
      `UPDATE audit_grants SET status = 'ended', ended_by = $2, ended_at = $3 WHERE id = $1 AND status = 'approved'`,
      [id, by, at],
    );
  }
}
