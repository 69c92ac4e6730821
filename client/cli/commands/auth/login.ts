import { StrongroomApiError, type LoginInput, type StrongroomClient } from '../../../sdk/node.js';
import { CliUsageError, type CliContext } from '../../context.js';
import { lockAgent } from '../../agent/client.js';
import { clearSession, loadSession, saveSession } from '../../state.js';
import { nextSteps } from './next-steps.js';

export interface LoginOpts {
  email?: string;
  recoveryCode?: boolean;
}

/** `login`: sign in, asking for the second factor only when the server says it is needed, and remember the session. */
export async function login(ctx: CliContext, opts: LoginOpts): Promise<void> {
  const email = opts.email ?? ctx.io.env.STRONGROOM_EMAIL ?? (await ctx.io.ask('E-mail: '));
  if (!email) throw new CliUsageError('Say who you are: --email <address>.');
  const client = await ctx.anonymousClient();
  const input: LoginInput = { email, password: await ctx.secret('STRONGROOM_PASSWORD', 'Password: ') };
  if (ctx.io.env.STRONGROOM_TOTP && !opts.recoveryCode) input.totp = ctx.io.env.STRONGROOM_TOTP;
  const result = await signIn(ctx, client, input, opts);
  // Someone else's keys must not stay unlocked for whoever is signed in next.
  if ((await loadSession(ctx.io.env))?.userId !== result.user.id) await lockAgent(ctx.io.env).catch(() => false);
  await saveSession(ctx.io.env, {
    server: client.serverUrl,
    token: result.token,
    userId: result.user.id,
    email: result.user.email,
  });
  await ctx.rememberServer(client.serverUrl);
  const me = await client.me();
  ctx.print(
    { user: result.user, agency: result.agency, session: result.session, access: me.access },
    () =>
      `Signed in to ${client.serverUrl} as ${result.user.displayName} (${result.user.role}, ${result.agency.name}).\n` +
      nextSteps(me),
  );
}

/** Logs in; when the server asks for a second factor, asks for it (or the recovery code) and tries once more. */
async function signIn(ctx: CliContext, client: StrongroomClient, input: LoginInput, opts: LoginOpts) {
  try {
    return await client.login(input);
  } catch (err) {
    if (!(err instanceof StrongroomApiError) || err.code !== 'mfa_required') throw err;
    if (opts.recoveryCode) input.recoveryCode = await ctx.secret('STRONGROOM_RECOVERY_CODE', 'Recovery code: ');
    else input.totp = await ctx.secret('STRONGROOM_TOTP', 'Authentication code: ');
    return client.login(input);
  }
}

export interface LogoutOpts {
  everywhere?: boolean;
}

/** `logout`: end this session (or all of yours) and forget it here. */
export async function logout(ctx: CliContext, opts: LogoutOpts): Promise<void> {
  const { client } = await ctx.sessionClient();
  let revoked = 1;
  try {
    if (opts.everywhere) revoked = (await client.logoutEverywhere()).revoked;
    else await client.logout();
  } catch (err) {
    // An expired or revoked session is as good as logged out: forget it locally all the same.
    if (!(err instanceof StrongroomApiError) || err.status !== 401) throw err;
    revoked = 0;
  }
  await clearSession(ctx.io.env);
  // Signing out locks too: the unlock agent wipes the keys and stops.
  await lockAgent(ctx.io.env).catch(() => false);
  ctx.print({ loggedOut: true, sessionsEnded: revoked }, `Signed out (${revoked} session(s) ended).\n`);
}
