import { randomUUID } from 'node:crypto';
import { MEETING_KINDS } from '../../../../contracts/meetings.js';
import type { AgendaItem } from '../../../../contracts/sealed.js';
import type { SecureSession } from '../../../sdk/node.js';
import { oneOf } from '../../choices.js';
import type { CliContext } from '../../context.js';
import { resolveChannel, resolveUser } from '../../secure.js';
import { checkWhen, meetingTime } from './when.js';

export interface ScheduleOpts {
  kind: string;
  at: string;
  place?: string;
  agenda?: string[];
  minuteTaker?: string;
  invite?: string[];
  past?: boolean;
}

/** `meetings schedule`: a meeting in a channel, or in a family's channel named by its reference. */
export async function scheduleMeeting(
  ctx: CliContext,
  s: SecureSession,
  o: ScheduleOpts,
  where: string,
): Promise<void> {
  const kind = oneOf(MEETING_KINDS, o.kind, '--kind');
  const now = new Date();
  const at = meetingTime(o.at, now);
  checkWhen(at, now, o.past === true);
  const channelId = await resolveChannel(s, where);
  const agenda: AgendaItem[] = (o.agenda ?? []).map((title, i) => ({ id: String(i + 1), title }));
  const invitees: string[] = [];
  for (const who of o.invite ?? []) invitees.push(await resolveUser(s, who));
  const minuteTakerId = o.minuteTaker ? await resolveUser(s, o.minuteTaker) : undefined;
  const id = randomUUID();
  const m = await s.sealedWrite(async () =>
    s.client.scheduleMeeting({
      id,
      channelId,
      kind,
      scheduledAt: at.toISOString(),
      place: o.place ? await s.sealField(channelId, 'meeting-place', { text: o.place }, { recordId: id }) : undefined,
      agenda: agenda.length ? await s.sealField(channelId, 'meeting-agenda', agenda, { recordId: id }) : undefined,
      minuteTakerId,
      invitees,
    }),
  );
  ctx.print(m, `Scheduled the ${m.kind} meeting for ${m.scheduledAt} (id ${m.id}); ${m.invitees.length} invited.\n`);
}
