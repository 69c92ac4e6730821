import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** Owner: agencies (`agencies`). Queries consent needs on that table, moved into its repository at merge time. */
@Injectable()
export class ConsentAgenciesTables {
  /** Whether every one of these (distinct) agency ids exists. */
  async allExist(m: EntityManager, agencyIds: string[]): Promise<boolean> {
    const found = await m.query<{ id: string }[]>('SELECT id FROM agencies WHERE id = ANY ($1::uuid[])', [agencyIds]);
    return found.length === agencyIds.length;
  }

  /** Every agency's id and name, by name. */
  names(m: EntityManager): Promise<{ id: string; name: string }[]> {
    return m.query<{ id: string; name: string }[]>('SELECT id, name FROM agencies ORDER BY name');
  }
}
