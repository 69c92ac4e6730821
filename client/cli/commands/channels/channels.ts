import type { ChannelKind } from '../../../../contracts/channels.js';
import type { ChannelView, SecureSession } from '../../../sdk/node.js';
import { CliUsageError, type CliContext } from '../../context.js';
import { fields, table } from '../../output.js';
import { resolveUser } from '../../secure.js';

/** `channels list`: the channels you are in, titles decrypted here. */
export async function listChannels(ctx: CliContext, s: SecureSession): Promise<void> {
  const list = await s.client.channels();
  const rows: Record<string, unknown>[] = [];
  for (const c of list) rows.push({ ...c, title: c.title ? await s.title(c.id).catch(() => '(unreadable)') : '-' });
  ctx.print(rows, () =>
    table(rows, [
      ['title', 'TITLE'],
      ['kind', 'KIND'],
      ['myRole', 'ROLE'],
      ['memberCount', 'MEMBERS'],
      ['lastSeq', 'MESSAGES'],
      ['id', 'ID'],
    ]),
  );
}

export interface CreateChannelOpts {
  kind: string;
  title?: string;
  member?: string[];
  retentionDays?: string;
}

/** `channels create`: you chair it; its first key is sealed to every member device. */
export async function createChannel(ctx: CliContext, s: SecureSession, opts: CreateChannelOpts): Promise<void> {
  const members = [];
  for (const m of opts.member ?? []) members.push({ userId: await resolveUser(s, m) });
  const retentionDays = opts.retentionDays === undefined ? undefined : Number(opts.retentionDays);
  if (retentionDays !== undefined && !Number.isInteger(retentionDays)) {
    throw new CliUsageError('--retention-days takes a whole number of days.');
  }
  ctx.progress('Creating the channel and sealing its first key to every member device…\n');
  const id = await s.createChannel({
    // The server checks the kind against CHANNEL_KINDS.
    kind: opts.kind as ChannelKind,
    members,
    title: opts.title,
    retentionDays,
  });
  ctx.print({ id }, `Channel created: ${id}\n`);
}

/** `channels show`: members with their agency, role and devices. */
export async function showChannel(ctx: CliContext, s: SecureSession, _o: unknown, channelId: string): Promise<void> {
  const c = await s.client.channel(channelId);
  const title = c.title ? await s.title(channelId) : null;
  ctx.print({ ...c, titleText: title }, () => renderChannel(c, title));
}

function renderChannel(c: ChannelView, title: string | null): string {
  return (
    fields([
      ['Channel', title ?? '(no title)'],
      ['Id', c.id],
      ['Kind', c.kind],
      ['Retention', `${c.retentionDays} days`],
      ['Key epoch', `${c.currentEpoch}${c.rotationRequired ? ` (rotation due: ${c.rotationReason})` : ''}`],
      ['Messages', c.lastSeq],
    ]) +
    '\n' +
    table(
      c.members.map((m) => ({ ...m, devices: m.devices.length, until: m.endsAt })),
      [
        ['displayName', 'MEMBER'],
        ['agencyName', 'AGENCY'],
        ['role', 'ROLE'],
        ['devices', 'DEVICES'],
        ['until', 'UNTIL'],
        ['userId', 'USER ID'],
      ],
    )
  );
}
