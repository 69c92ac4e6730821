import { addCalendarMonths, addDays, dayOf, deadlineFor, isPast, isRealDay } from './subject-access-dates.js';

describe('subject access dates', () => {
  it('one calendar month from receipt is the same day of the next month', () => {
    expect(deadlineFor('2026-03-14', null)).toBe('2026-04-14');
    expect(deadlineFor('2026-12-05', null)).toBe('2027-01-05');
  });

  it('a month with no such day gives its last day: 31 January → 28 February, or 29 in a leap year', () => {
    expect(deadlineFor('2026-01-31', null)).toBe('2026-02-28');
    expect(deadlineFor('2028-01-31', null)).toBe('2028-02-29');
    expect(deadlineFor('2026-03-31', null)).toBe('2026-04-30');
    expect(deadlineFor('2026-01-29', null)).toBe('2026-02-28');
    expect(deadlineFor('2026-01-28', null)).toBe('2026-02-28');
  });

  it('an extension counts from receipt in one step, not from a clamped month', () => {
    expect(deadlineFor('2026-01-31', 2)).toBe('2026-04-30');
    expect(deadlineFor('2026-01-31', 1)).toBe('2026-03-31');
    expect(deadlineFor('2026-11-30', 2)).toBe('2027-02-28');
  });

  it('adds months across years and days across months and years', () => {
    expect(addCalendarMonths('2026-11-15', 3)).toBe('2027-02-15');
    expect(addDays('2026-12-29', 5)).toBe('2027-01-03');
    expect(addDays('2028-02-26', 5)).toBe('2028-03-02');
  });

  it('the due day itself is in time; the day after is past', () => {
    expect(isPast('2026-02-28', '2026-02-28')).toBe(false);
    expect(isPast('2026-02-28', '2026-03-01')).toBe(true);
    expect(dayOf(new Date('2026-02-28T23:59:59Z'))).toBe('2026-02-28');
  });

  it('knows a real calendar day', () => {
    expect(isRealDay('2028-02-29')).toBe(true);
    expect(isRealDay('2026-02-29')).toBe(false);
    expect(isRealDay('2026-04-31')).toBe(false);
  });
});
