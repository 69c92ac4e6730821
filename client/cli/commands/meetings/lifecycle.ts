import type { SecureSession } from '../../../sdk/node.js';
import type { CliContext } from '../../context.js';
import { confirm, type ConfirmOpts } from '../../confirm.js';
import { resolveMeeting, resolveUser } from '../../secure.js';

/** `meetings invite`: more people, who must be members of the channel. */
export async function inviteToMeeting(
  ctx: CliContext,
  s: SecureSession,
  _o: unknown,
  which: string,
  who: string[],
): Promise<void> {
  const ids: string[] = [];
  for (const w of who) ids.push(await resolveUser(s, w));
  const m = await s.client.inviteToMeeting(await resolveMeeting(s, which), ids);
  ctx.print(m, `${m.invitees.length} people are now invited.\n`);
}

/** `meetings start`: minutes, attendance and entries can be written from now on. */
export async function startMeeting(ctx: CliContext, s: SecureSession, _o: unknown, which: string): Promise<void> {
  const m = await s.client.startMeeting(await resolveMeeting(s, which));
  ctx.print(m, `The meeting is in progress.\n`);
}

/** `meetings close`: this device signs the latest minutes, which are then locked. */
export async function closeMeeting(ctx: CliContext, s: SecureSession, o: ConfirmOpts, which: string): Promise<void> {
  const meetingId = await resolveMeeting(s, which);
  await confirm(
    ctx,
    o,
    'Closing the meeting signs its latest minutes with this device and locks them: after this, corrections are amendments.',
  );
  const m = await s.closeMeeting(meetingId);
  ctx.print(
    m,
    `Closed. The minutes (version ${m.final?.version}) are signed by this device and locked;\n` +
      `corrections from now on are signed amendments (\`strongroom minutes amend\`).\n`,
  );
}
