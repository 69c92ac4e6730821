import { QueryFailedError } from 'typeorm';
import { AppError } from './app-error.js';

/**
 * True when `err` is PostgreSQL refusing a duplicate on this unique constraint or index. Services check
 * for a clash before inserting, but two concurrent requests can both pass that check; the database's
 * constraint is what decides, and this lets the loser get the same 409 as a sequential duplicate.
 */
export function isUniqueViolation(err: unknown, constraint: string): boolean {
  if (!(err instanceof QueryFailedError)) return false;
  const driver = err.driverError as { code?: unknown; constraint?: unknown } | undefined;
  return driver?.code === '23505' && driver.constraint === constraint;
}

/**
 * A `.catch` for inserting a record whose id the client made (sealed fields are bound to it): a taken
 * id is a 409 `record_exists`, never a 500.
 */
export const onRecordIdTaken =
  (table: string) =>
  (err: unknown): never => {
    if (isUniqueViolation(err, `${table}_pkey`)) {
      throw new AppError(409, 'record_exists', 'A record with this id already exists: make a new id and try again.');
    }
    throw err;
  };

/** A `.catch` handler that turns a duplicate on `constraint` into `error()` and rethrows anything else. */
export const onUniqueViolation =
  (constraint: string, error: () => Error) =>
  (err: unknown): never => {
    throw isUniqueViolation(err, constraint) ? error() : err;
  };
