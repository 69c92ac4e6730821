import { QueryFailedError } from 'typeorm';

/** What a 503 `service_unavailable` asks a client to wait before trying again (`Retry-After`). */
export const DATABASE_RETRY_AFTER_SECONDS = 2;

/**
 * SQLSTATEs that blame the database's state, not the request: a lost or refused connection (class 08),
 * the server shutting down, crashed, starting up or its database dropped (57P01–57P04), and no free
 * connection slot (53300). The request itself may well succeed when tried again.
 */
const UNAVAILABLE_SQLSTATE = /^(08[0-9A-Z]{3}|57P0[1-4]|53300)$/;

/** Node's words for a TCP connection that could not be made or was cut. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

/**
 * pg and pg-pool's own errors carry no code, only these messages: the socket ended under a query or a
 * connection attempt, a connection was not had within the pool's `connectionTimeoutMillis`, a client
 * broken earlier was used.
 */
const DRIVER_MESSAGES = /^Connection terminated|timeout exceeded when trying to connect|is not queryable/;

interface ErrorFields {
  code?: unknown;
  severity?: unknown;
  message?: unknown;
}

/** An error PostgreSQL itself sent (it has a SQLSTATE and a severity), as opposed to one from the driver. */
function isServerError(e: ErrorFields): e is { code: string; severity: string } {
  return typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) && typeof e.severity === 'string';
}

function unavailable(e: ErrorFields, duringQuery: boolean): boolean {
  if (isServerError(e)) {
    // Outside a query, PostgreSQL refused the connection itself (no such database, not accepting
    // connections, too many clients, bad credentials after a change): nothing a client can fix.
    return !duringQuery || UNAVAILABLE_SQLSTATE.test(e.code);
  }
  if (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) return true;
  return typeof e.message === 'string' && DRIVER_MESSAGES.test(e.message);
}

/**
 * Whether `err` means the database could not be used just now (down, restarting, unreachable, out of
 * connections), so the request should be answered `503 service_unavailable` and tried again, rather
 * than `500 internal_error`. TypeORM wraps what fails inside a query in `QueryFailedError` (the driver's
 * error is `driverError`); a failure to get a connection from the pool arrives as the driver's error.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (err instanceof QueryFailedError) return unavailable(err.driverError as ErrorFields, true);
  if (typeof err !== 'object' || err === null) return false;
  return unavailable(err, false);
}
