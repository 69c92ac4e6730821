import type { DecryptedMessage, SecureSession } from '../../../sdk/node.js';
import { CliUsageError, EXIT_UNVERIFIED, type CliContext } from '../../context.js';
import { isId, resolveChannel } from '../../secure.js';

/** Display names of a channel's members, to print who said what. */
async function names(session: SecureSession, channelId: string): Promise<Map<string, string>> {
  const channel = await session.client.channel(channelId);
  return new Map(channel.members.map((m) => [m.userId, m.displayName]));
}

/** A message whose place or time in the conversation was changed on the server. */
const flagged = (m: DecryptedMessage) => m.order !== undefined && m.order !== 'ok';

function line(m: DecryptedMessage, who: Map<string, string>): string {
  const when = m.createdAt.replace('T', ' ').slice(0, 16);
  // Who the server says sent it is exactly what failed to check out: name nobody.
  if (m.unverified) return `#${m.seq}  ${when}  (could not be verified: ${m.error ?? 'unknown reason'})\n`;
  const name = who.get(m.senderUserId) ?? m.senderUserId;
  const warning = flagged(m) ? `\n      WARNING: ${m.warning}` : '';
  if (m.deleted) return `#${m.seq}  ${when}  ${name}: (deleted)${warning}\n`;
  if (m.error) return `#${m.seq}  ${when}  ${name}: (unable to decrypt: ${m.error})\n`;
  const body = typeof m.content?.body === 'string' ? m.content.body : JSON.stringify(m.content);
  return `#${m.seq}  ${when}  ${name}: ${body}${warning}\n`;
}

const plain = (m: DecryptedMessage) => ({
  seq: m.seq,
  senderUserId: m.unverified ? null : m.senderUserId,
  createdAt: m.createdAt,
  expiresAt: m.expiresAt,
  deleted: m.deleted,
  content: m.content,
  ...(m.error ? { error: m.error } : {}),
  ...(m.unverified ? { unverified: true } : {}),
  ...(m.sentAt ? { sentAt: m.sentAt } : {}),
  ...(m.order ? { order: m.order } : {}),
  ...(m.warning ? { warning: m.warning } : {}),
});

/** Said once after the messages, on standard error, when any failed verification (exit code 6). */
function unverifiedNotice(count: number): string {
  return (
    `${count} message(s) could not be verified: they may have been altered, or not come from the person the ` +
    'server names, so no sender is shown for them.\n'
  );
}

export interface SendOpts {
  clientMessageId?: string;
}

/**
 * `send`: encrypt and send a message; `-` or no text reads it from standard input. The SDK sees it
 * through network errors and a server that is briefly unavailable; a script that gives its own
 * `--client-message-id` can run the command again after exit code 3 and the message is stored once.
 */
export async function sendMessage(
  ctx: CliContext,
  s: SecureSession,
  o: SendOpts,
  which: string,
  text?: string,
): Promise<void> {
  if (o.clientMessageId !== undefined && !isId(o.clientMessageId)) {
    throw new CliUsageError('--client-message-id must be a UUID, such as one from `uuidgen`.');
  }
  const channelId = await resolveChannel(s, which);
  const body = text === undefined || text === '-' ? (await ctx.io.readStdin()).replace(/\n$/, '') : text;
  if (!body.trim()) throw new CliUsageError('Nothing to send.');
  const sent = await s.send(channelId, body, { clientMessageId: o.clientMessageId });
  ctx.print(
    { seq: sent.seq, epoch: sent.epoch, expiresAt: sent.expiresAt },
    `Sent as #${sent.seq}; kept until ${sent.expiresAt}.\n`,
  );
}

export interface ReadOpts {
  since: string;
  limit: string;
  keepUnread?: boolean;
}

/**
 * `read`: fetch and decrypt a page of messages, and mark them read for you on every device (unless
 * `--keep-unread`). A message that failed verification is shown with no sender; one that was moved,
 * removed or re-dated on the server is shown with a warning beside it. Either way the command exits 6
 * (EXIT_UNVERIFIED) after printing them all, so a script cannot take the page as sound.
 */
export async function readMessages(
  ctx: CliContext,
  s: SecureSession,
  opts: ReadOpts,
  which: string,
): Promise<number | void> {
  const channelId = await resolveChannel(s, which);
  const page = await s.read(channelId, {
    after: Number(opts.since) || 0,
    limit: Math.min(1000, Number(opts.limit) || 100),
  });
  const who = await names(s, channelId);
  ctx.print({ messages: page.messages.map(plain), lastSeq: page.lastSeq }, () =>
    page.messages.length ? page.messages.map((m) => line(m, who)).join('') : '(no messages)\n',
  );
  const last = page.messages.at(-1);
  if (last && !opts.keepUnread) {
    // The messages are shown already: failing to note that is worth a word, not a failed command.
    await s.client.markRead(channelId, last.seq).catch((err: unknown) => {
      ctx.io.err(`These messages are still counted as unread: ${err instanceof Error ? err.message : String(err)}\n`);
    });
  }
  const unverified = page.messages.filter((m) => m.unverified).length;
  const warned = page.messages.filter(flagged).length;
  if (unverified) ctx.io.err(unverifiedNotice(unverified));
  if (warned) {
    ctx.io.err(
      `Warning: ${warned === 1 ? '1 message was' : `${warned} messages were`} moved, removed around or re-dated on the server; ` +
        'the order and times shown may not be what was written.\n',
    );
  }
  return unverified || warned ? EXIT_UNVERIFIED : undefined;
}

export interface TailOpts {
  since?: string;
  exitAfter?: string;
}

/**
 * `tail`: follow a channel live until Ctrl+C (or --exit-after messages); the SDK reconnects and catches up.
 * Exits 6, as `read` does, if any message shown failed verification.
 */
export async function tailChannel(
  ctx: CliContext,
  s: SecureSession,
  opts: TailOpts,
  which: string,
): Promise<number | void> {
  const channelId = await resolveChannel(s, which);
  const who = await names(s, channelId);
  const limit = opts.exitAfter ? Number(opts.exitAfter) : Infinity;
  let seen = 0;
  let unverified = 0;
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const stop = await s.subscribe(
    channelId,
    (m) => {
      if (seen >= limit) return;
      seen++;
      if (m.unverified) unverified++;
      ctx.io.out(ctx.json ? JSON.stringify(plain(m)) + '\n' : line(m, who));
      if (seen >= limit) done();
    },
    { after: opts.since !== undefined ? Number(opts.since) : undefined },
  );
  ctx.progress(`Following ${which}. Ctrl+C to stop.\n`);
  await Promise.race([finished, ctx.io.interrupted()]);
  stop();
  if (!unverified) return;
  ctx.io.err(unverifiedNotice(unverified));
  return EXIT_UNVERIFIED;
}
