import type { ActionDetailView, SecureSession } from '../../../sdk/node.js';
import type { CliContext } from '../../context.js';
import { fields, table } from '../../output.js';
import { mapInOrder, Names, openText, resolveAction, resolveChannel } from '../../secure.js';
import { actionTable, described } from './rows.js';

/** `actions list`: every action in a channel or family, decrypted here. */
export async function listActions(ctx: CliContext, s: SecureSession, _o: unknown, where: string): Promise<void> {
  const rows = await described(s, await s.client.channelActions(await resolveChannel(s, where)));
  ctx.print(rows, () => actionTable(rows));
}

/** `actions mine`: your actions across every channel, overdue first. */
export async function myActions(ctx: CliContext, s: SecureSession): Promise<void> {
  const rows = await described(s, await s.client.myActions());
  ctx.print(rows, () => actionTable(rows));
}

/** An action's update with its note decrypted here. */
type ShownUpdate = ActionDetailView['updates'][number] & { noteText: string };

/** `actions show`: one action with its history of status changes, notes and reassignments. */
export async function showAction(ctx: CliContext, s: SecureSession, _o: unknown, which: string): Promise<void> {
  const a = await s.client.action(await resolveAction(s, which));
  const names = await new Names(s).load(a.channelId);
  const text = await openText(s, a.channelId, 'action', a.description, { recordId: a.id });
  const updates = await mapInOrder(a.updates, async (u) => ({
    ...u,
    noteText: await openText(s, a.channelId, 'action-note', u.note, { recordId: u.id }),
  }));
  ctx.print({ ...a, text, updates }, () => renderAction(a, text, updates, names));
}

function renderAction(a: ActionDetailView, text: string, updates: ShownUpdate[], names: Names): string {
  const change = (u: ShownUpdate) =>
    u.kind === 'status'
      ? `${u.statusFrom} → ${u.statusTo}`
      : u.kind === 'reassigned'
        ? `reassigned ${names.of(u.fromUserId)} → ${names.of(u.toUserId)}`
        : 'progress';
  return (
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
      updates.map((u) => ({ ...u, change: change(u) })),
      [
        ['createdAt', 'WHEN'],
        ['by', 'BY'],
        ['change', 'CHANGE'],
        ['noteText', 'NOTE'],
      ],
    )
  );
}
