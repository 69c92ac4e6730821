import { Command, CommanderError } from 'commander';
import { API_VERSION } from '../../contracts/api-version.js';
import { registerActionCommands } from './commands/actions/index.js';
import { registerAgentCommands } from './commands/agent.js';
import { registerGrantCommands } from './commands/admin/grants.js';
import { registerHoldCommands } from './commands/admin/holds.js';
import { registerLocalityCommands } from './commands/admin/localities.js';
import { registerSubjectAccessCommands } from './commands/admin/sar.js';
import { registerReportCommands } from './commands/admin/reports.js';
import { registerRetentionCommands } from './commands/admin/retention.js';
import { registerAdminCommands } from './commands/admin/index.js';
import { registerAuthCommands } from './commands/auth/index.js';
import { registerChannelCommands } from './commands/channels/index.js';
import { registerDeviceCommands } from './commands/device.js';
import { registerExportCommands } from './commands/export.js';
import { registerFamilyCommands } from './commands/families/index.js';
import { registerMeetingCommands } from './commands/meetings/index.js';
import { registerNotificationCommands } from './commands/notifications.js';
import { registerReferralCommands } from './commands/referrals/index.js';
import { registerRequestCommands } from './commands/requests/index.js';
import { registerServerCommand } from './commands/server.js';
import { CliContext, reportError, type GlobalOptions } from './context.js';
import type { CliIO } from './io.js';
import { CLI_VERSION } from './version.js';

/**
 * Wraps a command handler: builds its context from the global options, and turns failures into a
 * message and an exit code instead of a stack trace. Handlers get (ctx, options, ...positional args) and
 * may return a non-zero exit code for an outcome that is not an error but not a success either.
 */
export type Action = <A extends unknown[], O>(
  handler: (ctx: CliContext, opts: O, ...args: A) => Promise<void | number>,
) => (...raw: unknown[]) => Promise<void>;

class ExitSignal extends Error {
  constructor(readonly exitCode: number) {
    super(`exit ${exitCode}`);
  }
}

function buildProgram(io: CliIO): Command {
  const program = new Command('strongroom');
  const action: Action =
    (handler) =>
    async (...raw: unknown[]) => {
      const command = raw[raw.length - 1] as Command;
      const opts = raw[raw.length - 2] as Parameters<typeof handler>[1];
      // commander passes positional arguments first, then the options, then the command itself.
      const args = raw.slice(0, -2) as Parameters<typeof handler> extends [unknown, unknown, ...infer R] ? R : never;
      const ctx = new CliContext(io, command.optsWithGlobals<GlobalOptions>());
      let code: void | number;
      try {
        code = await handler(ctx, opts, ...(args as never));
      } catch (err) {
        throw new ExitSignal(reportError(ctx, err));
      }
      if (code) throw new ExitSignal(code);
    };

  program
    .description('Strongroom: end-to-end encrypted collaboration for Information Sharing Agreement partners.')
    .option(
      '--server <url>',
      'the Strongroom server (default: STRONGROOM_URL, the server you signed in to, or the one you gave first; asked once)',
    )
    .option('--insecure', 'allow a plain http:// server on another computer (only on a network you trust)')
    .option('--json', 'print machine-readable JSON instead of text')
    .version(`${CLI_VERSION} (API version ${API_VERSION})`, '-V, --version', 'print this command’s version')
    .showHelpAfterError('(run with --help to see how to use it)')
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .exitOverride()
    .configureHelp({ showGlobalOptions: true })
    .addHelpText(
      'after',
      '\nSecrets are never taken on the command line: you are asked for them, or scripts set\n' +
        'STRONGROOM_PASSWORD, STRONGROOM_TOTP, STRONGROOM_PASSPHRASE (and STRONGROOM_INVITATION_TOKEN).\n' +
        '`strongroom unlock` asks for the device passphrase once and keeps it unlocked for a while (`lock` ends it).\n' +
        'Local state (session, encrypted device keys) lives in STRONGROOM_HOME, default ~/.strongroom.\n' +
        'STRONGROOM_KDF=interactive (for tests only) makes new key stores cheaper to open, and to crack.\n' +
        'Exit codes: 0 done, 1 refused by the server, 2 usage or a step to do first, 3 server unreachable\n' +
        '(a `send` then may not have arrived: run it again with the same --client-message-id and it is stored once),\n' +
        '4 local problem (e.g. wrong passphrase). `export verify`: 1 the export is broken, 5 it is intact\n' +
        'but not every signer is anchored to a key you hold. `read` and `tail`: 6 a message shown could not be\n' +
        'verified (no sender is shown for it), or was moved, removed or re-dated on the server, or (`read`)\n' +
        'someone other than its sender tried to change it (it is marked). `download`: 6 the file could not be\n' +
        'verified (it was altered on the server; nothing is saved). `requests show`: 6 the reason given\n' +
        'for a refusal does not hold up (it is shown with a warning).\n\n' +
        'Start with: strongroom login --email you@agency.example',
    );
  // Subcommands inherit the output, help and exit settings above (commander copies them on creation).
  registerServerCommand(program, action);
  registerAuthCommands(program, action);
  registerDeviceCommands(program, action);
  registerAgentCommands(program, action);
  registerChannelCommands(program, action);
  registerFamilyCommands(program, action);
  registerMeetingCommands(program, action);
  registerActionCommands(program, action);
  registerReferralCommands(program, action);
  registerRequestCommands(program, action);
  registerExportCommands(program, action);
  registerAdminCommands(program, action);
  registerHoldCommands(program, action);
  registerLocalityCommands(program, action);
  registerGrantCommands(program, action);
  registerSubjectAccessCommands(program, action);
  registerReportCommands(program, action);
  registerNotificationCommands(program, action);
  registerRetentionCommands(program, action);
  return program;
}

/** Runs one CLI invocation; resolves to the process exit code. */
export async function runCli(argv: string[], io: CliIO): Promise<number> {
  const program = buildProgram(io);
  if (argv.length === 0) {
    program.outputHelp();
    return 0;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof ExitSignal) return err.exitCode;
    if (err instanceof CommanderError) {
      // Help and version are successes; anything else commander rejects is a usage error.
      return err.code === 'commander.helpDisplayed' || err.code === 'commander.help' || err.code === 'commander.version'
        ? 0
        : 2;
    }
    return reportError({ io, json: argv.includes('--json') }, err);
  }
}
