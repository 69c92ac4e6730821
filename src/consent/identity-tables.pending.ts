import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** Owner: identity (`users`). Queries consent needs on that table, moved into its repository at merge time. */
@Injectable()
export class ConsentIdentityTables {
  /** What the register checks of an assessor or an approver; null if there is no such user. */
  async person(m: EntityManager, userId: string): Promise<{ status: string; role: string; agency_id: string } | null> {
    const [row] = await m.query<{ status: string; role: string; agency_id: string }[]>(
      'SELECT status, role, agency_id FROM users WHERE id = $1',
      [userId],
    );
    return row ?? null;
  }
}
