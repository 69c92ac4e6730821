import { fingerprint, type SecureSession } from '../../../sdk/node.js';
import { CliUsageError, type CliContext } from '../../context.js';
import { isId, resolveUser } from '../../secure.js';

/** `fingerprint`: a person's safety number (no device keys needed). */
export async function showFingerprint(ctx: CliContext, _o: unknown, who: string): Promise<void> {
  const { client } = await ctx.sessionClient();
  const userId = isId(who) ? who : (await client.lookupUser(who)).id;
  const devices = await client.userDevices(userId);
  if (!devices.length) throw new CliUsageError('That person has no registered device yet.');
  const safetyNumber = await fingerprint(devices.map((d) => d.ed25519PublicKey));
  ctx.print(
    { userId, safetyNumber, devices: devices.length },
    `Safety number: ${safetyNumber}\n(${devices.length} device(s))\n`,
  );
}

export interface VerifyOpts {
  yes?: boolean;
}

/** `verify`: after comparing safety numbers, trust (re-pin) the person's current device keys. */
export async function verifyUser(ctx: CliContext, s: SecureSession, opts: VerifyOpts, who: string): Promise<void> {
  const userId = await resolveUser(s, who);
  const devices = await s.client.userDevices(userId);
  const safetyNumber = await fingerprint(devices.map((d) => d.ed25519PublicKey));
  if (!opts.yes) {
    ctx.io.err(`Safety number: ${safetyNumber}\nCompare it with the one they see for themselves.\n`);
    const answer = await ctx.io.ask('Do they match? Type "yes": ');
    if (answer === null) throw new CliUsageError('No terminal to ask on: pass --yes once you have compared.');
    if (answer.trim().toLowerCase() !== 'yes') throw new CliUsageError('Not verified; nothing changed.');
  }
  await s.verify(userId, devices);
  ctx.print(
    { userId, safetyNumber, verified: true },
    `Verified: their ${devices.length} device key(s) are now trusted.\n`,
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
