import { describe, expect, it } from '@jest/globals';
import { INFORMATION_REQUEST_STATES } from '../../../../contracts/information-requests.js';
import {
  endOfDay,
  isOpen,
  localDay,
  REQUEST_STATE_LABELS,
  requestTimeline,
  subjectHref,
  subjectText,
} from './request-words.js';

const FAMILY_ID = '0b7f3c1e-2d4a-4c6b-9e8f-1a2b3c4d5e6f';
const base = {
  createdAt: '2026-03-01T09:00:00.000Z',
  acceptedAt: null,
  answeredAt: null,
  answeredBy: null,
  withdrawnAt: null,
  closedAt: null,
  state: 'requested' as const,
  decline: null,
  response: null,
  requestedBy: { userId: 'u1', displayName: 'Grace Obi', agencyId: 'a1', agencyName: 'Northshire Council' },
  toAgency: { id: 'a2', name: 'Northshire Police' },
};
const sealed = { epoch: 1, ciphertext: 'x' };

describe('information request words', () => {
  it('says every state in words, and which wait for an answer', () => {
    for (const s of INFORMATION_REQUEST_STATES) expect(REQUEST_STATE_LABELS[s]).toMatch(/^[A-Z][a-z ,]+$/);
    expect(INFORMATION_REQUEST_STATES.filter(isOpen)).toEqual(['requested', 'accepted']);
  });

  it('names the subject by kind and reference, and links to it', () => {
    const family = { kind: 'family' as const, familyId: FAMILY_ID, reference: 'EH-2026-0042' };
    const referral = { kind: 'referral' as const, referralId: FAMILY_ID, reference: 'MASH-2026-000123' };
    expect(subjectText(family)).toBe('Family EH-2026-0042');
    expect(subjectText(referral)).toBe('Referral MASH-2026-000123');
    expect(subjectHref(family)).toBe(`/families/${FAMILY_ID}`);
    expect(subjectHref(referral)).toBe('/referrals/MASH-2026-000123');
  });

  it('reads the timeline from the dates, oldest first, naming the reader "you"', () => {
    expect(requestTimeline(base, 'u1')).toEqual([
      { at: base.createdAt, text: 'Asked of Northshire Police by you (Northshire Council).' },
    ]);
    const answered = {
      ...base,
      state: 'closed' as const,
      acceptedAt: '2026-03-02T09:00:00.000Z',
      answeredAt: '2026-03-03T09:00:00.000Z',
      answeredBy: { userId: 'u2', displayName: 'Olu Adeyemi' },
      response: sealed,
      closedAt: '2026-03-04T09:00:00.000Z',
    };
    expect(requestTimeline(answered, 'u2').map((l) => l.text)).toEqual([
      'Asked of Northshire Police by Grace Obi (Northshire Council).',
      'Accepted by Northshire Police.',
      'Answered by you.',
      'Closed.',
    ]);
    const declined = {
      ...base,
      state: 'declined' as const,
      answeredAt: '2026-03-02T10:00:00.000Z',
      answeredBy: { userId: 'u3', displayName: 'Dee Admin' },
      decline: { explanation: sealed, explanationLength: 40 },
    };
    expect(requestTimeline(declined, 'u1').at(-1)?.text).toBe('Declined by Dee Admin, with the reason below.');
    const withdrawn = { ...base, state: 'withdrawn' as const, withdrawnAt: '2026-03-01T10:00:00.000Z' };
    expect(requestTimeline(withdrawn, 'u1').at(-1)?.text).toBe('Withdrawn: the answer is no longer needed.');
  });

  it('takes a picked day as the end of that day on this browser’s calendar', () => {
    const end = endOfDay('2026-03-10')!;
    expect(localDay(end)).toBe('2026-03-10');
    expect([end.getHours(), end.getMinutes(), end.getSeconds()]).toEqual([23, 59, 59]);
    expect(endOfDay('2026-02-30')).toBeNull();
    expect(endOfDay('next week')).toBeNull();
    expect(localDay(new Date(2026, 0, 5, 12))).toBe('2026-01-05');
  });
});
