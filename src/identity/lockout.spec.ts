import { lockedUntilAfter } from './lockout.js';

describe('progressive lock-out', () => {
  const now = new Date('2026-01-01T00:00:00.000Z');
  const minutes = (failures: number) => {
    const until = lockedUntilAfter(failures, 5, now);
    return until && (until.getTime() - now.getTime()) / 60_000;
  };

  it('does not lock below the threshold', () => {
    expect(minutes(1)).toBeNull();
    expect(minutes(4)).toBeNull();
  });

  it('locks for one minute at the threshold and doubles with each further failure', () => {
    expect([5, 6, 7, 8].map(minutes)).toEqual([1, 2, 4, 8]);
  });

  it('never locks for more than an hour', () => {
    expect(minutes(11)).toBe(60);
    expect(minutes(40)).toBe(60);
  });
});
