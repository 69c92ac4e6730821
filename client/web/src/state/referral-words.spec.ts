import { describe, expect, it } from '@jest/globals';
import { DEFAULT_CONCERN_CATEGORIES, REFERRAL_EVENT_KINDS } from '../../../../contracts/referrals.js';
import {
  categoriesText,
  categoryLabel,
  deadlineText,
  screeningTimes,
  spanText,
  timelineText,
} from './referral-words.js';

const HOUR = 3_600_000;
const NOW = Date.parse('2026-12-02T12:00:00.000Z');
const at = (ms: number) => new Date(NOW + ms).toISOString();
const names: Record<string, string> = { u1: 'Hana Shah', u2: 'Olu Adeyemi', u3: 'Lena Marsh' };
const name = (id: string | null | undefined, fallback = 'someone') => (id ? (names[id] ?? fallback) : fallback);
const fmt = (iso: string) => `[${iso.slice(11, 16)}]`;

describe('referral words', () => {
  it('reads concern categories as words', () => {
    expect(categoryLabel('school_attendance')).toBe('School attendance');
    expect(categoryLabel('neglect')).toBe('Neglect');
    expect(categoriesText(['neglect', 'school_attendance'])).toBe('Neglect, school attendance');
    for (const c of DEFAULT_CONCERN_CATEGORIES) expect(categoryLabel(c)).not.toMatch(/_/);
  });

  it('says the hub’s deadlines from its settings', () => {
    expect(screeningTimes({ red: 4, amber: 24, green: 72 })).toBe(
      'red within 4 hours, amber within 24 hours and green within 72 hours of receipt',
    );
    expect(screeningTimes({ red: 1, amber: 8, green: 48 })).toMatch(/^red within 1 hour,/);
  });

  it('puts spans of time in the unit that reads naturally', () => {
    expect(spanText(30_000)).toBe('1 minute');
    expect(spanText(45 * 60_000)).toBe('45 minutes');
    expect(spanText(HOUR)).toBe('1 hour');
    expect(spanText(23.9 * HOUR)).toBe('24 hours');
    expect(spanText(47 * HOUR)).toBe('47 hours');
    expect(spanText(72 * HOUR)).toBe('3 days');
    expect(spanText(-2 * HOUR)).toBe('2 hours');
  });

  it('says when screening is due, and overdue by the server’s word or this page’s clock', () => {
    expect(deadlineText(at(3 * HOUR), NOW)).toEqual({ overdue: false, text: 'Due in 3 hours' });
    expect(deadlineText(at(-2 * HOUR), NOW)).toEqual({ overdue: true, text: 'Overdue by 2 hours' });
    // The server counted it overdue a moment ago, though this browser's clock is a little behind.
    expect(deadlineText(at(10_000), NOW, true)).toEqual({ overdue: true, text: 'Overdue by 1 minute' });
  });

  it('writes each kind of timeline event in words, naming people and never showing an id', () => {
    const lines = {
      submitted: timelineText(
        { kind: 'submitted', actorUserId: 'u9', details: { ref: 'MASH-2026-000001' } },
        () => 'Tom Reed',
        fmt,
      ),
      claimed: timelineText({ kind: 'claimed', actorUserId: 'u1', details: { from: null } }, name, fmt),
      takenOver: timelineText({ kind: 'claimed', actorUserId: 'u1', details: { from: 'u2' } }, name, fmt),
      rated: timelineText(
        { kind: 'rated', actorUserId: 'u1', details: { rag: 'red', from: 'amber', deadlineAt: at(4 * HOUR) } },
        name,
        fmt,
      ),
      shared: timelineText(
        { kind: 'shared', actorUserId: 'u1', details: { userId: 'u2', basis: 'lawful_basis' } },
        name,
        fmt,
      ),
      decided: timelineText(
        {
          kind: 'decided',
          actorUserId: 'u1',
          details: { decision: 'early_help', familyRef: 'EH-2026-0001', leadWorkerId: 'u3' },
        },
        name,
        fmt,
      ),
      asked: timelineText(
        { kind: 'information_requested', actorUserId: 'u1', details: { agencyId: 'a1', requestId: 'r1' } },
        name,
        fmt,
        (id) => (id === 'a1' ? 'Northshire Police' : undefined),
      ),
      askedUnknown: timelineText(
        { kind: 'information_requested', actorUserId: 'u1', details: { agencyId: 'a2', requestId: 'r2' } },
        name,
        fmt,
        (id) => (id === 'a1' ? 'Northshire Police' : undefined),
      ),
      closed: timelineText({ kind: 'closed', actorUserId: 'u1', details: {} }, name, fmt),
      unknownLead: timelineText(
        {
          kind: 'decided',
          actorUserId: 'u1',
          details: { decision: 'early_help', familyRef: 'EH-2026-0001', leadWorkerId: 'u7' },
        },
        name,
        fmt,
      ),
    };
    expect(lines).toEqual({
      submitted: 'Made by Tom Reed, received and acknowledged as MASH-2026-000001.',
      claimed: 'Taken on for screening by Hana Shah.',
      takenOver: 'Taken over for screening by Hana Shah from Olu Adeyemi.',
      rated: 'Rated red by Hana Shah (was amber); screening due by [16:00].',
      shared: 'Shared with Olu Adeyemi by Hana Shah, on a lawful basis without consent.',
      decided: 'Decided by Hana Shah: early help (family EH-2026-0001, led by Lena Marsh).',
      asked: 'Hana Shah asked Northshire Police for information.',
      askedUnknown: 'Hana Shah asked a partner agency for information.',
      closed: 'Closed by Hana Shah.',
      unknownLead: 'Decided by Hana Shah: early help (family EH-2026-0001).',
    });
    for (const kind of REFERRAL_EVENT_KINDS) {
      const text = timelineText({ kind, actorUserId: 'u1', details: {} }, name, fmt);
      expect(text).toMatch(/^\S.*\.$/);
      expect(text).not.toMatch(/u1|undefined|null/);
    }
  });
});
