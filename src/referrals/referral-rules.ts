import type { RagRating, ReferralState, ReferralUrgency } from '../../contracts/referrals.js';

/** `MASH-2026-000123`: the hub's reference, gapless per year of receipt. */
export const referralRef = (year: number, n: number): string => `MASH-${year}-${String(n).padStart(6, '0')}`;
export const REFERRAL_REF = /^MASH-\d{4}-\d{6}$/;

/** Until the hub rates a referral, its deadline runs from the urgency the referrer asked for. */
export const PROVISIONAL_RAG: Record<ReferralUrgency, RagRating> = {
  immediate: 'red',
  urgent: 'amber',
  standard: 'green',
};

export interface DeadlineHours {
  red: number;
  amber: number;
  green: number;
}

/**
 * When screening must be done: `hours[rag]` plain hours after receipt. A re-rating moves it (from
 * receipt, not from the re-rating: the family has been waiting since the concern came in).
 */
export const deadlineFor = (receivedAt: Date, rag: RagRating, hours: DeadlineHours): Date =>
  new Date(receivedAt.getTime() + hours[rag] * 3_600_000);

/** What the hub may do in each state. */
export const REFERRAL_TRANSITIONS = {
  claim: ['received', 'screening', 'information_gathering'],
  rate: ['screening', 'information_gathering'],
  share: ['screening', 'information_gathering'],
  decide: ['screening', 'information_gathering'],
  close: ['decided'],
} as const satisfies Record<string, readonly ReferralState[]>;
export type ReferralAct = keyof typeof REFERRAL_TRANSITIONS;

/** Plain words for a state, for refusals a person reads. */
export const STATE_WORDS: Record<ReferralState, string> = {
  draft: 'not yet submitted',
  received: 'waiting to be screened',
  screening: 'being screened',
  information_gathering: 'gathering information from partners',
  decided: 'decided',
  closed: 'closed',
};

const ACT_WORDS: Record<ReferralAct, string> = {
  claim: 'taken on for screening',
  rate: 'rated',
  share: 'shared with a partner',
  decide: 'decided',
  close: 'closed',
};

/** Null when `act` is allowed in `state`, or the sentence that says why not. */
export function transitionRefusal(act: ReferralAct, state: ReferralState): string | null {
  if ((REFERRAL_TRANSITIONS[act] as readonly ReferralState[]).includes(state)) return null;
  return `This referral is ${STATE_WORDS[state]}, so it cannot be ${ACT_WORDS[act]} now.`;
}
