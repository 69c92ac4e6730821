import { agencyBlockReason, agencyCanShare, reviewDue } from './agency-rules.js';

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
});
