import type { ChannelSummary, DecryptedMessage, MessageView, SecureSession } from '../../../sdk/node.js';
import { CliUsageError, EXIT_UNVERIFIED, type CliContext } from '../../context.js';
import { choose } from '../../names.js';
import { isId, resolveChannel } from '../../secure.js';
import { editLine, flaggedOrder, jsonOf, names, plainOf, viewLines, warned } from './message-lines.js';

/** Said once after the messages, on standard error, when any failed verification (exit code 6). */
function unverifiedNotice(count: number): string {
  return (
    `${count} message(s) could not be verified: they may have been altered, or not come from the person the ` +
    'server names, so no sender is shown for them.\n'
  );
}

export interface SendOpts {
  clientMessageId?: string;
  replyTo?: string;
  mention?: string[];
}

export interface EditOpts {
  clientMessageId?: string;
  mention?: string[];
}

/** A message's sequence number as given on the command line. */
function seqArg(value: string, flag: string): number {
  const seq = /^#?\d+$/.test(value.trim()) ? Number(value.trim().replace('#', '')) : NaN;
  if (!Number.isSafeInteger(seq) || seq < 1) {
    throw new CliUsageError(`${flag} takes a message number, as \`strongroom read\` shows it (#12 or 12).`);
  }
  return seq;
}

function checkClientMessageId(id: string | undefined): void {
  if (id !== undefined && !isId(id)) {
    throw new CliUsageError('--client-message-id must be a UUID, such as one from `uuidgen`.');
  }
}

/** The text to send: the argument, or standard input for `-` or none. */
async function textArg(ctx: CliContext, text: string | undefined): Promise<string> {
  const body = text === undefined || text === '-' ? (await ctx.io.readStdin()).replace(/\n$/, '') : text;
  if (!body.trim()) throw new CliUsageError('Nothing to send.');
  return body;
}

/**
 * The people `--mention` names, as user ids: by user id, work e-mail address, or name as `channels show`
 * lists it (exactly, ignoring case). Each must be in the channel: nobody else would see the message.
 */
async function mentioned(s: SecureSession, channelId: string, whos: readonly string[]): Promise<string[]> {
  if (!whos.length) return [];
  const { members } = await s.client.channel(channelId);
  const ids: string[] = [];
  for (const who of whos) {
    const id = who.includes('@')
      ? (await s.client.lookupUser(who.trim())).id
      : choose(
          who,
          members.map((m) => ({ id: m.userId, label: `${m.displayName} (${m.agencyName})`, names: [m.displayName] })),
          { noun: 'member', namedBy: 'their e-mail address, or their name', list: 'channels show <channel>' },
        );
    if (!members.some((m) => m.userId === id)) {
      throw new CliUsageError(`${who} is not in this channel, so would not see the message.`);
    }
    ids.push(id);
  }
  return ids;
}

/** A message of the channel as the reader sees it, by its number; refuses one they cannot see. */
async function shownMessage(s: SecureSession, channelId: string, seq: number): Promise<MessageView> {
  const { messages } = await s.readConversation(channelId);
  const found = messages.find((m) => m.seq === seq);
  if (found) return found;
  const raw = s.cached(channelId).find((m) => m.seq === seq);
  throw new CliUsageError(
    raw
      ? `#${seq} is a change to another message: name that message instead.`
      : `There is no message #${seq} you can see in this channel (see \`strongroom read\`).`,
  );
}

