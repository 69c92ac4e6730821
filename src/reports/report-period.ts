import { REPORT_MAX_DAYS, type ReportPeriodQuery } from '../../contracts/reports.js';
import { badRequest } from '../common/app-error.js';

const DAY = 86_400_000;

/**
 * A report's period from its query at `now`: `to` defaults to now, `from` to a year before `to`. The schema
 * checks both when both are given; a default can still make the period run backwards or too long.
 */
export function resolvePeriod(q: ReportPeriodQuery, now: Date): { from: Date; to: Date } {
  const to = q.to ? new Date(q.to) : now;
  const from = q.from ? new Date(q.from) : new Date(to.getTime() - 365 * DAY);
  if (from >= to)
    throw badRequest('validation_failed', 'The period must start before it ends.', {
      fields: { from: ['must be before `to`'] },
    });
  if (to.getTime() - from.getTime() > REPORT_MAX_DAYS * DAY) {
    // Name the bound the person gave: the other was a default.
    const field = q.from && !q.to ? 'from' : 'to';
    throw badRequest('validation_failed', 'A report covers at most five years.', {
      fields: { [field]: ['a report covers at most five years'] },
    });
  }
  return { from, to };
}

/** Every calendar quarter (UTC) the period touches, as `YYYY-Qn`, oldest first. */
export function quartersOf(from: Date, to: Date): string[] {
  const out: string[] = [];
  let y = from.getUTCFullYear();
  let q = Math.floor(from.getUTCMonth() / 3);
  const last = new Date(to.getTime() - 1);
  const endKey = last.getUTCFullYear() * 4 + Math.floor(last.getUTCMonth() / 3);
  while (y * 4 + q <= endKey) {
    out.push(`${y}-Q${q + 1}`);
    if (++q === 4) {
      q = 0;
      y++;
    }
  }
  return out;
}
