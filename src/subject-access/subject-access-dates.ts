/**
 * The dates of the subject-access register, as calendar days (`YYYY-MM-DD`, UTC). Pure functions, so the
 * month arithmetic that decides a legal deadline has its own spec.
 */

const DAY_MS = 86_400_000;

const parse = (day: string): { y: number; m: number; d: number } => {
  const [y, m, d] = day.split('-').map(Number);
  return { y, m, d };
};
const format = (y: number, m: number, d: number): string =>
  `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
const daysInMonth = (y: number, m: number): number => new Date(Date.UTC(y, m, 0)).getUTCDate();

/**
 * The same day `months` calendar months later; when that month is shorter, its last day (31 January plus
 * one month is 28 February, or 29 in a leap year), as the ICO counts a subject access deadline.
 */
export function addCalendarMonths(day: string, months: number): string {
  const { y, m, d } = parse(day);
  const index = y * 12 + (m - 1) + months;
  const ny = Math.floor(index / 12);
  const nm = (index % 12) + 1;
  return format(ny, nm, Math.min(d, daysInMonth(ny, nm)));
}

/** `days` calendar days later. */
export function addDays(day: string, days: number): string {
  const { y, m, d } = parse(day);
  const t = new Date(Date.UTC(y, m - 1, d) + days * DAY_MS);
  return format(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
}

/** The calendar day (UTC) of an instant. */
export const dayOf = (at: Date): string => at.toISOString().slice(0, 10);

/**
 * A request's deadline: one calendar month from the day it was received, plus the months of its one
 * extension. Counted from receipt in one step (31 January + 3 months is 30 April), never month by month
 * from a clamped date (which would give 28 April).
 */
export const deadlineFor = (receivedOn: string, extensionMonths: number | null): string =>
  addCalendarMonths(receivedOn, 1 + (extensionMonths ?? 0));

/** Past its due day: the due day itself still counts as in time. */
export const isPast = (dueOn: string, today: string): boolean => today > dueOn;

/** A real calendar day (2026-02-30 is not). */
export const isRealDay = (day: string): boolean => {
  const { y, m, d } = parse(day);
  return m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
};
