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
