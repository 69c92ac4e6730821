import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AgencyStatus } from '../../contracts/agencies.js';

/** A user as channel admission needs them: account status and their agency's standing. */
export interface JoinCandidate {
  status: string;
  agencyId: string;
  agencyName: string;
  agencyStatus: AgencyStatus;
  withdrawalEffectiveAt: Date | null;
}

// Owner: identity (users, devices) and agencies (agencies) — the identity helper; the lead moves these
// queries into their repositories at merge time.
/** Queries on identity's and agencies' tables that the channels module needs, until their owner exports them. */
@Injectable()
export class IdentityTablesPending {
  /** A user with their agency's name and standing, or undefined. */
  async joinCandidate(m: EntityManager, userId: string): Promise<JoinCandidate | undefined> {
    const [row] = await m.query<
      {
        status: string;
        agency_id: string;
        agency_name: string;
        agency_status: AgencyStatus;
        withdrawal_effective_at: Date | null;
      }[]
    >(
      `SELECT u.status, u.agency_id, a.name AS agency_name, a.status AS agency_status, a.withdrawal_effective_at
         FROM users u JOIN agencies a ON a.id = u.agency_id WHERE u.id = $1`,
      [userId],
    );
    return (
      row && {
        status: row.status,
        agencyId: row.agency_id,
        agencyName: row.agency_name,
        agencyStatus: row.agency_status,
        withdrawalEffectiveAt: row.withdrawal_effective_at,
      }
    );
  }

  /** Every user of an agency (all statuses). */
  async userIdsOfAgency(m: EntityManager, agencyId: string): Promise<string[]> {
    const rows = await m.query<{ id: string }[]>('SELECT id FROM users WHERE agency_id = $1', [agencyId]);
    return rows.map((r) => r.id);
  }

  /** Whether `deviceId` is one of `userId`'s devices and not revoked. */
  async ownsActiveDevice(m: EntityManager, deviceId: string, userId: string): Promise<boolean> {
    const rows = await m.query<{ id: string }[]>(
      'SELECT id FROM devices WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL',
      [deviceId, userId],
    );
    return rows.length > 0;
  }
}
