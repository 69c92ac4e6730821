import { grantEndRefusal, ownGrantRefusal } from './audit-grant-rules.js';

const now = new Date('2026-12-03T12:00:00.000Z');
const DAY = 86_400_000;

describe('audit grant rules', () => {
  it('an end must be after now and at most 90 days away', () => {
    expect(grantEndRefusal(now, now)?.code).toBe('validation_failed');
    expect(grantEndRefusal(new Date(now.getTime() - 1), now)?.code).toBe('validation_failed');
    expect(grantEndRefusal(new Date(now.getTime() + 1), now)).toBeNull();
    expect(grantEndRefusal(new Date(now.getTime() + 90 * DAY), now)).toBeNull();
    expect(grantEndRefusal(new Date(now.getTime() + 90 * DAY + 1), now)?.status).toBe(400);
  });

  it('nobody decides on their own access', () => {
    expect(ownGrantRefusal('a', 'a')?.code).toBe('own_grant');
    expect(ownGrantRefusal('a', 'b')).toBeNull();
  });
});
