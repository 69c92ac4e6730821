import type { PlanDocument } from '../../../../contracts/sealed.js';
import type { FamilyPlanView, FamilyView, SecureSession } from '../../../sdk/node.js';
import { EXIT_UNVERIFIED, type CliContext } from '../../context.js';
import { fields, table } from '../../output.js';
import { mapInOrder, Names, openText, resolveFamily } from '../../secure.js';

/** A progress report with its text decrypted here. */
type ShownProgress = FamilyPlanView['progress'][number] & { text: string };
/** A review of the plan with its note decrypted here (empty without one). */
type ShownReview = FamilyPlanView['reviews'][number] & { text: string };

/**
 * `plan show`: the plan decrypted here, who signed it, who it covers, and progress reports. Exits 6
 * (EXIT_UNVERIFIED) after printing a version whose author's signature does not hold.
 */
export async function showPlan(ctx: CliContext, s: SecureSession, _o: unknown, which: string): Promise<number | void> {
  const f = await resolveFamily(s, which);
  const view = await s.client.familyPlan(f.id);
  if (!view.plan) {
    ctx.print(
      { ...view, document: null },
      `${f.ref} has no plan yet: \`strongroom plan edit ${f.ref} --objective 1 --text "…"\`.\n`,
    );
    return;
  }
  const { document: doc, warning } = await s.readPlan(f, view.plan);
  const names = await new Names(s).load(f.channelId);
  const progress = await mapInOrder(view.progress, async (p) => ({
    ...p,
    text: await openText(s, f.channelId, 'plan-progress', p.report, { recordId: p.id }),
  }));
  const reviews = await mapInOrder(view.reviews, async (r) => ({
    ...r,
    text: r.note ? await openText(s, f.channelId, 'plan-review', r.note, { recordId: r.id }) : '',
  }));
  ctx.print({ ...view, document: doc, signedByAuthor: !warning, warning, progress, reviews }, () =>
    renderPlan(f, view, doc, progress, reviews, names, warning),
  );
  if (!warning) return;
  ctx.io.err(`Warning: ${warning}\n`);
  return EXIT_UNVERIFIED;
}

function renderPlan(
  f: FamilyView,
  view: FamilyPlanView,
  doc: PlanDocument,
  progress: ShownProgress[],
  reviews: ShownReview[],
  names: Names,
  warning: string | null,
): string {
  return (
    fields([
      ['Family', f.ref],
      ['Version', view.plan!.version],
      [
        'Saved by',
        `${names.of(view.plan!.authorId)}, ${view.plan!.savedAt}${warning ? ' (NOT VERIFIED: see the warning)' : ', signed by their device'}`,
      ],
      ['Review by', `${view.plan!.reviewOn}${view.plan!.reviewOverdue ? ' (overdue)' : ''}`],
      ['Not covered', view.uncoveredMembers.map((u) => `${u.memberRef} (${u.role})`).join(', ') || 'none'],
    ]) +
    '\n' +
    table(
      (doc.objectives ?? []).map((x, i) => ({ ...x, number: i + 1 })),
      [
        ['number', '#'],
        ['objective', 'OBJECTIVE'],
        ['outcome', 'OUTCOME'],
        ['measure', 'MEASURE'],
      ],
    ) +
    (doc.familyVoice ? `\nThe family’s voice: ${doc.familyVoice}\n` : '') +
    '\nProgress:\n' +
    table(
      progress.map((p) => {
        const i = (doc.objectives ?? []).findIndex((x) => x.id === p.objective);
        return {
          ...p,
          objective: i >= 0 ? `${i + 1}` : '(removed)',
          from: p.kind === 'family' ? 'the family' : names.of(p.authorId),
        };
      }),
      [
        ['objective', '#'],
        ['from', 'FROM'],
        ['createdAt', 'WHEN'],
        ['text', 'REPORT'],
      ],
    ) +
    '\nReviews:\n' +
    table(
      reviews.map((r) => ({ ...r, by: names.of(r.reviewedBy), outcome: r.outcome.replace('_', ' ') })),
      [
        ['reviewedOn', 'DAY'],
        ['planVersion', 'VERSION'],
        ['outcome', 'OUTCOME'],
        ['by', 'BY'],
        ['text', 'NOTE'],
      ],
    )
  );
}
