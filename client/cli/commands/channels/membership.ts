import { MEMBER_ROLES, type MemberRole } from '../../../../contracts/channels.js';
import type { SecureSession } from '../../../sdk/node.js';
import type { CliContext } from '../../context.js';
import { resolveUser } from '../../secure.js';

/** The roles `channels add` offers: a channel's chair is the person who created it. */
export const ADDED_ROLES = MEMBER_ROLES.filter((role) => role !== 'chair');

export interface AddMemberOpts {
  role: string;
  until?: string;
}

/** `channels add`: the key rotates to include their devices; they see messages from now on. */
export async function addChannelMember(
  ctx: CliContext,
  s: SecureSession,
  opts: AddMemberOpts,
  channelId: string,
  who: string,
): Promise<void> {
  const userId = await resolveUser(s, who);
  // The server checks the role against MEMBER_ROLES.
  await s.client.addMember(channelId, { userId, role: opts.role as MemberRole, endsAt: opts.until });
  await s.rotate(channelId);
  ctx.print({ added: userId }, `Added. The channel key was rotated to include their devices.\n`);
}

/** `channels remove`: the key rotates without their devices, so they cannot read what follows. */
export async function removeChannelMember(
  ctx: CliContext,
  s: SecureSession,
  _o: unknown,
  channelId: string,
  who: string,
): Promise<void> {
  const userId = await resolveUser(s, who);
  await s.client.removeMember(channelId, userId);
  await s.rotate(channelId);
  ctx.print({ removed: userId }, 'Removed. The channel key was rotated without their devices.\n');
}

/** `channels leave` (no device keys needed). */
export async function leaveChannel(ctx: CliContext, _o: unknown, channelId: string): Promise<void> {
  const { client } = await ctx.sessionClient();
  await client.leaveChannel(channelId);
  ctx.print({ left: channelId }, 'You left the channel.\n');
}
