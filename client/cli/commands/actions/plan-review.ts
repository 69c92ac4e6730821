import { randomUUID } from 'node:crypto';
import { PLAN_REVIEW_OUTCOMES, type PlanReviewOutcome } from '../../../../contracts/families.js';
import type { SecureSession } from '../../../sdk/node.js';
import { CliUsageError, type CliContext } from '../../context.js';
import { date, resolveFamily, todayIso } from '../../secure.js';

export interface PlanReviewOpts {
  outcome: string;
  on?: string;
  note?: string;
}

/** What each outcome says, for the answer and the help. */
export const OUTCOME_WORDS: Record<PlanReviewOutcome, string> = {
  met: 'the plan’s outcomes were met',
  partly_met: 'the plan’s outcomes were partly met',
  not_met: 'the plan’s outcomes were not met',
};

/**
 * `plan review`: records a review of the current version of the plan (lead worker or chair) and what it found.
 * The outcome and the day are seen by the server (the programme report counts them); the note is encrypted here.
 */
export async function reviewPlan(ctx: CliContext, s: SecureSession, o: PlanReviewOpts, which: string): Promise<void> {
  if (!(PLAN_REVIEW_OUTCOMES as readonly string[]).includes(o.outcome)) {
    throw new CliUsageError(`--outcome is one of ${PLAN_REVIEW_OUTCOMES.join(', ')}.`);
  }
  const outcome = o.outcome as PlanReviewOutcome;
  const reviewedOn = date(o.on, '--on', todayIso());
  const f = await resolveFamily(s, which);
  const view = await s.client.familyPlan(f.id);
  if (!view.plan) throw new CliUsageError(`${f.ref} has no plan yet: write it first with \`plan edit\`.`);
  const id = randomUUID();
  const note = o.note?.trim();
  const review = await s.sealedWrite(async () =>
    s.client.recordPlanReview(f.id, {
      id,
      planVersion: view.plan!.version,
      outcome,
      reviewedOn,
      ...(note ? { note: await s.sealField(f.channelId, 'plan-review', { text: note }, { recordId: id }) } : {}),
    }),
  );
  ctx.print(
    review,
    `Recorded the review of ${f.ref}’s plan (version ${review.planVersion}) on ${review.reviewedOn}: ` +
      `${OUTCOME_WORDS[outcome]}.\n`,
  );
}
