import type { Command } from 'commander';
import { CliUsageError, type CliContext } from './context.js';

/** What a command that asks before acting takes: `--yes` answers for a script. */
export interface ConfirmOpts {
  yes?: boolean;
}

/** Adds `--yes` to a command that asks before a destructive or irreversible step. */
export const withYes = (command: Command): Command =>
  command.option('--yes', 'do it without asking (for scripts: without a terminal, it is refused otherwise)');

/**
 * Asks before a step that cannot be taken back: `what` says in plain words what is about to happen, and
 * the person answers `y` on the terminal. `--yes` goes ahead without asking; with neither a terminal
 * nor `--yes` nothing happens and the command exits 2 saying to add it. Anything but yes changes nothing.
 */
export async function confirm(ctx: CliContext, opts: ConfirmOpts, what: string): Promise<void> {
  if (opts.yes) return;
  const answer = await ctx.io.ask(`${what}\nContinue? [y/N] `);
  if (answer === null) {
    throw new CliUsageError(
      `${what}\nThere is no terminal to ask whether to go ahead, so nothing was done: add --yes to do it anyway.`,
      'confirmation_needed',
    );
  }
  if (!/^y(es)?$/i.test(answer.trim())) throw new CliUsageError('Stopped: nothing was changed.', 'not_confirmed');
}
