import { CliUsageError } from '../../context.js';
import { checkWhen, localTime, meetingTime } from './when.js';

describe('a meeting’s start time as --at takes it', () => {
  const now = new Date(2026, 11, 3, 9, 30); // 3 December 2026, 09:30 local time

  it('reads a local date and time, a full timestamp, and today or tomorrow at a time', () => {
    expect(localTime(meetingTime('2026-12-01T10:00', now))).toBe('2026-12-01 10:00');
    expect(localTime(meetingTime('2026-12-01 10:00', now))).toBe('2026-12-01 10:00');
    expect(meetingTime('2026-12-01T10:00:00Z', now).toISOString()).toBe('2026-12-01T10:00:00.000Z');
    expect(localTime(meetingTime('tomorrow 10:00', now))).toBe('2026-12-04 10:00');
    expect(localTime(meetingTime('Today 9:05', now))).toBe('2026-12-03 09:05');
    // The last day of a month rolls over to the next.
    expect(localTime(meetingTime('tomorrow 08:00', new Date(2026, 11, 31, 12, 0)))).toBe('2027-01-01 08:00');
  });

  it('refuses what is not a time, in words that show one', () => {
    for (const bad of ['soon', 'tomorrow', 'tomorrow 25:00', 'today 10:75', '']) {
      expect(() => meetingTime(bad, now)).toThrow('--at takes a date and time, e.g. 2026-12-01T10:00');
    }
  });

  it('refuses a time in the past without --past, and --past for a time still to come', () => {
    const past = () => checkWhen(new Date(2026, 11, 1, 10, 0), now, false);
    expect(past).toThrow(CliUsageError);
    expect(past).toThrow(
      'That time is in the past (2026-12-01 10:00, it is now 2026-12-03 09:30). Check the date, or use --past to record a meeting that already happened.',
    );
    expect(() => checkWhen(new Date(2026, 11, 1, 10, 0), now, true)).not.toThrow();
    expect(() => checkWhen(new Date(2026, 11, 4, 10, 0), now, false)).not.toThrow();
    expect(() => checkWhen(new Date(2026, 11, 4, 10, 0), now, true)).toThrow(
      '--past is for a meeting that already happened, but 2026-12-04 10:00 is still to come.',
    );
    // Scheduled as it begins: a few seconds ago is now, not the past.
    expect(() => checkWhen(new Date(now.getTime() - 30_000), now, false)).not.toThrow();
  });
});
