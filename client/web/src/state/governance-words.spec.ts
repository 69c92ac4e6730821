import { describe, expect, it } from '@jest/globals';
import { dayStart, disposalRuleText, holdScopeText, localTimeToIso, midSentence } from './governance-words.js';

describe('governance words', () => {
  it('names what a hold covers, the agency by name when known', () => {
    const id = '3f2a9c1e-0000-4000-8000-000000000000';
    expect(holdScopeText({ scope: 'class', scopeId: null, recordClass: 'attachments' })).toBe('All files');
    expect(holdScopeText({ scope: 'agency', scopeId: id, recordClass: null }, 'Northshire Police')).toBe(
      'Everything written by Northshire Police',
    );
    expect(holdScopeText({ scope: 'agency', scopeId: id, recordClass: null })).toBe(
      'Everything written by agency 3f2a9c1e',
    );
    expect(holdScopeText({ scope: 'channel', scopeId: id, recordClass: null })).toBe('Conversation 3f2a9c1e');
    expect(midSentence('Everything written by Northshire Police')).toBe('everything written by Northshire Police');
    expect(holdScopeText({ scope: 'family', scopeId: id, recordClass: null })).toMatch(/family 3f2a9c1e/);
  });

  it('reads disposal rules as words, and shows an unknown rule as it is', () => {
    expect(disposalRuleText('channel_retention')).toBe('Retention period ended');
    expect(disposalRuleText('schedule')).toBe('Schedule period ended');
    expect(disposalRuleText('something_new')).toBe('something_new');
  });

  it('turns a typed day into the start of that day here, or of the next with `through`', () => {
    expect(dayStart('2026-12-01')).toBe(new Date(2026, 11, 1).toISOString());
    expect(dayStart('2026-12-31', true)).toBe(new Date(2027, 0, 1).toISOString());
    expect(dayStart('2026-02-30')).toBeUndefined();
    expect(dayStart('')).toBeUndefined();
    expect(dayStart('1 Dec 2026')).toBeUndefined();
  });

  it('turns a typed date and time here into an instant, and refuses anything else', () => {
    expect(localTimeToIso('2026-12-01T09:30')).toBe(new Date(2026, 11, 1, 9, 30).toISOString());
    expect(localTimeToIso('')).toBeUndefined();
    expect(localTimeToIso('2026-12-01T09:30Z')).toBeUndefined();
  });
});
