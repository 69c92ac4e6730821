import { CliUsageError } from '../../context.js';

const RELATIVE = /^(today|tomorrow)\s+(\d{1,2}):(\d{2})$/i;

/** How long ago a start time may be and still count as now: a meeting scheduled as it begins. */
export const PAST_GRACE_MS = 60_000;

/**
 * A meeting's start time as `--at` takes it: `2026-12-01T10:00` or `2026-12-01 10:00` (local time), a full
 * ISO timestamp, or `today 10:00` / `tomorrow 10:00` (local time, from `now`).
 */
export function meetingTime(value: string, now: Date): Date {
  const v = value.trim();
  const relative = RELATIVE.exec(v);
  if (relative) {
    const [hours, minutes] = [Number(relative[2]), Number(relative[3])];
    if (hours > 23 || minutes > 59) throw badTime();
    const d = new Date(now);
    d.setDate(d.getDate() + (relative[1].toLowerCase() === 'tomorrow' ? 1 : 0));
    d.setHours(hours, minutes, 0, 0);
    return d;
  }
  const t = Date.parse(v.includes('T') ? v : v.replace(' ', 'T'));
  if (Number.isNaN(t)) throw badTime();
  return new Date(t);
}

const badTime = () =>
  new CliUsageError('--at takes a date and time, e.g. 2026-12-01T10:00 or "tomorrow 10:00" (local time).');

/** `2026-12-01 10:00` in local time, as a person would write it back. */
export function localTime(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

/**
 * A meeting in the past is most often a typing slip (the wrong year or month), so it needs `--past`,
 * which says the meeting really happened and is being recorded afterwards; `--past` with a time still to
 * come is the opposite slip. The server accepts both: recording a past meeting is legitimate.
 */
export function checkWhen(at: Date, now: Date, past: boolean): void {
  const inPast = at.getTime() < now.getTime() - PAST_GRACE_MS;
  if (inPast && !past) {
    throw new CliUsageError(
      `That time is in the past (${localTime(at)}, it is now ${localTime(now)}). Check the date, ` +
        'or use --past to record a meeting that already happened.',
      'in_the_past',
    );
  }
  if (!inPast && past) {
    throw new CliUsageError(
      `--past is for a meeting that already happened, but ${localTime(at)} is still to come. Leave out --past.`,
      'not_in_the_past',
    );
  }
}
