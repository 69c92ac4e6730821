import { DataSource, QueryFailedError } from 'typeorm';
import { inlined, literal, RoundTrips } from '../src/common/sql.js';
import { countOf } from './support/db.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/**
 * RoundTrips (src/common/sql.ts) sends several statements in one message with their parameters written in
 * as literals: the group commit's two round trips per batch. What must hold: every value arrives as given
 * (nothing a client sends can become SQL), and a round trip that fails leaves nothing behind and a clean
 * connection in the pool.
 */
describe('RoundTrips: several statements in one round trip, parameters as literals', () => {
  let t: TestApp;
  let db: DataSource;

  beforeAll(async () => {
    t = await startTestApp();
    db = t.app.get(DataSource);
    await t.sql('CREATE TABLE round_trip_probe (id int PRIMARY KEY, note text)');
  });
  afterAll(() => t.close());

  async function roundTrip(statements: Parameters<RoundTrips['send']>[0]) {
    const tx = await RoundTrips.open(db);
    let failed = false;
    try {
      return await tx.send(statements);
    } catch (err) {
      failed = true;
      throw err;
    } finally {
      await tx.close(failed);
    }
  }

  it('carries hostile text, bytes, numbers, dates, nulls and arrays unchanged', async () => {
    const hostile = [
      "it's",
      "'); DROP TABLE round_trip_probe; --",
      "back\\slash \\x00 and E'\\'",
      '$1 $2 $$ dollar $$ quoted',
      'unicode ✓ — Ünïcødé 🚸',
      '',
    ];
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const when = new Date('2026-12-04T15:30:00.123Z');
    const ids = ['3f1c2a9e-0b7d-4e55-9a61-2f0c9d8e7b6a', '00000000-0000-4000-8000-000000000000'];
    const [[row]] = await roundTrip([
      {
        sql: `SELECT $1::text[] AS texts, $2::bytea AS bytes, $3::int AS negative, $4::bigint AS big,
                     $5::timestamptz AS when, $6::text AS nothing, $7::uuid[] AS ids, $8::bytea[] AS blobs,
                     $9::int[] AS ints, $10::uuid[] AS none, $11::boolean AS yes`,
        params: [hostile, bytes, -42, '9007199254740993', when, null, ids, [bytes, null], [1, null, 3], [], true],
      },
    ]);
    expect(row).toEqual({
      texts: hostile,
      bytes,
      negative: -42,
      big: '9007199254740993',
      when,
      nothing: null,
      ids,
      blobs: [bytes, null],
      ints: [1, null, 3],
      none: [],
      yes: true,
    });
    expect(await countOf(t, `SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'round_trip_probe'`)).toBe(1);
  });

  it('refuses what has no safe literal rather than guessing', () => {
    expect(() => literal(Number.NaN)).toThrow(TypeError);
    expect(() => literal(Infinity)).toThrow(TypeError);
    expect(() => literal("a'\0'; DROP TABLE round_trip_probe; --")).toThrow(TypeError); // the text would end at the NUL
    expect(() => literal(['fine', 'not\0fine'])).toThrow(TypeError);
    expect(() => literal(10n)).toThrow(TypeError);
    expect(() => literal({ toString: () => "1'); DROP TABLE x; --" })).toThrow(TypeError);
    expect(() => inlined({ sql: 'SELECT $2::int', params: [1] })).toThrow(RangeError);
    // A placeholder's text inside a value is not read as a placeholder again.
    expect(inlined({ sql: 'SELECT $1::text, $2::int', params: ['$2', 7] })).toBe(`SELECT '$2'::text, 7::int`);
  });

  it('each statement after a lock reads what was committed while it waited', async () => {
    await t.sql(`INSERT INTO round_trip_probe VALUES (1, 'before')`);
    const holder = await RoundTrips.open(db);
    try {
      await holder.send(['BEGIN', `SELECT id FROM round_trip_probe WHERE id = 1 FOR UPDATE`]);
      const waiting = roundTrip([
        'BEGIN',
        `SELECT id FROM round_trip_probe WHERE id = 1 FOR UPDATE`,
        `SELECT note FROM round_trip_probe WHERE id = 1`,
        'COMMIT',
      ]);
      await new Promise((r) => setTimeout(r, 200)); // the second is now waiting for the lock
      await holder.send([`UPDATE round_trip_probe SET note = 'changed while you waited' WHERE id = 1`, 'COMMIT']);
      const [, , [read]] = await waiting;
      expect(read).toEqual({ note: 'changed while you waited' });
    } finally {
      await holder.close(false);
    }
  });

  it('a round trip that fails leaves nothing of its transaction, and the connection goes back clean', async () => {
    const tx = await RoundTrips.open(db);
    let failed = false;
    try {
      await tx.send(['BEGIN', { sql: 'INSERT INTO round_trip_probe VALUES ($1, $2)', params: [2, 'first'] }]);
      await tx.send([
        { sql: 'INSERT INTO round_trip_probe VALUES ($1, $2)', params: [3, 'second'] },
        'SELECT 1/0',
        'COMMIT',
      ]);
    } catch (err) {
      failed = true;
      expect(err).toBeInstanceOf(QueryFailedError);
      expect((err as QueryFailedError).driverError).toMatchObject({ code: '22012' }); // division by zero
    } finally {
      await tx.close(failed);
    }
    expect(failed).toBe(true);
    expect(await countOf(t, 'SELECT count(*)::int AS n FROM round_trip_probe WHERE id IN (2, 3)')).toBe(0);
    // Every pooled connection is usable and outside any transaction.
    const states = await Promise.all(
      Array.from({ length: 5 }, () => roundTrip([`SELECT now() = statement_timestamp() AS fresh`])),
    );
    for (const [[s]] of states) expect(s).toEqual({ fresh: true });
  });
});
