import type { Command } from 'commander';
import { API_VERSION } from '../../../contracts/api-version.js';
import { StrongroomClient } from '../../sdk/node.js';
import type { Action } from '../cli.js';
import { CliUsageError, type CliContext } from '../context.js';
import { checkServerAddress } from '../server-address.js';
import { loadSession } from '../state.js';

export function registerServerCommand(program: Command, action: Action): void {
  program
    .command('server [address]')
    .description('Which Strongroom server this command uses, and whether it answers; with an address, use that one')
    .addHelpText(
      'after',
      '\nThe address is asked for once and remembered in STRONGROOM_HOME. It must be https:// unless the\n' +
        'server is on this computer; --insecure allows plain http:// on a network you trust (a test server).\n' +
        'Examples:\n' +
        '  strongroom server https://strongroom.your-council.example\n' +
        '  strongroom server',
    )
    .action(action(server));
}

/** `server [address]`: shows the server in use (and checks it answers), or checks and remembers a new one. */
async function server(ctx: CliContext, _opts: unknown, address?: string): Promise<void> {
  if (address !== undefined) return useServer(ctx, address);
  const client = await ctx.anonymousClient();
  const found = await reach(client);
  ctx.print({ server: client.serverUrl, ...found, clientApiVersion: API_VERSION }, () => {
    const lines = [`Server: ${client.serverUrl}`, `It answers: ${found.status === 'ok' ? 'yes' : 'no'}`];
    if (found.serverApiVersion !== null) {
      lines.push(`API version: ${found.serverApiVersion} (this command speaks ${API_VERSION})`);
    }
    return lines.join('\n') + '\n';
  });
}

async function useServer(ctx: CliContext, typed: string): Promise<void> {
  const checked = checkServerAddress(typed, ctx.opts.insecure === true);
  if (!checked.ok) throw new CliUsageError(checked.problem, 'insecure_server');
  const session = await loadSession(ctx.io.env);
  if (session && session.server !== checked.url) {
    throw new CliUsageError(
      `You are signed in to ${session.server}. Sign out there first (strongroom logout), or sign in to the new ` +
        `server straight away: strongroom login --server ${checked.url}`,
      'signed_in_elsewhere',
    );
  }
  const client = new StrongroomClient(checked.url);
  const found = await reach(client);
  if (found.status !== 'ok' || found.serverApiVersion === null) {
    throw new CliUsageError(
      `${checked.url} does not answer as a Strongroom server: check the address (nothing was changed).`,
      'not_a_strongroom_server',
    );
  }
  await ctx.rememberServer(checked.url);
  ctx.print(
    { server: checked.url, ...found, clientApiVersion: API_VERSION },
    `From now on this command uses ${checked.url}. Next: strongroom login --email you@agency.example\n`,
  );
}

/** Whether the server answers its health check, and the API version it says it speaks. */
async function reach(
  client: StrongroomClient,
): Promise<{ status: 'ok' | 'unreachable'; serverApiVersion: number | null }> {
  try {
    await client.health();
    return { status: 'ok', serverApiVersion: client.http.serverApiVersion };
  } catch {
    return { status: 'unreachable', serverApiVersion: null };
  }
}
