import { GRANT_MAX_DAYS } from '../../contracts/audit-grants.js';
import { badRequest, forbidden, type AppError } from '../common/app-error.js';

const DAY = 86_400_000;

/** An audit grant's end: after now, and at most GRANT_MAX_DAYS days from now. Null when it fits. */
export function grantEndRefusal(endsAt: Date, now: Date): AppError | null {
  if (endsAt.getTime() <= now.getTime()) {
    return badRequest('validation_failed', 'The end of the access must be in the future.', {
      fields: { endsAt: ['must be in the future'] },
    });
  }
  if (endsAt.getTime() > now.getTime() + GRANT_MAX_DAYS * DAY) {
    return badRequest('validation_failed', `Audit access lasts at most ${GRANT_MAX_DAYS} days.`, {
      fields: { endsAt: [`must be at most ${GRANT_MAX_DAYS} days from now`] },
    });
  }
  return null;
}

/** Nobody decides on their own access. */
export function ownGrantRefusal(auditorId: string, deciderId: string): AppError | null {
  return auditorId === deciderId
    ? forbidden('own_grant', 'You cannot decide on your own audit access: another administrator must.')
    : null;
}
