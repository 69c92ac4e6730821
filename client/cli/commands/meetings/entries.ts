import { randomUUID } from 'node:crypto';
import type { EntryKind } from '../../../../contracts/meetings.js';
import type { SecureSession } from '../../../sdk/node.js';
import type { CliContext } from '../../context.js';
import { resolveMeeting } from '../../secure.js';
import { agendaItem, agendaOf } from './agenda.js';

/** A typed entry (encrypted text) against an agenda item of a meeting in progress. */
export async function addEntry(
  s: SecureSession,
  meetingId: string,
  which: string,
  kind: EntryKind,
  text: string,
): Promise<{ id: string; meetingId: string; agendaItem: string; kind: EntryKind }> {
  const m = await s.client.meeting(meetingId);
  const item = agendaItem(await agendaOf(s, m), which);
  const entryId = randomUUID();
  const { id } = await s.sealedWrite(async () =>
    s.client.addMeetingEntry(meetingId, {
      id: entryId,
      agendaItem: item,
      kind,
      content: await s.sealField(m.channelId, 'meeting-entry', { text }, { recordId: entryId }),
    }),
  );
  return { id, meetingId, agendaItem: item, kind };
}

export interface DecisionOpts {
  item: string;
  text: string;
}

/** `decisions add`: a decision recorded against an agenda item. */
export async function addDecision(ctx: CliContext, s: SecureSession, o: DecisionOpts, which: string): Promise<void> {
  const id = await resolveMeeting(s, which);
  const entry = await addEntry(s, id, o.item, 'decision', o.text);
  ctx.print(entry, `Decision recorded against item ${entry.agendaItem}.\n`);
}
