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
  ctx.print(
    { userId, safetyNumber, verified: true, accepted: result.accepted, refused: result.refused },
    `Verified: their identity key is trusted, and ${result.accepted.length} of their device(s) signed by it.\n` +
      result.refused.map((r) => `Not trusted: ${r.reason}\n`).join(''),
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
