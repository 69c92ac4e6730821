import { MEMBER_ROLES, type MemberRole } from '../../../../contracts/channels.js';
import type { SecureSession } from '../../../sdk/node.js';
import { confirm, type ConfirmOpts } from '../../confirm.js';
import type { CliContext } from '../../context.js';
import { resolveChannel, resolveUser } from '../../secure.js';

/** A name as a shell takes it back: in quotes when it has spaces ("North locality"). */
const quoted = (name: string) => (/\s/.test(name) ? `"${name}"` : name);

/** The roles `channels add` offers: a channel's chair is the person who created it. */
export const ADDED_ROLES = MEMBER_ROLES.filter((role) => role !== 'chair');

export interface AddMemberOpts {
  role: string;
  until?: string;
}

/**
 * `channels add`: the key rotates to include their devices; they see messages from now on, and the case
 * record (family details, minutes, actions, plan) at once: this computer gives them its keys.
 */
export async function addChannelMember(
  ctx: CliContext,
  s: SecureSession,
  opts: AddMemberOpts,
  which: string,
  who: string,
): Promise<void> {
  const channelId = await resolveChannel(s, which);
  const userId = await resolveUser(s, who);
  // The server checks the role against MEMBER_ROLES.
  const { recordKeysShared } = await s.addMember(channelId, {
    userId,
    role: opts.role as MemberRole,
    endsAt: opts.until,
  });
  await s.rotate(channelId);
  const { epochs } = await s.client.recordEpochs(channelId);
  ctx.print(
    { added: userId, recordKeysShared },
    `Added. The conversation's key was changed to include their devices; they read messages from now on.\n` +
      (epochs.length === 0
        ? ''
        : recordKeysShared > 0
          ? 'They can also read the case record (family details, minutes, actions, plan); this was recorded in the audit log.\n'
          : 'They have no approved device yet, so they cannot read the case record: once they have one, run ' +
            `\`strongroom channels share-record ${quoted(which)} ${quoted(who)}\`.\n`),
  );
}

/** `channels share-record`: give a member's devices the keys of the case record (no older chat). */
export async function shareRecord(
  ctx: CliContext,
  s: SecureSession,
  _o: unknown,
  which: string,
  who: string,
): Promise<void> {
  const channelId = await resolveChannel(s, which);
  const userId = await resolveUser(s, who);
  const shared = await s.shareRecordKeys(channelId, userId);
  ctx.print(
    { shared },
    shared
      ? `Gave them ${shared} key(s) to the case record. This was recorded in the audit log.\n`
      : 'Nothing to give: they have every key of the case record this computer holds, or no approved device yet.\n',
  );
}

/** `channels remove`: the key rotates without their devices, so they cannot read what follows. */
export async function removeChannelMember(
  ctx: CliContext,
  s: SecureSession,
  o: ConfirmOpts,
  which: string,
  who: string,
): Promise<void> {
  const channelId = await resolveChannel(s, which);
  const userId = await resolveUser(s, who);
  await confirm(ctx, o, `Removing ${who} from the channel: they cannot read anything written after this.`);
  await s.client.removeMember(channelId, userId);
  await s.rotate(channelId);
  ctx.print({ removed: userId }, 'Removed. The channel key was rotated without their devices.\n');
}

/** `channels leave` (no device keys needed). */
export async function leaveChannel(ctx: CliContext, o: ConfirmOpts, which: string): Promise<void> {
  const { client } = await ctx.sessionClient();
  const channelId = await resolveChannel({ client }, which);
  await confirm(ctx, o, 'Leaving the channel: you read nothing written after this, unless a chair adds you again.');
  await client.leaveChannel(channelId);
  ctx.print({ left: channelId }, 'You left the channel.\n');
}
