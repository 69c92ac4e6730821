import type { DecryptedMessage, SecureSession } from '../../../sdk/node.js';
import { CliUsageError, type CliContext } from '../../context.js';

/** Display names of a channel's members, to print who said what. */
async function names(session: SecureSession, channelId: string): Promise<Map<string, string>> {
  const channel = await session.client.channel(channelId);
  return new Map(channel.members.map((m) => [m.userId, m.displayName]));
}

/** `read` exits with this when it showed a message that was moved, removed or re-dated (see the help). */
export const EXIT_ORDER_WARNING = 5;

/** A message whose place or time in the conversation was changed on the server. */
const flagged = (m: DecryptedMessage) => m.order !== undefined && m.order !== 'ok';

function line(m: DecryptedMessage, who: Map<string, string>): string {
  const name = who.get(m.senderUserId) ?? m.senderUserId;
  const when = m.createdAt.replace('T', ' ').slice(0, 16);
  const warning = flagged(m) ? `\n      WARNING: ${m.warning}` : '';
  if (m.deleted) return `#${m.seq}  ${when}  ${name}: (deleted)${warning}\n`;
  if (m.error) return `#${m.seq}  ${when}  ${name}: (unable to decrypt: ${m.error})\n`;
  const body = typeof m.content?.body === 'string' ? m.content.body : JSON.stringify(m.content);
  return `#${m.seq}  ${when}  ${name}: ${body}${warning}\n`;
}

const plain = (m: DecryptedMessage) => ({
  seq: m.seq,
  senderUserId: m.senderUserId,
  createdAt: m.createdAt,
  expiresAt: m.expiresAt,
  deleted: m.deleted,
  content: m.content,
  ...(m.error ? { error: m.error } : {}),
  ...(m.sentAt ? { sentAt: m.sentAt } : {}),
  ...(m.order ? { order: m.order } : {}),
  ...(m.warning ? { warning: m.warning } : {}),
});

/** `send`: encrypt and send a message; `-` or no text reads it from standard input. */
export async function sendMessage(
  ctx: CliContext,
  s: SecureSession,
  _o: unknown,
  channelId: string,
  text?: string,
): Promise<void> {
  const body = text === undefined || text === '-' ? (await ctx.io.readStdin()).replace(/\n$/, '') : text;
  if (!body.trim()) throw new CliUsageError('Nothing to send.');
  const sent = await s.send(channelId, body);
  ctx.print(
    { seq: sent.seq, epoch: sent.epoch, expiresAt: sent.expiresAt },
    `Sent as #${sent.seq}; kept until ${sent.expiresAt}.\n`,
  );
}

export interface ReadOpts {
  since: string;
  limit: string;
}

/**
 * `read`: fetch and decrypt a page of messages. A message that was moved, removed or re-dated on the
 * server is shown with a warning beside it, and the command then exits with EXIT_ORDER_WARNING.
 */
export async function readMessages(ctx: CliContext, s: SecureSession, opts: ReadOpts, channelId: string) {
  const page = await s.read(channelId, {
    after: Number(opts.since) || 0,
    limit: Math.min(1000, Number(opts.limit) || 100),
  });
  const who = await names(s, channelId);
  ctx.print({ messages: page.messages.map(plain), lastSeq: page.lastSeq }, () =>
    page.messages.length ? page.messages.map((m) => line(m, who)).join('') : '(no messages)\n',
  );
  const warned = page.messages.filter(flagged).length;
  if (!warned) return;
  ctx.progress(
    `Warning: ${warned === 1 ? '1 message was' : `${warned} messages were`} moved, removed around or re-dated on the server; ` +
      'the order and times shown may not be what was written.\n',
  );
  return EXIT_ORDER_WARNING;
}

export interface TailOpts {
  since?: string;
  exitAfter?: string;
}

/** `tail`: follow a channel live until Ctrl+C (or --exit-after messages); the SDK reconnects and catches up. */
export async function tailChannel(ctx: CliContext, s: SecureSession, opts: TailOpts, channelId: string) {
  const who = await names(s, channelId);
  const limit = opts.exitAfter ? Number(opts.exitAfter) : Infinity;
  let seen = 0;
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const stop = await s.subscribe(
    channelId,
    (m) => {
      if (seen >= limit) return;
      seen++;
      ctx.io.out(ctx.json ? JSON.stringify(plain(m)) + '\n' : line(m, who));
      if (seen >= limit) done();
    },
    { after: opts.since !== undefined ? Number(opts.since) : undefined },
  );
  ctx.progress(`Following ${channelId}. Ctrl+C to stop.\n`);
  await Promise.race([finished, ctx.io.interrupted()]);
  stop();
}
