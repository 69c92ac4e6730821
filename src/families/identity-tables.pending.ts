import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** Owner: identity (`users`). Queries families needs on that table, moved into its repository at merge time. */
@Injectable()
export class FamiliesIdentityTables {
  /** The agency of a user (a family's lead worker); null if there is no such user. */
  async agencyOf(m: EntityManager, userId: string): Promise<string | null> {
    const [row] = await m.query<{ agency_id: string }[]>('SELECT agency_id FROM users WHERE id = $1', [userId]);
    return row?.agency_id ?? null;
  }

  async displayName(m: EntityManager, userId: string): Promise<string | null> {
    const [row] = await m.query<{ display_name: string }[]>('SELECT display_name FROM users WHERE id = $1', [userId]);
    return row?.display_name ?? null;
  }

  /** What a hand-over checks of the next lead worker; null if there is no such user. */
  async roleAndAgency(
    m: EntityManager,
    userId: string,
  ): Promise<{ role: string; status: string; agency_id: string } | null> {
    const [row] = await m.query<{ role: string; status: string; agency_id: string }[]>(
      'SELECT role, status, agency_id FROM users WHERE id = $1',
      [userId],
    );
    return row ?? null;
  }
}
