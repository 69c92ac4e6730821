import { UNREAD_COUNT_MAX, type ChannelKind } from '../../../../contracts/channels.js';
import type { ChannelHoldView, ChannelView, SecureSession } from '../../../sdk/node.js';
import { CliUsageError, type CliContext } from '../../context.js';
import { fields, table } from '../../output.js';
import { channelName, resolveChannel, resolveUser } from '../../secure.js';
import { memberTrust, trustSummary, type MemberTrustView } from './member-trust.js';

/** An unread count as a person reads it: the server stops counting at UNREAD_COUNT_MAX. */
const unread = (n: number) => (n >= UNREAD_COUNT_MAX ? `${UNREAD_COUNT_MAX - 1}+` : n);

/** `channels list`: the channels you are in, titles decrypted here, with how many messages you have not read. */
export async function listChannels(ctx: CliContext, s: SecureSession): Promise<void> {
  const list = await s.client.channels();
  const rows: Record<string, unknown>[] = [];
  for (const c of list) rows.push({ ...c, title: await channelName(s, c), unread: unread(c.unreadCount) });
  ctx.print(rows, () =>
    table(rows, [
      ['title', 'TITLE'],
      ['kind', 'KIND'],
      ['myRole', 'ROLE'],
      ['memberCount', 'MEMBERS'],
      ['unread', 'UNREAD'],
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
  if (opts.kind === 'information_request') {
    throw new CliUsageError(
      'An information request’s conversation is made with the request: use `strongroom requests send`.',
    );
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

/**
 * `channels show`: members with their agency, role and devices, and whether this computer trusts them
 * (an identity that changed, a device met recently, no device that can read what is sent next).
 */
export async function showChannel(ctx: CliContext, s: SecureSession, _o: unknown, which: string): Promise<void> {
  const channelId = await resolveChannel(s, which);
  const c = await s.client.channel(channelId);
  const title = c.title ? await s.title(channelId) : null;
  // One member at a time: checking a device may pin it, and the pins are one file.
  const members: (ChannelView['members'][number] & { trust: MemberTrustView })[] = [];
  for (const m of c.members) members.push({ ...m, trust: await memberTrust(s, m) });
  const holds = await s.client.channelHolds(channelId);
  ctx.print({ ...c, titleText: title, members, legalHolds: holds }, () => renderChannel(c, title, members, holds));
}

/** What kind of legal hold keeps a channel's records, in words. */
const HOLD_WORDS: Record<ChannelHoldView['scope'], string> = {
  channel: 'a legal hold on this channel',
  family: 'a legal hold on this family',
  agency: 'a legal hold on what one of its members’ agencies wrote',
  class: 'a legal hold on every record of its kind',
};

/** Why a new key is due, in words (the server gives a code: member_added, epoch_age_limit…). */
const KEY_DUE: Record<string, string> = {
  epoch_age_limit: 'the key reached its age limit',
  epoch_message_limit: 'the key reached its message limit',
  no_epoch_yet: 'no key yet',
  rotation_required: 'a change',
};
const keyDue = (reason: string | null) => (reason ? (KEY_DUE[reason] ?? reason.replace(/_/g, ' ')) : 'a change');

function renderChannel(
  c: ChannelView,
  title: string | null,
  members: (ChannelView['members'][number] & { trust: MemberTrustView })[],
  holds: ChannelHoldView[],
): string {
  const notes = members.flatMap((m) => m.trust.notes.map((n) => `${m.displayName} (${m.agencyName}): ${n}.\n`));
  // An observer with an end date is there on time-limited audit access (ISA 6.1): everyone is told until when.
  notes.push(
    ...members
      .filter((m) => m.role === 'observer' && m.endsAt)
      .map(
        (m) =>
          `Auditor ${m.displayName} (${m.agencyName}) can read this channel, read-only, until ${m.endsAt!.slice(0, 16).replace('T', ' ')} UTC.\n`,
      ),
  );
  notes.push(
    ...holds.map((h) => `Kept past its retention: ${HOLD_WORDS[h.scope]} (since ${h.placedAt.slice(0, 10)}).\n`),
  );
  return (
    fields([
      ['Channel', title ?? '(no title)'],
      ['Id', c.id],
      ['Kind', c.kind],
      ['Retention', `${c.retentionDays} days`],
      ['Key period', `${c.currentEpoch}${c.rotationRequired ? ` (new key due: ${keyDue(c.rotationReason)})` : ''}`],
      ['Messages', c.lastSeq],
    ]) +
    '\n' +
    table(
      members.map((m) => ({ ...m, devices: m.devices.length, until: m.endsAt, trust: trustSummary(m.trust) })),
      [
        ['displayName', 'MEMBER'],
        ['agencyName', 'AGENCY'],
        ['role', 'ROLE'],
        ['devices', 'DEVICES'],
        ['trust', 'TRUST'],
        ['until', 'UNTIL'],
        ['userId', 'USER ID'],
      ],
    ) +
    (notes.length ? '\n' + notes.join('') : '') +
    (c.formerMembers.length
      ? '\nFormer members:\n' +
        table(
          c.formerMembers.map((f) => ({ ...f, why: FORMER[f.reason] ?? f.reason.replace(/_/g, ' ') })),
          [
            ['displayName', 'MEMBER'],
            ['agencyName', 'AGENCY'],
            ['role', 'ROLE'],
            ['joinedAt', 'FROM'],
            ['endedAt', 'UNTIL'],
            ['why', 'WHY'],
          ],
        )
      : '')
  );
}

/** Why someone is no longer a member, in words (the server gives a code). */
const FORMER: Record<string, string> = {
  removed: 'removed by the chair',
  left: 'left',
  membership_ended: 'time-limited access ended',
  user_disabled: 'account disabled',
  agency_withdrawn: 'agency withdrew from the ISA',
};
