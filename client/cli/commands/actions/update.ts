import { randomUUID } from 'node:crypto';
import { ACTION_STATUSES, type ActionStatus } from '../../../../contracts/actions.js';
import type { SecureSession } from '../../../sdk/node.js';
import { oneOf } from '../../choices.js';
import { CliUsageError, type CliContext } from '../../context.js';
import { resolveAction, resolveUser } from '../../secure.js';

export interface UpdateActionOpts {
  status?: string;
  note?: string;
}

/** `actions update`: a new status, a progress note (encrypted), or both. */
export async function updateAction(ctx: CliContext, s: SecureSession, o: UpdateActionOpts, which: string) {
  if (!o.status && !o.note) throw new CliUsageError('Give --status, --note, or both.');
  if (o.status) oneOf(ACTION_STATUSES, o.status, '--status');
  const id = await resolveAction(s, which);
  const current = await s.client.action(id);
  const updateId = randomUUID();
  const a = await s.sealedWrite(async () =>
    s.client.updateAction(id, {
      updateId,
      // Checked above when given; an empty --status goes to the server as it always has.
      status: o.status as ActionStatus | undefined,
      note: o.note
        ? await s.sealField(current.channelId, 'action-note', { text: o.note }, { recordId: updateId })
        : undefined,
    }),
  );
  ctx.print(a, `Action ${a.id.slice(0, 8)} is ${a.status}.\n`);
}

export interface ReassignOpts {
  reason?: string;
}

/** `actions reassign`: the action goes to someone else, with the reason recorded (encrypted). */
export async function reassignAction(ctx: CliContext, s: SecureSession, o: ReassignOpts, which: string, who: string) {
  const id = await resolveAction(s, which);
  const current = await s.client.action(id);
  const ownerId = await resolveUser(s, who);
  const updateId = randomUUID();
  const a = await s.sealedWrite(async () =>
    s.client.reassignAction(id, {
      updateId,
      ownerId,
      reason: o.reason
        ? await s.sealField(current.channelId, 'action-note', { text: o.reason }, { recordId: updateId })
        : undefined,
    }),
  );
  ctx.print(a, `Action ${a.id.slice(0, 8)} now belongs to ${who}.\n`);
}
