import type { SecureSession } from '../../../sdk/node.js';
import type { CliContext } from '../../context.js';
import { table } from '../../output.js';
import { Names, resolveChannel } from '../../secure.js';

export interface ListMeetingsOpts {
  channel?: string;
}

/** `meetings list`: the meetings you are invited to, or every meeting of one channel. */
export async function listMeetings(ctx: CliContext, s: SecureSession, o: ListMeetingsOpts): Promise<void> {
  const rows = o.channel
    ? await s.client.channelMeetings(await resolveChannel(s, o.channel))
    : await s.client.meetings();
  const names = new Names(s);
  for (const r of rows) await names.load(r.channelId);
  ctx.print(rows, () =>
    table(
      rows.map((r) => ({ ...r, short: r.id.slice(0, 8), chair: names.of(r.chairId) })),
      [
        ['short', 'ID'],
        ['kind', 'KIND'],
        ['scheduledAt', 'WHEN'],
        ['status', 'STATUS'],
        ['chair', 'CHAIR'],
      ],
    ),
  );
}