/**
 * `send`: encrypt and send a message; `-` or no text reads it from standard input. `--reply-to` and
 * `--mention` are sealed inside the message like its text: the server learns neither. The SDK sees it
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
  checkClientMessageId(o.clientMessageId);
  const replySeq = o.replyTo === undefined ? undefined : seqArg(o.replyTo, '--reply-to');
  const channelId = await resolveChannel(s, which);
  const body = await textArg(ctx, text);
  const mentions = await mentioned(s, channelId, o.mention ?? []);
  let replyTo: MessageView | undefined;
  if (replySeq !== undefined) {
    replyTo = await shownMessage(s, channelId, replySeq);
    if (replyTo.kind !== 'text') {
      throw new CliUsageError(`#${replySeq} cannot be replied to: it is deleted, or cannot be read here.`);
    }
  }
  const sent = await s.sendText(channelId, body, { clientMessageId: o.clientMessageId, replyTo, mentions });
  ctx.print(
    { seq: sent.seq, epoch: sent.epoch, expiresAt: sent.expiresAt },
    `Sent as #${sent.seq}; kept until ${sent.expiresAt}.\n`,
  );
}

/**
 * `edit`: a new text for one of your own messages. It is sent as a new message, sealed like any other,
 * that every reader folds into the original ("(edited)"); readers ignore an edit by anyone but the
 * sender. Its mentions stay unless `--mention` names them again.
 */
export async function editMessage(
  ctx: CliContext,
  s: SecureSession,
  o: EditOpts,
  which: string,
  seqText: string,
  text?: string,
): Promise<void> {
  checkClientMessageId(o.clientMessageId);
  const seq = seqArg(seqText, '<seq>');
  const channelId = await resolveChannel(s, which);
  const body = await textArg(ctx, text);
  const mentions = o.mention?.length ? await mentioned(s, channelId, o.mention) : undefined;
  const original = await shownMessage(s, channelId, seq);
  if (original.senderUserId !== s.userId) throw new CliUsageError(`Only the person who sent #${seq} can change it.`);
  if (original.kind !== 'text') throw new CliUsageError(`#${seq} cannot be changed: it is deleted, or cannot be read.`);
  const sent = await s.editMessage(channelId, original, body, { clientMessageId: o.clientMessageId, mentions });
  ctx.print(
    { seq: sent.seq, of: seq, epoch: sent.epoch, expiresAt: sent.expiresAt },
    `Changed #${seq} (the change is sent as #${sent.seq}).\n`,
  );
}

export interface ReadOpts {
  since: string;
  limit: string;
  keepUnread?: boolean;
}

/**
 * `read`: fetch and decrypt the channel, and show a page of it: edits folded into the messages they
 * change, replies with the message they answer, and mark them read for you on every device (unless
 * `--keep-unread`). The whole channel is read (what this member may see), because an edit or a
 * replied message may lie outside the page. A message that failed verification is shown with no
 * sender; one that was moved, removed or re-dated on the server, or that another member tried to
 * change, is shown with a warning beside it. Either way the command exits 6 (EXIT_UNVERIFIED) after
 * printing them all, so a script cannot take the page as sound.
 */
export async function readMessages(
  ctx: CliContext,
  s: SecureSession,
  opts: ReadOpts,
  which: string,
): Promise<number | void> {
  const channelId = await resolveChannel(s, which);
  const since = Number(opts.since) || 0;
  const limit = Math.min(1000, Number(opts.limit) || 100);
  const conversation = await s.readConversation(channelId);
  const shown = conversation.messages.filter((m) => m.seq > since).slice(0, limit);
  const raw = new Map(s.cached(channelId).map((m) => [m.seq, m]));
  const who = await names(s, channelId);
  ctx.print({ messages: shown.map((v) => jsonOf(v, raw.get(v.seq))), lastSeq: conversation.lastSeq }, () =>
    shown.length ? shown.map((v) => viewLines(v, who)).join('') : '(no messages)\n',
  );
  const last = shown.at(-1);
  if (last && !opts.keepUnread) {
    // The messages are shown already: failing to note that is worth a word, not a failed command.
    await s.client.markRead(channelId, last.seq).catch((err: unknown) => {
      ctx.io.err(`These messages are still counted as unread: ${err instanceof Error ? err.message : String(err)}\n`);
    });
  }
  const unverified = shown.filter((m) => m.kind === 'unverified').length;
  const moved = shown.filter(flaggedOrder).length;
  const forged = shown.filter((m) => m.rejectedEdits.length).length;
  if (unverified) ctx.io.err(unverifiedNotice(unverified));
  if (moved) {
    ctx.io.err(
      `Warning: ${moved === 1 ? '1 message was' : `${moved} messages were`} moved, removed around or re-dated on the server; ` +
        'the order and times shown may not be what was written.\n',
    );
  }
  if (forged) {
    ctx.io.err(
      `Warning: someone other than the sender tried to change ${forged === 1 ? '1 message' : `${forged} messages`}; ` +
        'the changes are not shown.\n',
    );
  }
  return unverified || shown.some(warned) ? EXIT_UNVERIFIED : undefined;
}

