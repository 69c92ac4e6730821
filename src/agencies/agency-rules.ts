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

/** A notice dated less than this before it is recorded counts as dated now: clocks differ, requests take time. */
export const NOTICE_BACKDATING_TOLERANCE_MS = 5 * 60_000;

/** True when a notice is dated in the past (beyond the tolerance): the withdrawal then comes sooner. */
export function noticeIsBackdated(givenAt: Date, now: Date): boolean {
  return now.getTime() - givenAt.getTime() > NOTICE_BACKDATING_TOLERANCE_MS;
}

/** Why a withdrawal notice cannot be recorded as given: the field at fault, the problem and a sentence. */
export interface NoticeDateRefusal {
  field: 'noticeGivenAt' | 'reason';
  problem: string;
  message: string;
}

/**
 * A notice is dated when the written notice was received, and its withdrawal takes effect one calendar
 * month later, so its date decides when the agency's people lose access. It cannot be in the future. It
 * cannot be before the agency last signed the agreement: an agency signs only while it has not given
 * notice, so the register would contradict itself. And a notice dated in the past (back-dated, which
 * brings the withdrawal closer, or into the past) needs a reason, which the audit log keeps.
 */
export function noticeDateRefusal(
  notice: { givenAt: Date; reason?: string | null },
  lastSignedOn: string | null,
  now: Date,
): NoticeDateRefusal | null {
  if (notice.givenAt > now) {
    return {
      field: 'noticeGivenAt',
      problem: 'must not be in the future',
      message: 'Notice cannot be dated in the future.',
    };
  }
  if (lastSignedOn && notice.givenAt.toISOString().slice(0, 10) < lastSignedOn) {
    return {
      field: 'noticeGivenAt',
      problem: `must be on or after ${lastSignedOn}, when the agency signed the agreement`,
      message: `Notice cannot be dated before the agency signed the agreement on ${lastSignedOn}.`,
    };
  }
  if (!notice.reason && noticeIsBackdated(notice.givenAt, now)) {
    return {
      field: 'reason',
      problem: 'is required when the notice is dated in the past',
      message: 'Say why the notice is dated in the past: the reason is kept in the audit log.',
    };
  }
  return null;
}
