import { CliUsageError } from './context.js';
import { isOneOf, oneOf, orList } from './choices.js';

describe('CLI choices', () => {
  it('lists choices as a help text says them', () => {
    expect(orList([])).toBe('');
    expect(orList(['share'])).toBe('share');
    expect(orList(['record', 'share'])).toBe('record or share');
    expect(orList(['self', 'parent', 'carer'])).toBe('self, parent or carer');
  });

  it('accepts exactly the listed values', () => {
    const kinds = ['locality', 'family'] as const;
    expect(isOneOf(kinds, 'family')).toBe(true);
    expect(isOneOf(kinds, 'Family')).toBe(false);
    expect(oneOf(kinds, 'locality', '--kind')).toBe('locality');
  });

  it('refuses anything else with a usage error naming the option and its values', () => {
    const call = () => oneOf(['open', 'done'], 'shut', '--status');
    expect(call).toThrow(CliUsageError);
    expect(call).toThrow('--status is one of: open, done.');
  });
});
