import { addCalendarMonths } from './clock.js';

describe('addCalendarMonths', () => {
  it('moves to the same day and time of the next month', () => {
    expect(addCalendarMonths(new Date('2026-03-14T09:30:00.000Z'), 1).toISOString()).toBe('2026-04-14T09:30:00.000Z');
  });
  it('clamps the 31st to the last day of a shorter month', () => {
    expect(addCalendarMonths(new Date('2026-01-31T12:00:00.000Z'), 1).toISOString()).toBe('2026-02-28T12:00:00.000Z');
    expect(addCalendarMonths(new Date('2028-01-31T12:00:00.000Z'), 1).toISOString()).toBe('2028-02-29T12:00:00.000Z');
  });
  it('rolls over the year end', () => {
    expect(addCalendarMonths(new Date('2026-12-15T00:00:00.000Z'), 1).toISOString()).toBe('2027-01-15T00:00:00.000Z');
  });
});
