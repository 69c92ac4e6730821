import type { DataSource, EntityTarget } from 'typeorm';

/**
 * Hand-written SQL that still yields real entities, for hot paths where building a query with the
 * query builder costs more than running it. `selectColumns` lists an entity's columns under
 * `"alias.property"` names; `hydrate` turns those back into the entity, through the same driver
 * conversions and column transformers TypeORM itself applies.
 */
export function selectColumns(db: DataSource, entity: EntityTarget<object>, alias: string): string {
  return db
    .getMetadata(entity)
    .columns.map((c) => `${alias}.${c.databaseName} AS "${alias}.${c.propertyName}"`)
    .join(', ');
}

export function hydrate<T extends object>(
  db: DataSource,
  entity: new () => T,
  alias: string,
  row: Record<string, unknown>,
): T {
  const out = new entity() as Record<string, unknown>;
  for (const c of db.getMetadata(entity).columns) {
    out[c.propertyName] = db.driver.prepareHydratedValue(row[`${alias}.${c.propertyName}`], c);
  }
  return out as T;
}
