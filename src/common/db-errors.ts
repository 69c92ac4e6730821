import { QueryFailedError } from 'typeorm';

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

/** A `.catch` handler that turns a duplicate on `constraint` into `error()` and rethrows anything else. */
export const onUniqueViolation =
  (constraint: string, error: () => Error) =>
  (err: unknown): never => {
    throw isUniqueViolation(err, constraint) ? error() : err;
  };
