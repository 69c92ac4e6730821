import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { GrantStatus, GrantView } from '../../contracts/audit-grants.js';
import type { GrantRow } from './audit-grants.repository.js';

/** A case an auditor may ask for, as the server knows it: its id, its reference and its channel. */
export interface GrantCase {
  id: string;
  ref: string | null;
  channelId: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The cross-module statements of audit grants (docs/ARCHITECTURE.md, data access): which channel a family
 * or a referral has (the families and referrals modules' tables), and grants listed with their auditor's
 * name (identity's users). An approved grant whose end has passed reads as `expired`: the end itself is
 * carried out on the membership by the channels module's job, so nothing here needs to change the row. One
 * whose auditor left the case another way (the chair removed them, or their account was disabled) reads as
 * `ended`.
 */
@Injectable()
export class AuditGrantsReadModel {
  async channelCase(m: EntityManager, channelId: string): Promise<GrantCase | null> {
    const [row] = await m.query<{ id: string }[]>('SELECT id FROM channels WHERE id = $1', [channelId]);
    return row ? { id: row.id, ref: null, channelId: row.id } : null;
  }

  /** A family by its id or its reference. */
  async familyCase(m: EntityManager, idOrRef: string): Promise<GrantCase | null> {
    const [row] = await m.query<{ id: string; ref: string; channel_id: string }[]>(
      `SELECT id, ref, channel_id FROM families WHERE ${UUID.test(idOrRef) ? 'id = $1::uuid' : 'upper(ref) = upper($1)'}`,
      [idOrRef],
    );
    return row ? { id: row.id, ref: row.ref, channelId: row.channel_id } : null;
  }

  /** A referral by its id or its reference (a draft, which has none yet, is not a case to audit). */
  async referralCase(m: EntityManager, idOrRef: string): Promise<GrantCase | null> {
    const [row] = await m.query<{ id: string; ref: string; channel_id: string }[]>(
      `SELECT id, ref, channel_id FROM referrals
        WHERE ref IS NOT NULL AND ${UUID.test(idOrRef) ? 'id = $1::uuid' : 'upper(ref) = upper($1)'}`,
      [idOrRef],
    );
    return row ? { id: row.id, ref: row.ref, channelId: row.channel_id } : null;
  }

  /** Grants newest first: one auditor's (`auditorId`), or everyone's; optionally of one status. */
  async list(
    m: EntityManager,
    now: Date,
    q: { auditorId?: string; status?: GrantStatus; id?: string },
  ): Promise<GrantView[]> {
    const rows = await m.query<(GrantRow & { auditor_name: string; shown_status: GrantStatus })[]>(
      `SELECT * FROM (
         SELECT g.*, u.display_name AS auditor_name,
                CASE WHEN g.status = 'approved' AND g.ends_at <= $1 THEN 'expired'
                     -- Removed from the case another way (by the chair, or as a leaver): access has ended.
                     WHEN g.status = 'approved' AND NOT EXISTS (
                       SELECT 1 FROM channel_members cm WHERE cm.channel_id = g.channel_id AND cm.user_id = g.auditor_id
                     ) THEN 'ended'
                     ELSE g.status END AS shown_status
           FROM audit_grants g JOIN users u ON u.id = g.auditor_id
          WHERE ($2::uuid IS NULL OR g.auditor_id = $2) AND ($4::uuid IS NULL OR g.id = $4)) x
        WHERE $3::text IS NULL OR shown_status = $3
        ORDER BY requested_at DESC, id`,
      [now, q.auditorId ?? null, q.status ?? null, q.id ?? null],
    );
    return rows.map((r) => ({
      id: r.id,
      auditorId: r.auditor_id,
      auditorName: r.auditor_name,
      caseKind: r.case_kind,
      caseRef: r.case_ref,
      channelIds: [r.channel_id],
      purpose: r.purpose,
      status: r.shown_status,
      requestedAt: r.requested_at.toISOString(),
      decidedBy: r.decided_by,
      decidedAt: r.decided_at?.toISOString() ?? null,
      endsAt: r.ends_at?.toISOString() ?? null,
      endedAt: r.ended_at?.toISOString() ?? null,
      endedBy: r.ended_by,
    }));
  }
}
