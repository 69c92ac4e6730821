import type { Command } from 'commander';
import {
  fingerprint,
  type ChannelKind,
  type DecryptedMessage,
  type MemberRole,
  type SecureSession,
} from '../../sdk/node.js';
import type { Action } from '../cli.js';
import { CliUsageError } from '../context.js';
import { isId, resolveUser, withSession } from '../secure.js';
import { fields, table } from '../output.js';

const KINDS = 'direct, locality_meeting, family_meeting, professionals_meeting, referral';

/** Display names of a channel's members, to print who said what. */
async function names(session: SecureSession, channelId: string): Promise<Map<string, string>> {
  const channel = await session.client.channel(channelId);
  return new Map(channel.members.map((m) => [m.userId, m.displayName]));
}

function line(m: DecryptedMessage, who: Map<string, string>): string {
  const name = who.get(m.senderUserId) ?? m.senderUserId;
  const when = m.createdAt.replace('T', ' ').slice(0, 16);
  if (m.deleted) return `#${m.seq}  ${when}  ${name}: (deleted)\n`;
  if (m.error) return `#${m.seq}  ${when}  ${name}: (unable to decrypt: ${m.error})\n`;
  const body = typeof m.content?.body === 'string' ? m.content.body : JSON.stringify(m.content);
  return `#${m.seq}  ${when}  ${name}: ${body}\n`;
}

const plain = (m: DecryptedMessage) => ({
  seq: m.seq,
  senderUserId: m.senderUserId,
  createdAt: m.createdAt,
  expiresAt: m.expiresAt,
  deleted: m.deleted,
  content: m.content,
  ...(m.error ? { error: m.error } : {}),
});

