import { CliUsageError } from '../context.js';
import { duration } from './agent.js';

describe('unlock --for', () => {
  it('reads seconds, minutes, hours, days and sums of them', () => {
    expect(duration('2s')).toBe(2000);
    expect(duration('30m')).toBe(1_800_000);
    expect(duration('8h')).toBe(28_800_000);
    expect(duration('1h30m')).toBe(5_400_000);
    expect(duration('7d')).toBe(604_800_000);
  });

  it('refuses what is not a time, nothing at all, and more than a week', () => {
    for (const bad of ['', '8', 'h', '2 hours', '-1h', '1.5h', '0s', '8d', '169h']) {
      expect(() => duration(bad)).toThrow(CliUsageError);
    }
  });
});
