import { deadlineFor, PROVISIONAL_RAG, referralRef, REFERRAL_REF, transitionRefusal } from './referral-rules.js';

describe('referral rules', () => {
  it('numbers referrals MASH-<year>-<six digits>', () => {
    expect(referralRef(2026, 123)).toBe('MASH-2026-000123');
    expect(REFERRAL_REF.test(referralRef(2026, 999999))).toBe(true);
    expect(REFERRAL_REF.test('MASH-2026-123')).toBe(false);
  });

  it('runs deadlines in plain hours from receipt, by rating', () => {
    const received = new Date('2026-12-04T16:00:00Z'); // a Friday afternoon: the clock does not stop
    const hours = { red: 4, amber: 24, green: 72 };
    expect(deadlineFor(received, 'red', hours).toISOString()).toBe('2026-12-04T20:00:00.000Z');
    expect(deadlineFor(received, 'amber', hours).toISOString()).toBe('2026-12-05T16:00:00.000Z');
    expect(deadlineFor(received, 'green', hours).toISOString()).toBe('2026-12-07T16:00:00.000Z');
    expect(PROVISIONAL_RAG).toEqual({ immediate: 'red', urgent: 'amber', standard: 'green' });
  });

  it('allows each act only in its states, in plain words', () => {
    expect(transitionRefusal('claim', 'received')).toBeNull();
    expect(transitionRefusal('rate', 'received')).toMatch(/waiting to be screened/);
    expect(transitionRefusal('decide', 'closed')).toMatch(/closed, so it cannot be decided/);
    expect(transitionRefusal('close', 'decided')).toBeNull();
    expect(transitionRefusal('close', 'screening')).not.toBeNull();
  });
});