export interface TailOpts {
  since?: string;
  exitAfter?: string;
  all?: boolean;
}

/** A channel being followed: how its lines are labelled (with --all), and the names of its members. */
interface Followed {
  id: string;
  label: string | null;
  who: Map<string, string>;
}

/**
 * `tail`: follow a channel live until Ctrl+C (or --exit-after messages); the SDK reconnects and catches up.
 * The channel is read first, so replies to earlier messages show what they answer and an edit shows the
 * message it changed. `--all` follows every channel you are in when it starts, each line labelled with
 * its channel. Exits 6, as `read` does, if any message shown failed verification.
 */
export async function tailChannel(
  ctx: CliContext,
  s: SecureSession,
  opts: TailOpts,
  which?: string,
): Promise<number | void> {
  if (opts.all && which) throw new CliUsageError('Name one channel, or follow them all with --all; not both.');
  if (opts.all && opts.since !== undefined) throw new CliUsageError('--since is for one channel, not with --all.');
  if (!opts.all && !which) throw new CliUsageError('Name the channel to follow, or follow them all with --all.');
  const followed: Followed[] = [];
  if (which) {
    const id = await resolveChannel(s, which);
    followed.push({ id, label: null, who: await names(s, id) });
  } else {
    for (const c of await s.client.channels()) {
      followed.push({ id: c.id, label: await channelLabel(s, c), who: await names(s, c.id) });
    }
    if (!followed.length) throw new CliUsageError('You are not in any channel yet: there is nothing to follow.');
  }
  const limit = opts.exitAfter ? Number(opts.exitAfter) : Infinity;
  let seen = 0;
  let unverified = 0;
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const stops: (() => void)[] = [];
  for (const f of followed) {
    const { lastSeq } = await s.readConversation(f.id);
    const onMessage = (m: DecryptedMessage) => {
      if (seen >= limit) return;
      seen++;
      if (m.unverified) unverified++;
      if (ctx.json)
        ctx.io.out(JSON.stringify(f.label === null ? plainOf(m) : { channelId: f.id, ...plainOf(m) }) + '\n');
      else {
        const view = s.conversation(f.id);
        const shown = view.messages.find((v) => v.seq === m.seq);
        const line = editLine(m, view, f.who) ?? (shown ? viewLines(shown, f.who) : `#${m.seq}  (no longer shown)\n`);
        ctx.io.out(f.label === null ? line : `[${f.label}] ${line}`);
      }
      if (seen >= limit) done();
    };
    stops.push(await s.subscribe(f.id, onMessage, { after: opts.since !== undefined ? Number(opts.since) : lastSeq }));
  }
  ctx.progress(
    which ? `Following ${which}. Ctrl+C to stop.\n` : `Following your ${followed.length} channel(s). Ctrl+C to stop.\n`,
  );
  await Promise.race([finished, ctx.io.interrupted()]);
  for (const stop of stops) stop();
  if (!unverified) return;
  ctx.io.err(unverifiedNotice(unverified));
  return EXIT_UNVERIFIED;
}

/** What a line of `tail --all` says its channel is: the title, whom a direct one is with, or the id's start. */
async function channelLabel(s: SecureSession, c: ChannelSummary): Promise<string> {
  const title = c.title ? await s.title(c.id).catch(() => null) : null;
  return title ?? (c.directWith ? `with ${c.directWith.displayName}` : c.id.slice(0, 8));
}
