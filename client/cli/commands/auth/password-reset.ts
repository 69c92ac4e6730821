import type { PasswordResetCompleteInput } from '../../../../contracts/identity.js';
import { StrongroomApiError } from '../../../sdk/node.js';
import { CliUsageError, type CliContext } from '../../context.js';
import { clearSession, loadSession } from '../../state.js';
import { newSecret } from './new-secret.js';

export interface PasswordResetOpts {
  token?: boolean;
  recoveryCode?: boolean;
}

/**
 * `password reset <email>`: ask for a reset link by e-mail. `password reset --token`: choose the new password
 * with the code from that e-mail (never on the command line: STRONGROOM_RESET_TOKEN or a hidden prompt), and the
 * authenticator code when the server says the account has one.
 */
export async function passwordReset(ctx: CliContext, opts: PasswordResetOpts, email?: string): Promise<void> {
  const client = await ctx.anonymousClient();
  if (!opts.token) {
    const address = email ?? ctx.io.env.STRONGROOM_EMAIL ?? (await ctx.io.ask('E-mail: '));
    if (!address) throw new CliUsageError('Say whose password to reset: `strongroom password reset <email>`.');
    const answer = await client.requestPasswordReset(address);
    ctx.print(
      answer,
      `${answer.message}\nThen run \`strongroom password reset --token\` and give it the code from the e-mail.\n`,
    );
    return;
  }
  if (email) throw new CliUsageError('With --token, give no e-mail address: the code says whose password it is.');
  const input: PasswordResetCompleteInput = {
    token: (await ctx.secret('STRONGROOM_RESET_TOKEN', 'Code from the e-mail: ')).trim(),
    newPassword: await newSecret(ctx, 'STRONGROOM_PASSWORD', 'password'),
  };
  if (ctx.io.env.STRONGROOM_TOTP && !opts.recoveryCode) input.totp = ctx.io.env.STRONGROOM_TOTP;
  let done;
  try {
    done = await client.completePasswordReset(input);
  } catch (err) {
    if (!(err instanceof StrongroomApiError) || err.code !== 'mfa_required') throw err;
    if (opts.recoveryCode) input.recoveryCode = await ctx.secret('STRONGROOM_RECOVERY_CODE', 'Recovery code: ');
    else input.totp = await ctx.secret('STRONGROOM_TOTP', 'Authentication code: ');
    done = await client.completePasswordReset(input);
  }
  // Every session of the account ended, this computer's too: forget it rather than fail on the next command.
  if ((await loadSession(ctx.io.env))?.email.toLowerCase() === done.email.toLowerCase()) await clearSession(ctx.io.env);
  ctx.print(
    done,
    `New password set for ${done.email}. ${done.sessionsRevoked} signed-in session(s) ended.\n` +
      `Sign in again with \`strongroom login --email ${done.email}\`.\n`,
  );
}
