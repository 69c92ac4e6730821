import pg from 'pg';
import type { TestApp } from './test-app.js';

/** The first row of a query on this test's database, typed by the caller. */
export async function firstRow<T>(t: TestApp, text: string, params?: unknown[]): Promise<T> {
  const { rows } = await t.sql(text, params);
  return rows[0] as T;
}

/** Runs a `SELECT count(*)::int AS n …` and returns n. */
export async function countOf(t: TestApp, text: string, params?: unknown[]): Promise<number> {
  return (await firstRow<{ n: number }>(t, text, params)).n;
}

/** Runs statements as superuser on a connection of its own, with user triggers switched off (tampering). */
export async function behindTheTriggersBack(t: TestApp, sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: t.databaseUrl });
  await c.connect();
  try {
    await c.query(`BEGIN; SET LOCAL session_replication_role = replica; ${sql}; COMMIT;`);
  } finally {
    await c.end();
  }
}
