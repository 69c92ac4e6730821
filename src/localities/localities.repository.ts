import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { LocalityView } from '../../contracts/localities.js';

/** A row of `localities`. */
interface LocalityRow {
  id: string;
  name: string;
  created_at: Date;
}

const toView = (r: LocalityRow): LocalityView => ({ id: r.id, name: r.name, createdAt: r.created_at.toISOString() });

/** Every query on `localities`: the ISA team's short list of areas. */
@Injectable()
export class LocalitiesRepository {
  /** Every locality, by name. */
  async list(m: EntityManager): Promise<LocalityView[]> {
    const rows = await m.query<LocalityRow[]>('SELECT * FROM localities ORDER BY lower(name), id');
    return rows.map(toView);
  }

  async find(m: EntityManager, id: string): Promise<LocalityView | null> {
    const [row] = await m.query<LocalityRow[]>('SELECT * FROM localities WHERE id = $1', [id]);
    return row ? toView(row) : null;
  }

  /** True when a locality of this name exists, whatever its case. */
  async nameTaken(m: EntityManager, name: string): Promise<boolean> {
    const rows = await m.query<unknown[]>('SELECT 1 FROM localities WHERE lower(name) = lower($1)', [name]);
    return rows.length > 0;
  }

  async insert(m: EntityManager, name: string, createdAt: Date): Promise<LocalityView> {
    const [row] = await m.query<LocalityRow[]>(
      'INSERT INTO localities (name, created_at) VALUES ($1, $2) RETURNING *',
      [name, createdAt],
    );
    return toView(row);
  }
}