/** Channels and messages, end to end encrypted: every command here unlocks this device's keys. */
export function registerChannelCommands(program: Command, action: Action): void {
  const channels = program
    .command('channels')
    .description('Your end-to-end encrypted channels')
    .addHelpText('after', '\nThese commands unlock this device’s keys: STRONGROOM_PASSPHRASE or a prompt.');
  channels
    .command('list')
    .description('Channels you are in, with their titles decrypted here')
    .action(
      action(async (ctx) =>
        withSession(ctx, async (s) => {
          const list = await s.client.channels();
          const rows: Record<string, unknown>[] = [];
          for (const c of list)
            rows.push({ ...c, title: c.title ? await s.title(c.id).catch(() => '(unreadable)') : '-' });
          ctx.print(rows, () =>
            table(rows, [
              ['title', 'TITLE'],
              ['kind', 'KIND'],
              ['myRole', 'ROLE'],
              ['memberCount', 'MEMBERS'],
              ['lastSeq', 'MESSAGES'],
              ['id', 'ID'],
            ]),
          );
        }),
      ),
    );
  channels
    .command('create')
    .description('Create a channel; you chair it (a direct channel is between you and one other person)')
    .requiredOption('--kind <kind>', KINDS)
    .option('--title <text>', 'title, encrypted before it leaves this computer')
    .option('--member <user...>', 'people to add, by e-mail or user id (repeatable)')
    .option('--retention-days <n>', 'how long messages are kept (default: the policy for the kind)')
    .action(
      action(async (ctx, opts: { kind: string; title?: string; member?: string[]; retentionDays?: string }) =>
        withSession(ctx, async (s) => {
          const members = [];
          for (const m of opts.member ?? []) members.push({ userId: await resolveUser(s, m) });
          const retentionDays = opts.retentionDays === undefined ? undefined : Number(opts.retentionDays);
          if (retentionDays !== undefined && !Number.isInteger(retentionDays)) {
            throw new CliUsageError('--retention-days takes a whole number of days.');
          }
          ctx.progress('Creating the channel and sealing its first key to every member device…\n');
          const id = await s.createChannel({
            kind: opts.kind as ChannelKind,
            members,
            title: opts.title,
            retentionDays,
          });
          ctx.print({ id }, `Channel created: ${id}\n`);
        }),
      ),
    );
  channels
    .command('show <channel>')
    .description('A channel: members with their agency, role and devices')
    .action(
      action(async (ctx, _opts, channelId: string) =>
        withSession(ctx, async (s) => {
          const c = await s.client.channel(channelId);
          const title = c.title ? await s.title(channelId) : null;
          ctx.print(
            { ...c, titleText: title },
            () =>
              fields([
                ['Channel', title ?? '(no title)'],
                ['Id', c.id],
                ['Kind', c.kind],
                ['Retention', `${c.retentionDays} days`],
                ['Key epoch', `${c.currentEpoch}${c.rotationRequired ? ` (rotation due: ${c.rotationReason})` : ''}`],
                ['Messages', c.lastSeq],
              ]) +
              '\n' +
              table(
                c.members.map((m) => ({ ...m, devices: m.devices.length, until: m.endsAt })),
                [
                  ['displayName', 'MEMBER'],
                  ['agencyName', 'AGENCY'],
                  ['role', 'ROLE'],
                  ['devices', 'DEVICES'],
                  ['until', 'UNTIL'],
                  ['userId', 'USER ID'],
                ],
              ),
          );
        }),
      ),
    );
  channels
    .command('add <channel> <user>')
    .description('Add someone (chair only); they see messages from now on')
    .option('--role <role>', 'member or observer', 'member')
    .option('--until <ISO date-time>', 'when an observer’s access ends')
    .action(
      action(async (ctx, opts: { role: string; until?: string }, channelId: string, who: string) =>
        withSession(ctx, async (s) => {
          const userId = await resolveUser(s, who);
          await s.client.addMember(channelId, { userId, role: opts.role as MemberRole, endsAt: opts.until });
          await s.rotate(channelId);
          ctx.print({ added: userId }, `Added. The channel key was rotated to include their devices.\n`);
        }),
      ),
    );
  channels
    .command('remove <channel> <user>')
    .description('Remove someone (chair only); the key rotates so they cannot read what follows')
    .action(
      action(async (ctx, _opts, channelId: string, who: string) =>
        withSession(ctx, async (s) => {
          const userId = await resolveUser(s, who);
          await s.client.removeMember(channelId, userId);
          await s.rotate(channelId);
          ctx.print({ removed: userId }, 'Removed. The channel key was rotated without their devices.\n');
        }),
      ),
    );
  channels
    .command('leave <channel>')
    .description('Leave a channel')
    .action(
      action(async (ctx, _opts, channelId: string) => {
        const { client } = await ctx.sessionClient();
        await client.leaveChannel(channelId);
        ctx.print({ left: channelId }, 'You left the channel.\n');
      }),
    );

  program
    .command('send <channel> [text]')
    .description('Encrypt and send a message; `-` or no text reads it from standard input')
    .action(
      action(async (ctx, _opts, channelId: string, text?: string) =>
        withSession(ctx, async (s) => {
          const body = text === undefined || text === '-' ? (await ctx.io.readStdin()).replace(/\n$/, '') : text;
          if (!body.trim()) throw new CliUsageError('Nothing to send.');
          const sent = await s.send(channelId, body);
          ctx.print(
            { seq: sent.seq, epoch: sent.epoch, expiresAt: sent.expiresAt },
            `Sent as #${sent.seq}; kept until ${sent.expiresAt}.\n`,
          );
        }),
      ),
    );

  program
    .command('read <channel>')
    .description('Fetch and decrypt messages')
    .option('--since <seq>', 'only messages after this sequence number', '0')
    .option('--limit <n>', 'at most this many', '100')
    .action(
      action(async (ctx, opts: { since: string; limit: string }, channelId: string) =>
        withSession(ctx, async (s) => {
          const page = await s.read(channelId, {
            after: Number(opts.since) || 0,
            limit: Math.min(1000, Number(opts.limit) || 100),
          });
          const who = await names(s, channelId);
          ctx.print({ messages: page.messages.map(plain), lastSeq: page.lastSeq }, () =>
            page.messages.length ? page.messages.map((m) => line(m, who)).join('') : '(no messages)\n',
          );
        }),
      ),
    );

  program
    .command('tail <channel>')
    .description('Follow a channel live; reconnects and catches up by itself (Ctrl+C to stop)')
    .option('--since <seq>', 'start after this sequence number (default: now)')
    .option('--exit-after <n>', 'stop after this many messages (for scripts)')
    .action(
      action(async (ctx, opts: { since?: string; exitAfter?: string }, channelId: string) =>
        withSession(ctx, async (s) => {
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
        }),
      ),
    );

  program
    .command('fingerprint <user>')
    .description('A person’s safety number, to compare with them in person or by phone')
    .action(
      action(async (ctx, _opts, who: string) => {
        const { client } = await ctx.sessionClient();
        const userId = isId(who) ? who : (await client.lookupUser(who)).id;
        const devices = await client.userDevices(userId);
        if (!devices.length) throw new CliUsageError('That person has no registered device yet.');
        const safetyNumber = await fingerprint(devices.map((d) => d.ed25519PublicKey));
        ctx.print(
          { userId, safetyNumber, devices: devices.length },
          `Safety number: ${safetyNumber}\n(${devices.length} device(s))\n`,
        );
      }),
    );

  program
    .command('verify <user>')
    .description('After comparing safety numbers, trust this person’s current device keys (re-pins them)')
    .option('--yes', 'confirm without asking')
    .action(
      action(async (ctx, opts: { yes?: boolean }, who: string) =>
        withSession(ctx, async (s) => {
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
        }),
      ),
    );

  program
    .command('share-history <channel> <user>')
    .description('Give a newcomer the keys to older messages (an explicit, audited decision)')
    .action(
      action(async (ctx, _opts, channelId: string, who: string) =>
        withSession(ctx, async (s) => {
          const userId = await resolveUser(s, who);
          const shared = await s.shareHistory(channelId, userId);
          ctx.print({ shared }, `Shared ${shared} key envelope(s). This was recorded in the audit log.\n`);
        }),
      ),
    );
}
