import type { Command } from 'commander';
import type { Action } from '../cli.js';
import { agentStatus, lockAgent, storeDigest } from '../agent/client.js';
import { uid } from '../agent/paths.js';
import { startAgent } from '../agent/start.js';
import { CliUsageError, type CliContext } from '../context.js';
import { loadSession } from '../state.js';

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
/** The longest an agent may hold the keys: a week (and well inside what one timer can wait). */
const LONGEST_MS = 7 * UNITS.d;
const DEFAULT_FOR = '8h';

/** `--for` as milliseconds: a number with s, m, h or d, or several (`1h30m`), between 1 second and 7 days. */
export function duration(text: string): number {
  const t = text.trim().toLowerCase();
  if (!/^(\d+[smhd])+$/.test(t)) {
    throw new CliUsageError('--for takes a time such as 30m, 8h, 1h30m or 2d (s, m, h or d).');
  }
  let ms = 0;
  for (const [, n, unit] of t.matchAll(/(\d+)([smhd])/g)) ms += Number(n) * UNITS[unit];
  if (ms < 1000 || ms > LONGEST_MS) throw new CliUsageError('--for must be between 1 second and 7 days.');
  return ms;
}

/** A moment as a person reads it, in this computer's time zone. */
const when = (iso: string) => new Date(iso).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'medium' });

export interface UnlockOpts {
  for?: string;
  status?: boolean;
}

/** `unlock`: asks the passphrase once and leaves the keys with a per-user agent for a while. */
export async function unlock(ctx: CliContext, opts: UnlockOpts): Promise<void> {
  if (opts.status) return showStatus(ctx);
  if (uid() < 0) {
    throw new CliUsageError(
      'Unlocking for a while needs a Unix-like system; here every command asks for the passphrase.',
    );
  }
  const ms = duration(opts.for ?? DEFAULT_FOR);
  const { client, session } = await ctx.sessionClient();
  const store = ctx.keyStore();
  if (!(await store.exists(session.userId))) {
    throw new CliUsageError('This computer has no device keys for you yet. Run `strongroom device init` first.');
  }
  const device = await ctx.unlockDevice(client, store, session.userId);
  const until = new Date(Date.now() + ms);
  // Taken after unlocking: a device approved just now was saved again with its identity key.
  const digest = await storeDigest(store.path(session.userId));
  await startAgent(ctx.io.env, { userId: session.userId, email: session.email }, device, until, digest);
  ctx.print(
    { unlocked: true, userId: session.userId, email: session.email, until: until.toISOString() },
    `Unlocked for ${session.email} until ${when(until.toISOString())}: commands on this computer will not ask ` +
      'for your passphrase until then.\n`strongroom lock` locks now; `strongroom logout` does too.\n',
  );
}

/** `unlock --status`: whether the keys are unlocked, for whom and until when. */
async function showStatus(ctx: CliContext): Promise<void> {
  const status = await agentStatus(ctx.io.env);
  const me = await loadSession(ctx.io.env);
  if (!status) {
    ctx.print(
      { unlocked: false },
      'Locked: commands ask for your device passphrase. `strongroom unlock` keeps it unlocked for a while.\n',
    );
    return;
  }
  const other = me?.userId !== status.userId;
  ctx.print(
    { unlocked: true, ...status, signedInUser: !other },
    `Unlocked for ${status.email} until ${when(status.until)}` +
      (other ? ', who is not the person signed in now: their commands still ask.\n' : '.\n'),
  );
}

/** `lock`: stops the agent, which wipes the keys it held. */
export async function lock(ctx: CliContext): Promise<void> {
  const stopped = await lockAgent(ctx.io.env);
  ctx.print(
    { locked: true, wasUnlocked: stopped },
    stopped
      ? 'Locked: the keys are wiped from memory, and commands ask for your passphrase again.\n'
      : 'Nothing was unlocked: commands ask for your passphrase.\n',
  );
}

/** `unlock` and `lock`. */
export function registerAgentCommands(program: Command, action: Action): void {
  program
    .command('unlock')
    .description('Ask for your device passphrase once, and keep your keys unlocked for a while (8 hours unless --for)')
    .option('--for <time>', 'how long: 30m, 2h, 1h30m, 1d (at most 7d)', DEFAULT_FOR)
    .option('--status', 'say whether your keys are unlocked, and until when')
    .addHelpText(
      'after',
      '\nLike ssh-agent: a small process of yours holds the unlocked keys in memory and hands them to your\n' +
        'own `strongroom` commands over a socket only your user can open. It stops, wiping the keys, when the\n' +
        'time is up, at `strongroom lock`, or at `strongroom logout`. docs/cli-agent.md says what it protects.\n\n' +
        'Examples:\n  strongroom unlock                 # until 8 hours from now\n' +
        '  strongroom unlock --for 2h\n  strongroom unlock --status',
    )
    .action(action(unlock));
  program
    .command('lock')
    .description('Forget the unlocked keys now: commands ask for your passphrase again')
    .addHelpText('after', '\nExample: strongroom lock')
    .action(action(lock));
}
