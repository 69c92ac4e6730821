import { QueryFailedError } from 'typeorm';
import { isDatabaseUnavailable } from './db-unavailable.js';

/** An error as PostgreSQL sends it (pg's DatabaseError carries the SQLSTATE and a severity). */
const pgError = (code: string, message: string) => Object.assign(new Error(message), { code, severity: 'FATAL' });
/** The same error raised under a query, as TypeORM wraps it. */
const inQuery = (driverError: Error) => new QueryFailedError('SELECT 1', [], driverError);
const netError = (code: string) => Object.assign(new Error(`connect ${code} 127.0.0.1:5432`), { code });

describe('isDatabaseUnavailable', () => {
  it.each([
    ['a refused connection', netError('ECONNREFUSED')],
    ['a reset connection', netError('ECONNRESET')],
    ['an unreachable host', netError('EHOSTUNREACH')],
    ['the socket ending under a connection attempt', new Error('Connection terminated unexpectedly')],
    ["the pool's connection timeout", new Error('timeout exceeded when trying to connect')],
    ["the client's connection timeout", new Error('Connection terminated due to connection timeout')],
    ['the database starting up', pgError('57P03', 'the database system is starting up')],
    ['the database shutting down', pgError('57P03', 'the database system is shutting down')],
    ['too many clients', pgError('53300', 'sorry, too many clients already')],
    ['a database not accepting connections', pgError('55000', 'database "x" is not currently accepting connections')],
    ['a database that does not exist (renamed or dropped)', pgError('3D000', 'database "x" does not exist')],
    [
      'the backend terminated under a query',
      inQuery(pgError('57P01', 'terminating connection due to administrator command')),
    ],
    ['the server crashing under a query', inQuery(pgError('57P02', 'terminating connection because of crash'))],
    ['a connection failure under a query', inQuery(pgError('08006', 'connection failure'))],
    ['the socket ending under a query', inQuery(new Error('Connection terminated unexpectedly'))],
    ['a client broken earlier', inQuery(new Error('Client has encountered a connection error and is not queryable'))],
  ])('is true for %s', (_what, err) => {
    expect(isDatabaseUnavailable(err)).toBe(true);
  });

  it.each([
    ['a unique violation', inQuery(pgError('23505', 'duplicate key value violates unique constraint'))],
    ['a syntax error', inQuery(pgError('42601', 'syntax error at or near "x"'))],
    ['a serialization failure (retried by its caller)', inQuery(pgError('40001', 'could not serialize access'))],
    ['a state error under a query', inQuery(pgError('55000', 'object not in prerequisite state'))],
    ['a programming error', new TypeError('x is not a function')],
    ['a plain error', new Error('something else')],
    ['nothing at all', undefined],
    ['a string', 'ECONNREFUSED'],
  ])('is false for %s', (_what, err) => {
    expect(isDatabaseUnavailable(err)).toBe(false);
  });
});
