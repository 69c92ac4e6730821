import { safetyNumber as safetyNumberOf, type SecureSession } from '../../../sdk/node.js';
import { CliUsageError, type CliContext } from '../../context.js';
import { isId, resolveUser } from '../../secure.js';

/** `fingerprint`: a person's safety number (no device keys needed). */
export async function showFingerprint(ctx: CliContext, _o: unknown, who: string): Promise<void> {
  const { client } = await ctx.sessionClient();
  const userId = isId(who) ? who : (await client.lookupUser(who)).id;
  const { identityPublicKey } = await client.userIdentity(userId);
  if (!identityPublicKey) throw new CliUsageError('That person has not set up their identity key yet.');
  const safetyNumber = await safetyNumberOf(identityPublicKey);
  ctx.print({ userId, safetyNumber }, `Safety number: ${safetyNumber}\n`);
}

export interface VerifyOpts {
  yes?: boolean;
}

/** `verify`: after comparing safety numbers, trust (re-pin) the person's identity key as it is now. */
export async function verifyUser(ctx: CliContext, s: SecureSession, opts: VerifyOpts, who: string): Promise<void> {
  const userId = await resolveUser(s, who);
  const { identityPublicKey } = await s.client.userIdentity(userId);
  if (!identityPublicKey) throw new CliUsageError('That person has not set up their identity key yet.');
  const safetyNumber = await safetyNumberOf(identityPublicKey);
  if (!opts.yes) {
    ctx.io.err(`Safety number: ${safetyNumber}\nCompare it with the one they see for themselves.\n`);
    const answer = await ctx.io.ask('Do they match? Type "yes": ');
    if (answer === null) throw new CliUsageError('No terminal to ask on: pass --yes once you have compared.');
    if (answer.trim().toLowerCase() !== 'yes') throw new CliUsageError('Not verified; nothing changed.');
  }
  const result = await s.verify(userId);
  // Conversations that left them out while they were not trusted take them back with a new key now.
  const shared: string[] = [];
  for (const c of await s.client.channels()) {
    const channel = await s.client.channel(c.id);
    if (channel.members.some((m) => m.userId === userId) && channel.members.some((m) => m.userId === s.userId)) {
      shared.push(c.id);
    }
  }
  ctx.progress(shared.length ? `Making new keys for ${shared.length} conversation(s)…\n` : '');
  for (const id of shared) await s.rotate(id);
  ctx.print(
    {
      userId,
      safetyNumber,
      verified: true,
      accepted: result.accepted,
      refused: result.refused,
      rotated: shared,
    },
    `Verified: their identity key is trusted, and ${result.accepted.length} of their device(s) signed by it.\n` +
      result.refused.map((r) => `Not trusted: ${r.reason}\n`).join('') +
      `New keys made for ${shared.length} conversation(s) you share with them.\n`,
  );
}

/** `share-history`: give a newcomer the keys to older messages (an explicit, audited decision). */
export async function shareHistory(
  ctx: CliContext,
  s: SecureSession,
  _o: unknown,
  channelId: string,
  who: string,
): Promise<void> {
  const userId = await resolveUser(s, who);
  const shared = await s.shareHistory(channelId, userId);
  ctx.print({ shared }, `Shared ${shared} key envelope(s). This was recorded in the audit log.\n`);
}
