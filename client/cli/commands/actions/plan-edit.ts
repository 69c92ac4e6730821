import { randomUUID } from 'node:crypto';
import type { PlanDocument } from '../../../../contracts/sealed.js';
import { newObjectiveId, type FamilyView, type SecureSession } from '../../../sdk/node.js';
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
  const base = view.plan ? await s.readPlan(f, view.plan) : null;
  // The edit is signed by this device over what it shows: say first if the version it builds on did not hold.
  if (base?.warning) ctx.io.err(`Warning: version ${base.version} of the plan: ${base.warning}\n`);
  let doc: PlanDocument = base?.document ?? { objectives: [] };
  if (o.fromFile) doc = (await readJsonFile(ctx, o.fromFile)) as PlanDocument;
  if (!Array.isArray(doc?.objectives)) throw new CliUsageError('The plan document needs an "objectives" list.');
  // Ids travel in clear: one that is not random (a name, a number) is replaced by a random one.
  doc = {
    ...doc,
    objectives: doc.objectives.map((x) =>
      /^[A-Za-z0-9_-]{22}$/.test(x.id ?? '') ? x : { ...x, id: newObjectiveId() },
    ),
  };
  doc = edited(doc, o);
  const reviewOn = date(o.reviewOn, '--review-on', view.plan?.reviewOn ?? inTwelveWeeks());
  const coveredMemberIds = coverage(f, o.cover, view.plan?.coveredMemberIds);
  const saved = await s.savePlan(f, {
    baseVersion: view.plan?.version ?? 0,
    document: doc,
    reviewOn,
    coveredMemberIds,
  });
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
    const gone = findObjective(doc, o.remove);
    if (!gone) throw new CliUsageError(noSuchObjective(doc, o.remove));
    doc = { ...doc, objectives: doc.objectives.filter((x) => x.id !== gone.id) };
  }
  if (o.familyVoice !== undefined) doc = { ...doc, familyVoice: o.familyVoice };
  return doc;
}

function withObjective(doc: PlanDocument, which: string, o: ObjectiveOpts): PlanDocument {
  const existing = findObjective(doc, which);
  const isNew = !existing && (which === 'new' || which === String(doc.objectives.length + 1));
  if (!existing && !isNew) throw new CliUsageError(noSuchObjective(doc, which));
  if (isNew && !o.text) throw new CliUsageError('A new objective needs --text: what is it?');
  // A new objective gets a random id: ids travel in clear, so they must not say what the objective is.
  const id = existing?.id ?? newObjectiveId();
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

/** An objective named by its number in `plan show` (1, 2…), its id, or its exact text. */
export function findObjective(doc: PlanDocument, which: string): PlanDocument['objectives'][number] | undefined {
  const n = /^\d+$/.test(which) ? Number(which) : NaN;
  if (n >= 1 && n <= doc.objectives.length) return doc.objectives[n - 1];
  const w = which.trim().toLowerCase();
  return doc.objectives.find((x) => x.id === which || x.objective.trim().toLowerCase() === w);
}

export const noSuchObjective = (doc: PlanDocument, which: string) =>
  `The plan has no objective "${which}": give its number as \`plan show\` lists it (1–${doc.objectives.length})` +
  `, or ${doc.objectives.length + 1} (or "new") with --text to add one.`;

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
  const objective = await objectiveIdIn(s, f, o.objective);
  const id = randomUUID();
  const r = await s.sealedWrite(async () =>
    s.client.reportPlanProgress(f.id, {
      id,
      objective: objective.id,
      kind: o.family ? 'family' : 'professional',
      report: await s.sealField(f.channelId, 'plan-progress', { text: o.report }, { recordId: id }),
    }),
  );
  ctx.print(r, `Progress on "${objective.objective}" recorded.\n`);
}

/** The plan objective named on the command line (number, id or text), from the plan decrypted here. */
export async function objectiveIdIn(s: SecureSession, f: FamilyView, which: string) {
  const view = await s.client.familyPlan(f.id);
  if (!view.plan) throw new CliUsageError(`${f.ref} has no plan yet.`);
  const doc = await s.openField(f.channelId, 'family-plan', view.plan, { recordId: f.id, version: view.plan.version });
  const found = findObjective(doc, which);
  if (!found) throw new CliUsageError(noSuchObjective(doc, which));
  return found;
}
