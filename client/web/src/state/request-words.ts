import type {
  InformationRequestState,
  InformationRequestSubjectView,
  InformationRequestView,
} from '../../../../contracts/information-requests.js';

/**
 * What information requests are called in the page: states, subjects, the timeline read from the
 * request's dates, and the due date given as a day. Pure functions with no DOM or network, so the words
 * are tested on their own (request-words.spec.ts).
 */

export const REQUEST_STATE_LABELS: Record<InformationRequestState, string> = {
  requested: 'Waiting to be accepted',
  accepted: 'Accepted, waiting for the answer',
  declined: 'Declined',
  provided: 'Answered',
  closed: 'Closed',
  withdrawn: 'Withdrawn',
};

/** The states in which a request still waits for its answer (its due date matters, it may be overdue). */
export const isOpen = (state: InformationRequestState) => state === 'requested' || state === 'accepted';

/** "Family EH-2026-0042", "Referral MASH-2026-000123". */
export function subjectText(subject: InformationRequestSubjectView): string {
  return `${subject.kind === 'family' ? 'Family' : 'Referral'} ${subject.reference}`;
}

/** Where the subject lives in the page, for the people who may open it there. */
export function subjectHref(subject: InformationRequestSubjectView): string {
  return subject.kind === 'family'
    ? `/families/${encodeURIComponent(subject.familyId)}`
    : `/referrals/${encodeURIComponent(subject.reference)}`;
}

/** One line of a request's timeline. */
export interface TimelineLine {
  at: string;
  text: string;
}

type TimelineView = Pick<
  InformationRequestView,
  | 'createdAt'
  | 'acceptedAt'
  | 'answeredAt'
  | 'answeredBy'
  | 'withdrawnAt'
  | 'closedAt'
  | 'state'
  | 'decline'
  | 'response'
  | 'requestedBy'
  | 'toAgency'
>;

/**
 * The request's timeline, oldest first, from the dates its view carries (an assignment has none, so it
 * is shown beside the request rather than here). `me` is the signed-in person: named "you".
 */
export function requestTimeline(v: TimelineView, me: string): TimelineLine[] {
  const who = (p: { userId: string; displayName: string }) => (p.userId === me ? 'you' : p.displayName);
  const lines: TimelineLine[] = [
    {
      at: v.createdAt,
      text: `Asked of ${v.toAgency.name} by ${who(v.requestedBy)} (${v.requestedBy.agencyName}).`,
    },
  ];
  if (v.acceptedAt) lines.push({ at: v.acceptedAt, text: `Accepted by ${v.toAgency.name}.` });
  if (v.answeredAt) {
    const by = v.answeredBy ? ` by ${who(v.answeredBy)}` : '';
    lines.push({
      at: v.answeredAt,
      text: v.decline ? `Declined${by}, with the reason below.` : `Answered${by}.`,
    });
  }
  if (v.withdrawnAt) lines.push({ at: v.withdrawnAt, text: 'Withdrawn: the answer is no longer needed.' });
  if (v.closedAt) lines.push({ at: v.closedAt, text: 'Closed.' });
  return lines.sort((a, b) => a.at.localeCompare(b.at));
}

/** A date as `YYYY-MM-DD` on this browser's calendar (what a date input shows and takes). */
export function localDay(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/**
 * The moment a request is due by when a person picks a day: the end of that day on this browser's clock
 * (as `strongroom requests send --due` takes a date). Null for a day that is not a date.
 */
export function endOfDay(day: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return null;
  const at = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 23, 59, 59, 999);
  return at.getDate() === Number(m[3]) ? at : null;
}
