import type {
  FamilyConsent,
  RagRating,
  ReferralDecision,
  ReferralEventView,
  ReferralShareBasis,
  ReferralState,
  ReferralSubjectRole,
  ReferralUrgency,
} from '../../../../contracts/referrals.js';

/**
 * What referrals are called in the page, and the arithmetic behind "Overdue by 2 hours": pure functions
 * with no DOM or network, so the words are tested on their own (referral-words.spec.ts).
 */

export const REFERRAL_STATE_LABELS: Record<ReferralState, string> = {
  draft: 'Not sent yet',
  received: 'Received, waiting to be screened',
  screening: 'Being screened',
  information_gathering: 'Gathering information from partners',
  decided: 'Decided',
  closed: 'Closed',
};

export const RAG_LABELS: Record<RagRating, string> = { red: 'Red', amber: 'Amber', green: 'Green' };

/** A rating in words for a cell or a sentence; never the colour alone. */
export const ragText = (rag: RagRating | null) => (rag ? RAG_LABELS[rag] : 'Not rated yet');

export const URGENCY_LABELS: Record<ReferralUrgency, string> = {
  immediate: 'Immediate',
  urgent: 'Urgent',
  standard: 'Standard',
};

/** Which screening deadline applies before the hub rates a referral (as the server counts it). */
export const URGENCY_RAG: Record<ReferralUrgency, RagRating> = { immediate: 'red', urgent: 'amber', standard: 'green' };

export const FAMILY_CONSENT_LABELS: Record<FamilyConsent, string> = {
  given: 'Yes: they know and agree',
  refused: 'They know, but do not agree',
  not_asked: 'They have not been told or asked',
};

/** The same answer as a sentence about the family, for a summary. */
export const FAMILY_CONSENT_SUMMARY: Record<FamilyConsent, string> = {
  given: 'The family knows about the referral and agrees to it being shared.',
  refused: 'The family knows about the referral but does not agree to it being shared.',
  not_asked: 'The family has not been told about the referral or asked.',
};

export const DECISION_LABELS: Record<ReferralDecision, string> = {
  no_further_action: 'No further action',
  early_help: 'Early help',
  social_care_assessment: 'Social care assessment',
  strategy_discussion: 'Strategy discussion',
  signpost: 'Signposted to another service',
};

export const SUBJECT_ROLE_LABELS: Record<ReferralSubjectRole, string> = { child: 'Child', adult: 'Adult' };

export const SHARE_BASIS_LABELS: Record<ReferralShareBasis, string> = {
  consent: 'The family’s consent',
  lawful_basis: 'A lawful basis without consent',
};

/** A concern category's code as words: `school_attendance` → "School attendance". */
export function categoryLabel(code: string): string {
  const words = code.replace(/_+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** "Neglect, school attendance": categories in a sentence. */
export const categoriesText = (codes: readonly string[]) =>
  codes.map((c, i) => (i === 0 ? categoryLabel(c) : categoryLabel(c).toLowerCase())).join(', ');

/** "4 hours", "1 hour". */
export const hoursText = (n: number) => `${n} ${n === 1 ? 'hour' : 'hours'}`;

/** "red within 4 hours, amber within 24 hours and green within 72 hours of receipt": the hub's deadlines. */
export function screeningTimes(h: Record<RagRating, number>): string {
  return `red within ${hoursText(h.red)}, amber within ${hoursText(h.amber)} and green within ${hoursText(h.green)} of receipt`;
}

const unit = (n: number, one: string) => `${n} ${n === 1 ? one : `${one}s`}`;

/** A span of time in the largest unit that reads naturally: 45 minutes, 3 hours, 2 days. */
export function spanText(ms: number): string {
  const minutes = Math.max(1, Math.round(Math.abs(ms) / 60_000));
  if (minutes < 60) return unit(minutes, 'minute');
  const h = Math.round(minutes / 60);
  if (h < 48) return unit(h, 'hour');
  return unit(Math.round(h / 24), 'day');
}

/**
 * When screening is due, relative to now: "Overdue by 2 hours" or "Due in 3 hours". Overdue when the
 * server said so or the deadline has passed by this page's clock since.
 */
export function deadlineText(
  deadlineAt: string,
  now: number,
  serverOverdue = false,
): { overdue: boolean; text: string } {
  const left = Date.parse(deadlineAt) - now;
  const overdue = serverOverdue || left <= 0;
  return overdue
    ? { overdue, text: `Overdue by ${spanText(Math.min(left, 0))}` }
    : { overdue, text: `Due in ${spanText(left)}` };
}

/** Who did something on a referral, as the page can name them; `fallback` for someone it cannot. */
export type Namer = (userId: string | null | undefined, fallback?: string) => string;

/** One line of the referral's timeline, from the codes and ids the server keeps (never content). */
export function timelineText(
  e: Pick<ReferralEventView, 'kind' | 'actorUserId' | 'details'>,
  name: Namer,
  formatDateTime: (iso: string) => string,
  agencyName: (agencyId: string) => string | undefined = () => undefined,
): string {
  const who = name(e.actorUserId);
  const d = e.details;
  const str = (k: string): string | null => {
    const v = d[k];
    return typeof v === 'string' ? v : null;
  };
  switch (e.kind) {
    case 'submitted':
      return `Made by ${who}, received and acknowledged${str('ref') ? ` as ${str('ref')}` : ''}.`;
    case 'claimed': {
      const from = str('from');
      return from && from !== e.actorUserId
        ? `Taken over for screening by ${who} from ${name(from)}.`
        : `Taken on for screening by ${who}.`;
    }
    case 'rated': {
      const rag = str('rag') as RagRating | null;
      const from = str('from') as RagRating | null;
      const due = str('deadlineAt');
      return (
        `Rated ${rag ? RAG_LABELS[rag].toLowerCase() : 'again'} by ${who}` +
        (from ? ` (was ${RAG_LABELS[from].toLowerCase()})` : '') +
        (due ? `; screening due by ${formatDateTime(due)}.` : '.')
      );
    }
    case 'shared': {
      const basis = str('basis') === 'consent' ? 'with the family’s consent' : 'on a lawful basis without consent';
      return `Shared with ${name(str('userId'))} by ${who}, ${basis}.`;
    }
    case 'information_requested': {
      const agency = str('agencyId') ? agencyName(str('agencyId')!) : undefined;
      return `${who} asked ${agency ?? 'a partner agency'} for information.`;
    }
    case 'decided': {
      const decision = str('decision') as ReferralDecision | null;
      const family = str('familyRef');
      // A lead worker from outside the referral may be unknown to this page: then they go unnamed.
      const lead = str('leadWorkerId') ? name(str('leadWorkerId'), '') : '';
      return (
        `Decided by ${who}: ${decision ? DECISION_LABELS[decision].toLowerCase() : 'a decision'}` +
        (family ? ` (family ${family}${lead ? `, led by ${lead}` : ''})` : '') +
        '.'
      );
    }
    case 'closed':
      return `Closed by ${who}.`;
  }
}

/** What happens next, for the referrer, by where their referral stands. */
export const NEXT_FOR_REFERRER: Record<ReferralState, string> = {
  draft: 'This referral has not been sent.',
  received: 'The hub will take it on and rate how urgent it is. You will see the rating and the decision here.',
  screening: 'The hub is screening it. You will see the rating and the decision here.',
  information_gathering:
    'The hub is gathering information from partner agencies. You will see the decision here when it is made.',
  decided: 'The hub has decided what happens next.',
  closed: 'The hub has closed this referral.',
};

/** Capitalised for the start of a sentence or a cell: "you" → "You". */
export const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
