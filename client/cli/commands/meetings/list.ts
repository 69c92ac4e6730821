import type { MeetingSummary, SecureSession } from '../../../sdk/node.js';
import type { CliContext } from '../../context.js';
import { table } from '../../output.js';
import { channelName, familiesIfAllowed, Names, resolveChannel } from '../../secure.js';
import { localTime } from './when.js';

export interface ListMeetingsOpts {
  channel?: string;
}

/** A meeting with what it is for: its family's reference, or its channel's name (title decrypted here). */
type ListedMeeting = MeetingSummary & { familyRef: string | null; channel: string };

/**
 * `meetings list`: the meetings you are invited to, or every meeting of one channel, each with the family
 * it is for or the channel it is in. Times are shown in local time, as `--at` takes them (`--json` keeps the
 * server's UTC timestamps).
 */
export async function listMeetings(ctx: CliContext, s: SecureSession, o: ListMeetingsOpts): Promise<void> {
  const rows = o.channel
    ? await s.client.channelMeetings(await resolveChannel(s, o.channel))
    : await s.client.meetings();
  const names = new Names(s);
  for (const r of rows) await names.load(r.channelId);
  const shown = await whatFor(s, rows);
  ctx.print(shown, () =>
    table(
      shown.map((r) => ({
        ...r,
        short: r.id.slice(0, 8),
        when: localTime(new Date(r.scheduledAt)),
        chair: names.of(r.chairId),
        for: forLabel(r),
      })),
      [
        ['short', 'ID'],
        ['kind', 'KIND'],
        ['when', 'WHEN (LOCAL TIME)'],
        ['status', 'STATUS'],
        ['for', 'FAMILY OR CHANNEL'],
        ['chair', 'CHAIR'],
      ],
    ),
  );
}

const forLabel = (r: ListedMeeting) => (r.familyRef ? `family ${r.familyRef}` : r.channel);

/** Each meeting's family reference (for a family's channel) and its channel's name (`-` for one you left). */
async function whatFor(s: SecureSession, rows: MeetingSummary[]): Promise<ListedMeeting[]> {
  if (!rows.length) return [];
  const [channels, families] = await Promise.all([s.client.channels(), familiesIfAllowed(s)]);
  const names = new Map<string, string>();
  for (const c of channels) if (rows.some((r) => r.channelId === c.id)) names.set(c.id, await channelName(s, c));
  return rows.map((r) => ({
    ...r,
    familyRef: families.find((f) => f.channelId === r.channelId)?.ref ?? null,
    channel: names.get(r.channelId) ?? '-',
  }));
}
