import type { EntityManager, QueryResult } from 'typeorm';

/**
 * Rows of an `INSERT/UPDATE/DELETE … RETURNING`. TypeORM's `manager.query` returns `[rows, count]` for
 * those statements rather than the rows, which is easy to iterate by mistake; this asks for the
 * structured result and returns its records.
 */
export async function returningRows<T>(m: EntityManager, sql: string, params: unknown[] = []): Promise<T[]> {
  const runner = m.queryRunner ?? m.connection.createQueryRunner();
  try {
    const result = (await runner.query(sql, params, true)) as QueryResult<T>;
    return result.records;
  } finally {
    if (!m.queryRunner) await runner.release();
  }
}

/**
 * One owner's part of a statement another owner runs, so that two modules' writes go in one round trip
 * while each table's SQL stays with its module: a data-modifying CTE body whose placeholders are
 * numbered from $1, and its parameters.
 */
export interface SqlPart {
  sql: string;
  params: unknown[];
}

/** The SQL with each placeholder $n moved on by `by`, to follow `by` parameters of the statement it joins. */
export function renumbered(sql: string, by: number): string {
  return sql.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + by}`);
}
