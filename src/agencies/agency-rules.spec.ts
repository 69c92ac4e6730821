import { agencyBlockReason, agencyCanShare, noticeDateRefusal, noticeIsBackdated, reviewDue } from './agency-rules.js';

const now = new Date('2026-06-15T12:00:00.000Z');
const agency = (status: Parameters<typeof agencyCanShare>[0]['status'], withdrawalEffectiveAt: Date | null = null) => ({
  name: 'Oak Primary',
  status,
  withdrawalEffectiveAt,
});

describe('agency sharing rules', () => {
  it('lets a signed agency share and shuts out registered, suspended and withdrawn ones', () => {
    expect(agencyCanShare(agency('signed'), now)).toBe(true);
    expect(agencyCanShare(agency('registered'), now)).toBe(false);
    expect(agencyCanShare(agency('suspended'), now)).toBe(false);
    expect(agencyCanShare(agency('withdrawn'), now)).toBe(false);
  });

  it('lets an agency share during its notice month and not from the effective date on', () => {
    expect(agencyCanShare(agency('notice_given', new Date('2026-06-16T00:00:00.000Z')), now)).toBe(true);
    expect(agencyCanShare(agency('notice_given', now), now)).toBe(false);
  });

  it('explains a refusal in the words of the agreement, and gives none when sharing is allowed', () => {
    expect(agencyBlockReason(agency('signed'), now)).toBeNull();
    expect(agencyBlockReason(agency('registered'), now)).toBe(
      'Oak Primary has not signed the Information Sharing Agreement yet.',
    );
    expect(agencyBlockReason(agency('suspended'), now)).toBe(
      'Oak Primary is suspended from the Information Sharing Agreement.',
    );
    expect(agencyBlockReason(agency('notice_given', now), now)).toBe(
      'Oak Primary has withdrawn from the Information Sharing Agreement.',
    );
  });

  it('puts the review three years after publication, clamping 29 February', () => {
    expect(reviewDue('2020-04-01')).toBe('2023-04-01');
    expect(reviewDue('2024-02-29')).toBe('2027-02-28');
  });

  describe('the date of a withdrawal notice', () => {
    const minutesAgo = (n: number) => new Date(now.getTime() - n * 60_000);
    const fieldOf = (givenAt: Date, reason?: string, signedOn: string | null = '2026-06-01') =>
      noticeDateRefusal({ givenAt, reason }, signedOn, now)?.field ?? null;

    it('refuses a date in the future, by even a millisecond, and takes now', () => {
      expect(fieldOf(new Date(now.getTime() + 1))).toBe('noticeGivenAt');
      expect(noticeDateRefusal({ givenAt: now }, '2026-06-15', now)).toBeNull();
    });

    it('refuses a date before the agency last signed, even with a reason; the signing day itself is fine', () => {
      const dayBefore = new Date('2026-05-31T23:59:59.999Z');
      expect(noticeDateRefusal({ givenAt: dayBefore, reason: 'Late post' }, '2026-06-01', now)).toEqual({
        field: 'noticeGivenAt',
        problem: 'must be on or after 2026-06-01, when the agency signed the agreement',
        message: 'Notice cannot be dated before the agency signed the agreement on 2026-06-01.',
      });
      expect(fieldOf(new Date('2026-06-01T00:00:00.000Z'), 'Late post')).toBeNull();
      expect(fieldOf(dayBefore, 'Late post', null)).toBeNull();
    });

    it('asks for a reason when the notice is dated more than five minutes ago, and takes it with one', () => {
      expect(fieldOf(minutesAgo(5))).toBeNull();
      expect(noticeIsBackdated(minutesAgo(5), now)).toBe(false);
      expect(fieldOf(new Date(minutesAgo(5).getTime() - 1))).toBe('reason');
      expect(fieldOf(minutesAgo(60 * 24 * 10))).toBe('reason');
      expect(fieldOf(minutesAgo(60 * 24 * 10), '')).toBe('reason');
      expect(fieldOf(minutesAgo(60 * 24 * 10), 'Letter opened late')).toBeNull();
      expect(noticeIsBackdated(minutesAgo(60 * 24 * 10), now)).toBe(true);
    });
  });
});
