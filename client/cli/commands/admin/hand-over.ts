import { StrongroomApiError, type HandOverView, type StrongroomClient } from '../../../sdk/index.js';
import { CliUsageError, type CliContext } from '../../context.js';
import { table } from '../../output.js';
import { resolveAccount, resolveUser } from '../../secure.js';

/** How a hand-over goes: all open actions to one colleague, one piece at a time, or asked at the terminal. */
export interface HandOverOpts {
  yes?: boolean;
  /** Hand every open action to this colleague (e-mail, name or id). */
  reassignTo?: string;
  /** With `--to`: one action. */
  action?: string;
  to?: string;
  /** With `--lead`: one family (by id or reference). */
  family?: string;
  lead?: string;
}

/** One step taken, or refused (the server's reason), for the report and `--json`. */
interface Step {
  kind: 'action' | 'family';
  id: string;
  to: string;
  done: boolean;
  refusal?: { code: string; message: string };
}

const tryStep = async (kind: Step['kind'], id: string, to: string, run: () => Promise<HandOverView>): Promise<Step> => {
  try {
    await run();
    return { kind, id, to, done: true };
  } catch (err) {
    if (!(err instanceof StrongroomApiError)) throw err;
    return { kind, id, to, done: false, refusal: { code: err.code, message: err.message } };
  }
};

/** What the leaver holds, in plain words. */
export function describeHandOver(view: HandOverView): string {
  const who = view.user.displayName;
  if (!view.actions.length && !view.families.length) return `${who} holds no open actions and leads no families.\n`;
  let text = '';
  if (view.actions.length) {
    text += `${who}'s open actions (each waits for a colleague in its channel):\n`;
    text += table(view.actions, [
      ['id', 'ACTION'],
      ['dueOn', 'DUE'],
      ['status', 'STATUS'],
      ['channelId', 'CHANNEL'],
    ]);
  }
  if (view.families.length) {
    text += `Families ${who} leads (flagged until a new lead worker is set):\n`;
    text += table(view.families, [
      ['ref', 'FAMILY'],
      ['id', 'ID'],
    ]);
  }
  return text;
}

const familyId = (view: HandOverView, which: string) => {
  const w = which.trim();
  const f = view.families.find((x) => x.id === w || x.ref.toLowerCase() === w.toLowerCase());
  if (!f) throw new CliUsageError(`${view.user.displayName} does not lead a family "${w}": see the list above.`);
  return f.id;
};

/**
 * The hand-over steps after `users disable` or in `users hand-over`: `--reassign-to` hands every open action
 * to one colleague; `--action --to` and `--family --lead` one piece; with none of those and a terminal, each
 * piece is asked about in turn (a blank answer leaves it for later). Returns the steps taken and the view after.
 */
export async function handOverSteps(
  ctx: CliContext,
  client: StrongroomClient,
  userId: string,
  opts: HandOverOpts,
): Promise<{ steps: Step[]; view: HandOverView }> {
  let view = await client.leaverHandOver(userId);
  const steps: Step[] = [];
  const colleague = (who: string) => resolveUser({ client }, who);
  if (opts.reassignTo) {
    const to = await colleague(opts.reassignTo);
    for (const a of view.actions)
      steps.push(await tryStep('action', a.id, to, () => client.handOverLeaversAction(userId, a.id, to)));
  }
  if (opts.action || opts.to) {
    if (!opts.action || !opts.to) throw new CliUsageError('Give both --action <id> and --to <colleague>.');
    const to = await colleague(opts.to);
    steps.push(await tryStep('action', opts.action, to, () => client.handOverLeaversAction(userId, opts.action!, to)));
  }
  if (opts.family || opts.lead) {
    if (!opts.family || !opts.lead) throw new CliUsageError('Give both --family <reference> and --lead <colleague>.');
    const id = familyId(view, opts.family);
    const to = await colleague(opts.lead);
    steps.push(await tryStep('family', id, to, () => client.handOverLeaversFamily(userId, id, to)));
  }
  const chosen = opts.reassignTo || opts.action || opts.family;
  if (!chosen && !opts.yes && !ctx.json && (view.actions.length || view.families.length)) {
    ctx.io.err(describeHandOver(view));
    for (const a of view.actions) {
      const who = await ctx.io.ask(`Hand action ${a.id} (due ${a.dueOn}) to whom? (e-mail, name or id; blank: later) `);
      if (who === null) break; // no terminal: nothing to ask
      if (!who.trim()) continue;
      const to = await colleague(who);
      steps.push(await tryStep('action', a.id, to, () => client.handOverLeaversAction(userId, a.id, to)));
      reportStep(ctx, steps.at(-1)!);
    }
    for (const f of view.families) {
      const who = await ctx.io.ask(`New lead worker for family ${f.ref}? (e-mail, name or id; blank: later) `);
      if (who === null) break;
      if (!who.trim()) continue;
      const to = await colleague(who);
      steps.push(await tryStep('family', f.id, to, () => client.handOverLeaversFamily(userId, f.id, to)));
      reportStep(ctx, steps.at(-1)!);
    }
  }
  if (steps.length) view = await client.leaverHandOver(userId);
  return { steps, view };
}

function reportStep(ctx: CliContext, s: Step): void {
  const what = s.kind === 'action' ? `Action ${s.id}` : `Family ${s.id}`;
  ctx.progress(s.done ? `${what}: handed over.\n` : `${what}: not handed over: ${s.refusal!.message}\n`);
}

/** The report after the steps: what is done, what was refused, and what still waits. */
export function handOverReport(steps: Step[], view: HandOverView): string {
  if (!steps.length && !view.actions.length && !view.families.length) return describeHandOver(view);
  const done = steps.filter((s) => s.done).length;
  const refused = steps.filter((s) => !s.done);
  let text = steps.length ? `${done} handed over.\n` : '';
  for (const s of refused) text += `Not handed over: ${s.kind} ${s.id}: ${s.refusal!.message} (${s.refusal!.code})\n`;
  if (view.actions.length || view.families.length) {
    text += describeHandOver(view);
    text += `Hand them over later with \`strongroom users hand-over ${view.user.id}\`.\n`;
  } else if (steps.length) text += `Nothing of ${view.user.displayName}'s is left to hand over.\n`;
  return text;
}

/** `users hand-over USER`: a leaver's open actions and families, and handing them to colleagues. */
export async function handOverUser(ctx: CliContext, opts: HandOverOpts, who: string): Promise<number> {
  const { client } = await ctx.sessionClient();
  const userId = await resolveAccount(client, who);
  const { steps, view } = await handOverSteps(ctx, client, userId, opts);
  ctx.print({ steps, handOver: view }, () =>
    steps.length || view.actions.length || view.families.length ? handOverReport(steps, view) : describeHandOver(view),
  );
  return steps.some((s) => !s.done) ? 1 : 0;
}
