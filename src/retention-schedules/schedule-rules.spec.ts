import { SCHEDULE_CLASSES } from '../../contracts/retention.js';
import { classRules, keptUntil, messageClass, periodRefusal, scheduleEntry } from './schedule-rules.js';

const config = {
  RETENTION_DAYS_DIRECT: 90,
  RETENTION_DAYS_MEETING: 365,
  RETENTION_DAYS_REFERRAL: 200,
  RETENTION_MIN_DAYS: 1,
  RETENTION_MAX_DAYS: 3650,
};
const rules = classRules(config);

describe('classRules', () => {
  it.each([
    ['direct', 90],
    ['referral', 200],
    ['locality_meeting', 365],
    ['family_meeting', 365],
    ['professionals_meeting', 365],
    ['information_request', 200],
  ] as const)('chat in a %s channel defaults to the configured %i days, counted from each message', (kind, days) => {
    expect(rules[messageClass(kind)]).toEqual({
      defaultDays: days,
      minDays: 1,
      maxDays: 3650,
      anchor: 'creation',
      enforcement: 'deleted',
    });
  });

  it('counts minutes, actions, plan versions, referrals and information requests from closure, the rest from creation', () => {
    const fromClosure = SCHEDULE_CLASSES.filter((c) => rules[c].anchor === 'closure');
    expect(fromClosure).toEqual(['minutes', 'actions', 'family_plans', 'referrals', 'information_requests']);
    // Every class is applied: the expiry jobs delete each one.
    expect(SCHEDULE_CLASSES.every((c) => rules[c].enforcement === 'deleted')).toBe(true);
  });

  it('gives every case record a default within its bounds, of one year to 35', () => {
    for (const c of SCHEDULE_CLASSES.filter((x) => !x.startsWith('messages_'))) {
      expect(rules[c].minDays).toBe(365);
      expect(rules[c].maxDays).toBeGreaterThanOrEqual(35 * 365);
      expect(rules[c].defaultDays).toBeGreaterThanOrEqual(rules[c].minDays);
      expect(rules[c].defaultDays).toBeLessThanOrEqual(rules[c].maxDays);
    }
  });
});

describe('periodRefusal', () => {
  it.each([
    ['the lower bound', 'minutes', 365, false],
    ['the upper bound', 'messages_direct', 3650, false],
    ['a day under the lower bound', 'minutes', 364, true],
    ['a day over the upper bound', 'messages_direct', 3651, true],
  ] as const)('%s: refused %s', (_, cls, days, refused) => {
    const e = periodRefusal(cls, days, rules[cls]);
    expect(e === null).toBe(!refused);
    if (e) {
      expect(e.status).toBe(400);
      expect(e.message).toMatch(/must be between \d+ and \d+ days/);
    }
  });
});

describe('scheduleEntry and keptUntil', () => {
  it('shows the default until the agency sets its own period, then who set it and when', () => {
    expect(scheduleEntry('actions', rules.actions, undefined)).toMatchObject({ days: 2555, setBy: null, setAt: null });
    const setAt = new Date('2026-12-01T10:00:00Z');
    expect(scheduleEntry('actions', rules.actions, { days: 400, setBy: 'u', setAt })).toMatchObject({
      days: 400,
      defaultDays: 2555,
      setBy: 'u',
      setAt: setAt.toISOString(),
    });
  });

  it('keeps a record exactly its period of days after its anchor', () => {
    expect(keptUntil(new Date('2026-03-01T00:00:00Z'), 30).toISOString()).toBe('2026-03-31T00:00:00.000Z');
  });
});
