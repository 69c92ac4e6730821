import pg from 'pg';
import { QueryFailedError, type DataSource, type EntityManager, type QueryResult, type QueryRunner } from 'typeorm';

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

/** Each placeholder `$n` in `sql` replaced by what `to(n)` gives (read once: a replacement is not rescanned). */
const eachPlaceholder = (sql: string, to: (n: number) => string): string =>
  sql.replace(/\$(\d+)/g, (_, n: string) => to(Number(n)));

/** The SQL with each placeholder $n moved on by `by`, to follow `by` parameters of the statement it joins. */
export function renumbered(sql: string, by: number): string {
  return eachPlaceholder(sql, (n) => `$${n + by}`);
}

/**
 * A value written as a SQL literal, for `inlined`: text through pg's `escapeLiteral` (quotes and
 * backslashes doubled, as libpq does), numbers only when finite, bytes as hex, arrays element by element.
 * Every placeholder in this project's SQL carries its type (`$1::uuid[]`), which the literal then takes.
 */
export function literal(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'string') {
    // A query's text ends at its first NUL byte on the wire: no such text can be written in.
    if (value.includes('\0')) throw new TypeError('A NUL character cannot be written into SQL text');
    return pg.escapeLiteral(value);
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`Not a finite number for SQL: ${value}`);
    return String(value);
  }
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) return pg.escapeLiteral(value.toISOString());
  if (Buffer.isBuffer(value)) return `'\\x${value.toString('hex')}'`;
  if (Array.isArray(value)) return value.length ? `ARRAY[${value.map(literal).join(', ')}]` : `'{}'`;
  throw new TypeError(`No SQL literal for a ${typeof value}`);
}

/** The part as one statement's text, its parameters written in as literals (`literal`). */
export function inlined(part: SqlPart): string {
  return eachPlaceholder(part.sql, (n) => {
    if (n > part.params.length) throw new RangeError(`$${n} has no parameter`);
    return literal(part.params[n - 1]);
  });
}

/**
 * A transaction sent to PostgreSQL a few statements at a time: each `send` is ONE round trip however many
 * statements it carries (the simple query protocol, parameters written in as literals by `inlined`).
 * The group commit uses it to make a batch two round trips, `BEGIN; lock; read` and `write; COMMIT`,
 * where one statement per round trip made it five. `manager` runs the occasional ordinary query in the
 * same transaction. Each statement still takes its own snapshot (READ COMMITTED), so a read sent after
 * a lock in the same round trip sees what was committed before the lock was granted.
 */
export class RoundTrips {
  private constructor(
    private readonly db: DataSource,
    private readonly runner: QueryRunner,
    private readonly client: pg.ClientBase,
  ) {}

  static async open(db: DataSource): Promise<RoundTrips> {
    const runner = db.createQueryRunner();
    try {
      return new RoundTrips(db, runner, (await runner.connect()) as pg.ClientBase);
    } catch (err) {
      await runner.release();
      throw err;
    }
  }

  /** For statements that need no other in their round trip. */
  get manager(): EntityManager {
    return this.runner.manager;
  }

  /** Runs the statements in one round trip; each one's rows, in order. Fails as TypeORM's queries do. */
  async send(statements: (SqlPart | string)[]): Promise<Record<string, unknown>[][]> {
    const text = statements.map((s) => (typeof s === 'string' ? s : inlined(s))).join(';\n');
    this.db.logger.logQuery(text, undefined, this.runner);
    try {
      const raw = (await this.client.query(text)) as unknown as pg.QueryResult | pg.QueryResult[];
      return (Array.isArray(raw) ? raw : [raw]).map((r) => r.rows as Record<string, unknown>[]);
    } catch (err) {
      this.db.logger.logQueryError(err as Error, text, undefined, this.runner);
      throw new QueryFailedError(text, undefined, err as Error);
    }
  }

  /**
   * Gives the connection back, after a ROLLBACK when a round trip failed (a warning only if no
   * transaction was open). A connection that cannot even roll back is broken, and pg's pool drops it.
   */
  async close(failed: boolean): Promise<void> {
    if (failed) await this.client.query('ROLLBACK').catch(() => undefined);
    await this.runner.release();
  }
}
