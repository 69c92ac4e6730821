import type { EntityManager } from 'typeorm';
import type { ErrorCode } from '../../contracts/errors.js';
import { conflict } from './app-error.js';

/**
 * The version a save makes of a versioned sealed document (meeting minutes, a whole-family plan): one
 * more than the latest. A writer who started from an older version is refused with 409 `code`, so
 * nothing is silently overwritten. `latestSql` selects `latest` (0 when there is none) for `$1`; the
 * caller holds the row lock that puts concurrent saves in order.
 */
export async function nextVersion(
  m: EntityManager,
  latestSql: string,
  id: string,
  baseVersion: number,
  code: ErrorCode,
  message: (latest: number) => string,
): Promise<number> {
  const [{ latest }] = await m.query<{ latest: number }[]>(latestSql, [id]);
  if (baseVersion !== latest) {
    throw conflict(code, message(latest), { latestVersion: latest });
  }
  return latest + 1;
}
