import { safetyNumber as safetyNumberOf, type SecureSession } from '../../../sdk/node.js';
import { confirm, type ConfirmOpts } from '../../confirm.js';
import { CliUsageError, type CliContext } from '../../context.js';
import { resolveChannel, resolveUser } from '../../secure.js';

/**
 * A person's safety number. Your own comes from the identity key this computer holds (never from the
 * server, which could show anyone's number for you), with a warning if the server shows another.
 */
export async function showFingerprint(ctx: CliContext, _o: unknown, who: string): Promise<void> {
  const { client, session } = await ctx.sessionClient();
  const userId = await resolveUser({ client }, who);
  const { identityPublicKey } = await client.userIdentity(userId);
  const local = userId === session.userId ? await ctx.keyStore().publicIdentity(userId) : null;
  const key = local ?? identityPublicKey;
  if (!key) throw new CliUsageError('That person has not set up their identity key yet.');
  const safetyNumber = await safetyNumberOf(key);
  const mismatch = local !== null && identityPublicKey !== local;
  ctx.print(
    { userId, safetyNumber, ...(mismatch ? { serverShowsAnotherIdentity: true } : {}) },
    `Safety number: ${safetyNumber}\n` +
      (mismatch
        ? 'WARNING: the server shows a different identity key for you than this computer holds. Someone may have ' +
          'tampered with it: tell your partners not to accept a new safety number for you.\n'
        : ''),
  );
}

export interface VerifyOpts {
  yes?: boolean;
  safetyNumber?: string;
}

const digits = (s: string) => s.replace(/\D/g, '');

/**
 * `verify`: after comparing safety numbers, trust the person's identity key — exactly the one whose
 * number was compared — and make new keys for the conversations shared with them.
 */
export async function verifyUser(ctx: CliContext, s: SecureSession, opts: VerifyOpts, who: string): Promise<void> {
  const userId = await resolveUser(s, who);
  const { identityPublicKey } = await s.client.userIdentity(userId);
  if (!identityPublicKey) throw new CliUsageError('That person has not set up their identity key yet.');
  const safetyNumber = await safetyNumberOf(identityPublicKey);
  if (opts.safetyNumber !== undefined) {
    if (digits(opts.safetyNumber) !== digits(safetyNumber)) {
      throw new CliUsageError(
        'That is not the safety number the server now gives for them: do not accept it. Compare again.',
      );
    }
  } else if (!opts.yes) {
    ctx.io.err(`Safety number: ${safetyNumber}\nCompare it with the one they see for themselves.\n`);
    const answer = await ctx.io.ask('Do they match? Type "yes": ');
    if (answer === null) {
      throw new CliUsageError('No terminal to ask on: pass --safety-number with the number they read to you.');
    }
    if (answer.trim().toLowerCase() !== 'yes') throw new CliUsageError('Not verified; nothing changed.');
  }
  const result = await s.verify(userId, identityPublicKey);
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
  o: ConfirmOpts,
  which: string,
  who: string,
): Promise<void> {
  const channelId = await resolveChannel(s, which);
  const userId = await resolveUser(s, who);
  await confirm(
    ctx,
    o,
    `Giving ${who} the keys to this channel’s older messages: they will read what was said before they joined. ` +
      'This is recorded in the audit log and cannot be taken back.',
  );
  const shared = await s.shareHistory(channelId, userId);
  ctx.print({ shared }, `Gave them ${shared} key(s) to older messages. This was recorded in the audit log.\n`);
}
