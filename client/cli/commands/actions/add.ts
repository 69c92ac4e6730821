import { randomUUID } from 'node:crypto';
import type { SecureSession } from '../../../sdk/node.js';
import { CliUsageError, type CliContext } from '../../context.js';
import { date, resolveChannel, resolveMeeting, resolveUser } from '../../secure.js';
import { addEntry } from '../meetings/entries.js';
import { objectiveIdIn } from './plan-edit.js';

/** The id of the plan objective named (number, id or text) in the plan of the family this channel is. */
async function objectiveOfChannel(s: SecureSession, channelId: string, which: string): Promise<string> {
  const summary = (await s.client.families()).find((f) => f.channelId === channelId);
  if (!summary) throw new CliUsageError('--objective is for actions in a family’s conversation, which has the plan.');
  return (await objectiveIdIn(s, await s.client.family(summary.id), which)).id;
}

export interface AddActionOpts {
  owner: string;
  due: string;
  text: string;
  meeting?: string;
  in?: string;
  item?: string;
  objective?: string;
}

/** `actions add`: an action for someone, set in a meeting (and perhaps minuted) or in a channel. */
export async function addAction(ctx: CliContext, s: SecureSession, o: AddActionOpts): Promise<void> {
  if (!o.meeting && !o.in) throw new CliUsageError('Say where the action belongs: --meeting or --in.');
  if (o.item && !o.meeting) throw new CliUsageError('--item needs --meeting: whose agenda is it on?');
  const meetingId = o.meeting ? await resolveMeeting(s, o.meeting) : undefined;
  const channelId = meetingId ? (await s.client.meeting(meetingId)).channelId : await resolveChannel(s, o.in!);
  const dueOn = date(o.due, '--due');
  const ownerId = await resolveUser(s, o.owner);
  const planObjective = o.objective ? await objectiveOfChannel(s, channelId, o.objective) : undefined;
  if (meetingId && o.item) {
    // Minuted first: a closed meeting refuses the entry before any action exists.
    await addEntry(s, meetingId, o.item, 'action', `${o.text} (owner ${o.owner}, due ${dueOn})`);
  }
  // Sealed and written again if the conversation's key changes in between (sealedWrite).
  const id = randomUUID();
  const a = await s.sealedWrite(async () =>
    s.client.createAction({
      id,
      channelId,
      meetingId,
      planObjective,
      description: await s.sealField(channelId, 'action', { text: o.text }, { recordId: id }),
      ownerId,
      dueOn,
    }),
  );
  ctx.print(a, `Action ${a.id.slice(0, 8)} set, due ${a.dueOn} (id ${a.id}).\n`);
}
