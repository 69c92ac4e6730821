import type { Command } from 'commander';
import type { ActionStatus, ActionView, FamilyView, SecureSession } from '../../sdk/node.js';
import type { Action } from '../cli.js';
import { CliUsageError } from '../context.js';
import { fields, table } from '../output.js';
import { addEntry } from './meetings.js';
import {
  date,
  mapInOrder,
  Names,
  openText,
  readJsonFile,
  resolveAction,
  resolveChannel,
  resolveFamily,
  resolveMeeting,
  resolveMember,
  resolveUser,
  withSession,
} from '../secure.js';

const STATUSES = ['open', 'in_progress', 'done', 'cancelled'];

/** The whole-family plan document the CLI writes. */
export interface PlanDocument {
  objectives: { id: string; objective: string; outcome?: string; measure?: string }[];
  familyVoice?: string;
}

/** Actions with their descriptions decrypted here, for tables and --json alike. */
async function described(s: SecureSession, actions: ActionView[]) {
  const names = new Names(s);
  return mapInOrder(actions, async (a) => ({
    ...a,
    text: await openText(s, a.channelId, 'action', a.description),
    short: a.id.slice(0, 8),
    owner: (await names.load(a.channelId)).of(a.ownerId),
  }));
}

const actionTable = (rows: Awaited<ReturnType<typeof described>>) =>
  table(rows, [
    ['short', 'ID'],
    ['status', 'STATUS'],
    ['dueOn', 'DUE'],
    ['owner', 'OWNER'],
    ['text', 'ACTION'],
  ]);

/** Twelve weeks from today: a first plan's review date unless one is given. */
const inTwelveWeeks = () => new Date(Date.now() + 84 * 86_400_000).toISOString().slice(0, 10);

