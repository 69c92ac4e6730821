import type { AgencyStatus } from '../../contracts/agencies.js';
import { addCalendarMonths } from '../common/clock.js';

/**
 * During its notice month an agency is still a party to the ISA, so `notice_given` shares like `signed`.
 * Every other status shuts the agency's users out of shared spaces.
 */
export const SHARING_STATUSES: readonly AgencyStatus[] = ['signed', 'notice_given'];

/** True while the agency is party to the ISA: signed, or in its notice month and not yet past the effective date. */
export function agencyCanShare(
  agency: { status: AgencyStatus; withdrawalEffectiveAt: Date | null },
  now: Date,
): boolean {
  if (!SHARING_STATUSES.includes(agency.status)) return false;
  return !(agency.status === 'notice_given' && agency.withdrawalEffectiveAt && agency.withdrawalEffectiveAt <= now);
}

/** The ISA's own words for why an agency cannot share right now. */
export function agencyBlockReason(
  agency: { name: string; status: AgencyStatus; withdrawalEffectiveAt: Date | null },
  now: Date,
): string | null {
  if (agencyCanShare(agency, now)) return null;
  switch (agency.status) {
    case 'registered':
      return `${agency.name} has not signed the Information Sharing Agreement yet.`;
    case 'suspended':
      return `${agency.name} is suspended from the Information Sharing Agreement.`;
    default:
      return `${agency.name} has withdrawn from the Information Sharing Agreement.`;
  }
}

/** Clause 11: an agreement version is reviewed three years after publication (same calendar day, clamped). */
export function reviewDue(publishedOn: string): string {
  const d = new Date(`${publishedOn}T00:00:00.000Z`);
  return addCalendarMonths(d, 36).toISOString().slice(0, 10);
}
