import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

// Owner: identity (users). The lead moves this into the identity repository.
@Injectable()
export class IdentityTablesPending {
  /** Every user of an agency (whose sockets are cut when it is withdrawn or suspended). */
  async userIdsOfAgency(m: EntityManager, agencyId: string): Promise<string[]> {
    const rows = await m.query<{ id: string }[]>('SELECT id FROM users WHERE agency_id = $1', [agencyId]);
    return rows.map((r) => r.id);
  }
}