/** Actions with named owners, and the whole-family plan. */
export function registerActionCommands(program: Command, action: Action): void {
  const actions = program
    .command('actions')
    .description('Actions: a named owner, a due date, a status; descriptions encrypted')
    .addHelpText(
      'after',
      '\nAn action is named by its id, or (for your own) its first characters as `actions mine` shows.\n' +
        'Only the owner, the chair or the family’s lead worker changes an action’s status.',
    );
  actions
    .command('add')
    .description('Set an action for someone, in a meeting or a channel')
    .requiredOption('--owner <user>', 'who will do it (e-mail or id); a member of the channel')
    .requiredOption('--due <YYYY-MM-DD>', 'when it is due')
    .requiredOption('--text <description>', 'what is to be done (encrypted)')
    .option('--meeting <meeting>', 'the meeting that set it (its channel is used)')
    .option('--in <channel>', 'the channel (id) or family (reference), when not set in a meeting')
    .option('--item <item>', 'with --meeting: also minute it as an action entry against this agenda item')
    .option('--objective <id>', 'the whole-family plan objective it serves')
    .action(
      action(
        async (
          ctx,
          o: {
            owner: string;
            due: string;
            text: string;
            meeting?: string;
            in?: string;
            item?: string;
            objective?: string;
          },
        ) =>
          withSession(ctx, async (s) => {
            if (!o.meeting && !o.in) throw new CliUsageError('Say where the action belongs: --meeting or --in.');
            if (o.item && !o.meeting) throw new CliUsageError('--item needs --meeting: whose agenda is it on?');
            const meetingId = o.meeting ? await resolveMeeting(s, o.meeting) : undefined;
            const channelId = meetingId
              ? (await s.client.meeting(meetingId)).channelId
              : await resolveChannel(s, o.in!);
            const dueOn = date(o.due, '--due');
            const ownerId = await resolveUser(s, o.owner);
            if (meetingId && o.item) {
              // Minuted first: a closed meeting refuses the entry before any action exists.
              await addEntry(s, meetingId, o.item, 'action', `${o.text} (owner ${o.owner}, due ${dueOn})`);
            }
            const a = await s.client.createAction({
              channelId,
              meetingId,
              planObjective: o.objective,
              description: await s.sealField(channelId, 'action', { text: o.text }),
              ownerId,
              dueOn,
            });
            ctx.print(a, `Action ${a.id.slice(0, 8)} set, due ${a.dueOn} (id ${a.id}).\n`);
          }),
      ),
    );
  actions
    .command('update <action>')
    .description('Move an action on: a new status, a progress note (encrypted), or both')
    .option('--status <status>', STATUSES.join(', '))
    .option('--note <text>', 'a progress note (encrypted, attributed to you)')
    .action(
      action(async (ctx, o: { status?: string; note?: string }, which: string) =>
        withSession(ctx, async (s) => {
          if (!o.status && !o.note) throw new CliUsageError('Give --status, --note, or both.');
          if (o.status && !STATUSES.includes(o.status)) {
            throw new CliUsageError(`--status is one of: ${STATUSES.join(', ')}.`);
          }
          const id = await resolveAction(s, which);
          const current = await s.client.action(id);
          const a = await s.client.updateAction(id, {
            status: o.status as ActionStatus | undefined,
            note: o.note ? await s.sealField(current.channelId, 'action-note', { text: o.note }) : undefined,
          });
          ctx.print(a, `Action ${a.id.slice(0, 8)} is ${a.status}.\n`);
        }),
      ),
    );
  actions
    .command('list <channel>')
    .description('Every action in a channel (id) or family (reference), decrypted here')
    .action(
      action(async (ctx, _o, where: string) =>
        withSession(ctx, async (s) => {
          const rows = await described(s, await s.client.channelActions(await resolveChannel(s, where)));
          ctx.print(rows, () => actionTable(rows));
        }),
      ),
    );
  actions
    .command('mine')
    .description('Your actions across every channel, overdue first')
    .action(
      action(async (ctx) =>
        withSession(ctx, async (s) => {
          const rows = await described(s, await s.client.myActions());
          ctx.print(rows, () => actionTable(rows));
        }),
      ),
    );
  actions
    .command('show <action>')
    .description('One action with its history: status changes, notes (decrypted here), reassignments')
    .action(
      action(async (ctx, _o, which: string) =>
        withSession(ctx, async (s) => {
          const a = await s.client.action(await resolveAction(s, which));
          const names = await new Names(s).load(a.channelId);
          const text = await openText(s, a.channelId, 'action', a.description);
          const updates = await mapInOrder(a.updates, async (u) => ({
            ...u,
            noteText: await openText(s, a.channelId, 'action-note', u.note),
          }));
          ctx.print(
            { ...a, text, updates },
            () =>
              fields([
                ['Action', text],
                ['Id', a.id],
                ['Owner', names.of(a.ownerId)],
                ['Due', a.dueOn],
                ['Status', a.status],
                ['Plan objective', a.planObjective],
                ['Meeting', a.meetingId],
              ]) +
              '\n' +
              table(
                updates.map((u) => ({
                  ...u,
                  change:
                    u.kind === 'status'
                      ? `${u.statusFrom} → ${u.statusTo}`
                      : u.kind === 'reassigned'
                        ? `reassigned ${names.of(u.fromUserId)} → ${names.of(u.toUserId)}`
                        : 'progress',
                })),
                [
                  ['createdAt', 'WHEN'],
                  ['by', 'BY'],
                  ['change', 'CHANGE'],
                  ['noteText', 'NOTE'],
                ],
              ),
          );
        }),
      ),
    );
  actions
    .command('reassign <action> <user>')
    .description('Give an action to someone else, e.g. when its owner leaves (chair or lead worker; recorded)')
    .option('--reason <text>', 'why (encrypted)')
    .action(
      action(async (ctx, o: { reason?: string }, which: string, who: string) =>
        withSession(ctx, async (s) => {
          const id = await resolveAction(s, which);
          const current = await s.client.action(id);
          const a = await s.client.reassignAction(id, {
            ownerId: await resolveUser(s, who),
            reason: o.reason ? await s.sealField(current.channelId, 'action-note', { text: o.reason }) : undefined,
          });
          ctx.print(a, `Action ${a.id.slice(0, 8)} now belongs to ${who}.\n`);
        }),
      ),
    );

  const plan = program
    .command('plan')
    .description('The whole-family plan: objectives, outcomes and measures (encrypted), review date, progress');
  plan
    .command('show <family>')
    .description('The plan, decrypted here: objectives, who it covers, progress reports')
    .action(
      action(async (ctx, _o, which: string) =>
        withSession(ctx, async (s) => {
          const f = await resolveFamily(s, which);
          const view = await s.client.familyPlan(f.id);
          if (!view.plan) {
            ctx.print(
              { ...view, document: null },
              `${f.ref} has no plan yet: \`strongroom plan edit ${f.ref} --objective 1 --text "…"\`.\n`,
            );
            return;
          }
          const doc = await s.openField<PlanDocument>(f.channelId, 'family-plan', view.plan);
          const names = await new Names(s).load(f.channelId);
          const progress = await mapInOrder(view.progress, async (p) => ({
            ...p,
            text: await openText(s, f.channelId, 'plan-progress', p.report),
          }));
          ctx.print(
            { ...view, document: doc, progress },
            () =>
              fields([
                ['Family', f.ref],
                ['Version', view.plan!.version],
                ['Review by', `${view.plan!.reviewOn}${view.plan!.reviewOverdue ? ' (overdue)' : ''}`],
                ['Not covered', view.uncoveredMembers.map((u) => `${u.memberRef} (${u.role})`).join(', ') || 'none'],
              ]) +
              '\n' +
              table(doc.objectives ?? [], [
                ['id', 'ID'],
                ['objective', 'OBJECTIVE'],
                ['outcome', 'OUTCOME'],
                ['measure', 'MEASURE'],
              ]) +
              (doc.familyVoice ? `\nThe family’s voice: ${doc.familyVoice}\n` : '') +
              '\nProgress:\n' +
              table(
                progress.map((p) => ({ ...p, from: p.kind === 'family' ? 'the family' : names.of(p.authorId) })),
                [
                  ['objective', 'OBJECTIVE'],
                  ['from', 'FROM'],
                  ['createdAt', 'WHEN'],
                  ['text', 'REPORT'],
                ],
              ),
          );
        }),
      ),
    );
  plan
    .command('edit <family>')
    .description('Change the plan (lead worker): add or change an objective, remove one, set the review or coverage')
    .option('--objective <id>', 'the objective to add or change (a short id, e.g. 1 or school)')
    .option('--text <objective>', 'what the objective is (with --objective)')
    .option('--outcome <text>', 'the outcome hoped for (with --objective)')
    .option('--measure <text>', 'how progress is measured (with --objective)')
    .option('--remove <id>', 'drop an objective')
    .option('--family-voice <text>', 'the family’s own view of the plan')
    .option('--review-on <YYYY-MM-DD>', 'when the plan is reviewed (a new plan: in 12 weeks)')
    .option('--cover <member...>', 'the family members it covers (M1 …); a new plan: everyone')
    .option('--from-file <file>', 'the whole plan document as JSON (- for standard input)')
    .addHelpText(
      'after',
      '\nEach edit saves a new version on top of the latest; a concurrent edit is refused, never overwritten.\n' +
        'Document format: {"objectives":[{"id":"1","objective":"…","outcome":"…","measure":"…"}],"familyVoice":"…"}',
    )
    .action(
      action(
        async (
          ctx,
          o: {
            objective?: string;
            text?: string;
            outcome?: string;
            measure?: string;
            remove?: string;
            familyVoice?: string;
            reviewOn?: string;
            cover?: string[];
            fromFile?: string;
          },
          which: string,
        ) =>
          withSession(ctx, async (s) => {
            const f = await resolveFamily(s, which);
            const view = await s.client.familyPlan(f.id);
            let doc: PlanDocument = view.plan
              ? await s.openField<PlanDocument>(f.channelId, 'family-plan', view.plan)
              : { objectives: [] };
            if (o.fromFile) doc = (await readJsonFile(ctx, o.fromFile)) as PlanDocument;
            if (!Array.isArray(doc?.objectives))
              throw new CliUsageError('The plan document needs an "objectives" list.');
            if (o.objective) doc = withObjective(doc, o.objective, o);
            else if (o.text || o.outcome || o.measure) throw new CliUsageError('Name the objective: --objective <id>.');
            if (o.remove) {
              if (!doc.objectives.some((x) => x.id === o.remove)) {
                throw new CliUsageError(`The plan has no objective "${o.remove}".`);
              }
              doc = { ...doc, objectives: doc.objectives.filter((x) => x.id !== o.remove) };
            }
            if (o.familyVoice !== undefined) doc = { ...doc, familyVoice: o.familyVoice };
            const saved = await s.client.saveFamilyPlan(f.id, {
              baseVersion: view.plan?.version ?? 0,
              plan: await s.sealField(f.channelId, 'family-plan', doc),
              reviewOn: date(o.reviewOn, '--review-on', view.plan?.reviewOn ?? inTwelveWeeks()),
              coveredMemberIds: coverage(f, o.cover, view.plan?.coveredMemberIds),
            });
            const after = await s.client.familyPlan(f.id);
            ctx.print(
              { ...after, document: doc },
              `Saved ${f.ref}’s plan, version ${saved.version}; review by ${after.plan?.reviewOn}.\n` +
                (after.uncoveredMembers.length
                  ? `Not covered yet: ${after.uncoveredMembers.map((u) => u.memberRef).join(', ')}.\n`
                  : ''),
            );
          }),
      ),
    );
  plan
    .command('progress <family>')
    .description('Report progress on an objective (encrypted); --family records the family’s own assessment')
    .requiredOption('--objective <id>', 'the objective')
    .requiredOption('--report <text>', 'the progress report')
    .option('--family', 'this is the family’s own view (lead worker only)')
    .action(
      action(async (ctx, o: { objective: string; report: string; family?: boolean }, which: string) =>
        withSession(ctx, async (s) => {
          const f = await resolveFamily(s, which);
          const r = await s.client.reportPlanProgress(f.id, {
            objective: o.objective,
            kind: o.family ? 'family' : 'professional',
            report: await s.sealField(f.channelId, 'plan-progress', { text: o.report }),
          });
          ctx.print(r, `Progress on "${o.objective}" recorded.\n`);
        }),
      ),
    );
}

function withObjective(
  doc: PlanDocument,
  id: string,
  o: { text?: string; outcome?: string; measure?: string },
): PlanDocument {
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
