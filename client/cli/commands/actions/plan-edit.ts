import type { PlanDocument } from '../../../../contracts/sealed.js';
import type { FamilyView, SecureSession } from '../../../sdk/node.js';
import { CliUsageError, type CliContext } from '../../context.js';
import { date, readJsonFile, resolveFamily, resolveMember } from '../../secure.js';

/** What to change in an objective: its text, outcome and measure. */
type ObjectiveOpts = { text?: string; outcome?: string; measure?: string };

export interface EditPlanOpts extends ObjectiveOpts {
  objective?: string;
  remove?: string;
  familyVoice?: string;
  reviewOn?: string;
  cover?: string[];
  fromFile?: string;
}

/** Twelve weeks from today: a first plan's review date unless one is given. */
const inTwelveWeeks = () => new Date(Date.now() + 84 * 86_400_000).toISOString().slice(0, 10);

/** `plan edit`: a new version of the plan on top of the latest (a concurrent edit is refused). */
export async function editPlan(ctx: CliContext, s: SecureSession, o: EditPlanOpts, which: string): Promise<void> {
  const f = await resolveFamily(s, which);
  const view = await s.client.familyPlan(f.id);
  let doc: PlanDocument = view.plan ? await s.openField(f.channelId, 'family-plan', view.plan) : { objectives: [] };
  if (o.fromFile) doc = (await readJsonFile(ctx, o.fromFile)) as PlanDocument;
  if (!Array.isArray(doc?.objectives)) throw new CliUsageError('The plan document needs an "objectives" list.');
  doc = edited(doc, o);
  const reviewOn = date(o.reviewOn, '--review-on', view.plan?.reviewOn ?? inTwelveWeeks());
  const coveredMemberIds = coverage(f, o.cover, view.plan?.coveredMemberIds);
  const saved = await s.sealedWrite(async () =>
    s.client.saveFamilyPlan(f.id, {
      baseVersion: view.plan?.version ?? 0,
      plan: await s.sealField(f.channelId, 'family-plan', doc),
      reviewOn,
      coveredMemberIds,
    }),
  );
  const after = await s.client.familyPlan(f.id);
  ctx.print(
    { ...after, document: doc },
    `Saved ${f.ref}’s plan, version ${saved.version}; review by ${after.plan?.reviewOn}.\n` +
      (after.uncoveredMembers.length
        ? `Not covered yet: ${after.uncoveredMembers.map((u) => u.memberRef).join(', ')}.\n`
        : ''),
  );
}

/** The document with --objective added or changed, --remove dropped and --family-voice set. */
function edited(doc: PlanDocument, o: EditPlanOpts): PlanDocument {
  if (o.objective) doc = withObjective(doc, o.objective, o);
  else if (o.text || o.outcome || o.measure) throw new CliUsageError('Name the objective: --objective <id>.');
  if (o.remove) {
    if (!doc.objectives.some((x) => x.id === o.remove)) {
      throw new CliUsageError(`The plan has no objective "${o.remove}".`);
    }
    doc = { ...doc, objectives: doc.objectives.filter((x) => x.id !== o.remove) };
  }
  if (o.familyVoice !== undefined) doc = { ...doc, familyVoice: o.familyVoice };
  return doc;
}

function withObjective(doc: PlanDocument, id: string, o: ObjectiveOpts): PlanDocument {
  const existing = doc.objectives.find((x) => x.id === id);
  if (!existing && !o.text) throw new CliUsageError(`A new objective needs --text: what is "${id}"?`);
  const next = {
    id,
    objective: o.text ?? existing!.objective,
    ...((o.outcome ?? existing?.outcome) !== undefined ? { outcome: o.outcome ?? existing?.outcome } : {}),
    ...((o.measure ?? existing?.measure) !== undefined ? { measure: o.measure ?? existing?.measure } : {}),
  };
  return {
    ...doc,
    objectives: existing ? doc.objectives.map((x) => (x.id === id ? next : x)) : [...doc.objectives, next],
  };
}

/** `--cover` by member reference; otherwise what the plan covered, or every member for a new plan. */
function coverage(f: FamilyView, cover: string[] | undefined, current: string[] | undefined): string[] {
  if (cover) return cover.map((w) => resolveMember(f, w).id);
  return current ?? f.members.map((m) => m.id);
}

export interface PlanProgressOpts {
  objective: string;
  report: string;
  family?: boolean;
}

/** `plan progress`: a progress report on an objective; --family records the family's own assessment. */
export async function reportProgress(ctx: CliContext, s: SecureSession, o: PlanProgressOpts, which: string) {
  const f = await resolveFamily(s, which);
  const r = await s.sealedWrite(async () =>
    s.client.reportPlanProgress(f.id, {
      objective: o.objective,
      kind: o.family ? 'family' : 'professional',
      report: await s.sealField(f.channelId, 'plan-progress', { text: o.report }),
    }),
  );
  ctx.print(r, `Progress on "${o.objective}" recorded.\n`);
}
