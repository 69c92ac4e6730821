import type { Command } from 'commander';
import { StrongroomApiError, type LoginInput, type MeView } from '../../sdk/node.js';
import { CliUsageError, type CliContext } from '../context.js';
import { fields, table } from '../output.js';
import { clearSession, saveSession } from '../state.js';
import type { Action } from '../cli.js';

/** What someone must still do before they can use shared spaces, as next steps. */
function nextSteps(me: MeView): string {
  const steps: string[] = [];
  if (me.session.stage !== 'full')
    steps.push('Your role requires two-factor authentication: run `strongroom mfa enrol`.');
  else if (me.attestation.required)
    steps.push('First sign-in: run `strongroom attest` to confirm the agreement and advice.');
  const reasons = me.access.reasons.filter((r) => !/two-factor|Confirm you have read/.test(r));
  steps.push(...reasons);
  return steps.length ? `\nNext:\n${steps.map((s) => `  - ${s}\n`).join('')}` : '';
}

export function registerAuthCommands(program: Command, action: Action): void {
  program
    .command('login')
    .description('Sign in and remember the session on this computer')
    .option('--email <address>', 'your work e-mail address (asked for when omitted)')
    .option('--recovery-code', 'use a one-time recovery code instead of an authenticator code')
    .addHelpText(
      'after',
      '\nThe password comes from STRONGROOM_PASSWORD or a hidden prompt, the authenticator code from\n' +
        'STRONGROOM_TOTP or a prompt (STRONGROOM_RECOVERY_CODE with --recovery-code). Never put them on the command line.',
    )
    .action(
      action(async (ctx, opts: { email?: string; recoveryCode?: boolean }) => {
        const email = opts.email ?? ctx.io.env.STRONGROOM_EMAIL ?? (await ctx.io.ask('E-mail: '));
        if (!email) throw new CliUsageError('Say who you are: --email <address>.');
        const client = await ctx.anonymousClient();
        const input: LoginInput = { email, password: await ctx.secret('STRONGROOM_PASSWORD', 'Password: ') };
        if (ctx.io.env.STRONGROOM_TOTP && !opts.recoveryCode) input.totp = ctx.io.env.STRONGROOM_TOTP;
        let result;
        try {
          result = await client.login(input);
        } catch (err) {
          if (!(err instanceof StrongroomApiError) || err.code !== 'mfa_required') throw err;
          if (opts.recoveryCode) input.recoveryCode = await ctx.secret('STRONGROOM_RECOVERY_CODE', 'Recovery code: ');
          else input.totp = await ctx.secret('STRONGROOM_TOTP', 'Authentication code: ');
          result = await client.login(input);
        }
        await saveSession(ctx.io.env, {
          server: client.serverUrl,
          token: result.token,
          userId: result.user.id,
          email: result.user.email,
        });
        const me = await client.me();
        ctx.print(
          { user: result.user, agency: result.agency, session: result.session, access: me.access },
          () =>
            `Signed in to ${client.serverUrl} as ${result.user.displayName} (${result.user.role}, ${result.agency.name}).\n` +
            nextSteps(me),
        );
      }),
    );

  program
    .command('logout')
    .description('End this session (or every session of yours with --everywhere) and forget it here')
    .option('--everywhere', 'end all your sessions, on every device')
    .action(
      action(async (ctx, opts: { everywhere?: boolean }) => {
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
        ctx.print({ loggedOut: true, sessionsEnded: revoked }, `Signed out (${revoked} session(s) ended).\n`);
      }),
    );

  program
    .command('whoami')
    .description('Who you are signed in as, and what you may reach')
    .action(
      action(async (ctx) => {
        const { client } = await ctx.sessionClient();
        const me = await client.me();
        ctx.print(
          me,
          () =>
            fields([
              ['Name', me.user.displayName],
              ['E-mail', me.user.email],
              ['Role', me.user.role],
              ['Agency', `${me.agency.name} (${me.agency.status})`],
              ['Server', client.serverUrl],
              ['Two-factor', me.mfa.enabled ? 'enabled' : me.mfa.required ? 'REQUIRED, not enrolled' : 'not enabled'],
              [
                'Agreement',
                me.attestation.agreementVersion
                  ? `v${me.attestation.agreementVersion} ${me.attestation.required ? '(not yet confirmed)' : '(confirmed)'}`
                  : '-',
              ],
              ['Session ends', `${me.session.idleExpiresAt} if idle, ${me.session.absoluteExpiresAt} at the latest`],
              ['Shared spaces', me.access.canShare ? 'available' : 'not available'],
            ]) + nextSteps(me),
        );
      }),
    );

  program
    .command('attest')
    .description(
      'First sign-in: confirm you have read the agreement and the sharing advice, and accept confidentiality',
    )
    .option('--yes', 'confirm without asking (for scripts; you are still making the declaration)')
    .action(
      action(async (ctx, opts: { yes?: boolean }) => {
        const { client } = await ctx.sessionClient();
        const me = await client.me();
        if (!me.attestation.agreementVersionId) throw new CliUsageError('No agreement version is published yet.');
        if (!me.attestation.required) {
          ctx.print(
            { attested: true, agreementVersion: me.attestation.agreementVersion },
            `You have already confirmed agreement v${me.attestation.agreementVersion}.\n`,
          );
          return;
        }
        if (!opts.yes) {
          ctx.io.err(
            `Information Sharing Agreement v${me.attestation.agreementVersion}\n` +
              `Advice: ${me.attestation.adviceVersion}\n\n` +
              'By confirming you declare that you have read the agreement and the information-sharing advice,\n' +
              'and that you accept the duty of confidentiality for everything shared with you here.\n',
          );
          const answer = await ctx.io.ask('Type "yes" to confirm: ');
          if (answer === null) throw new CliUsageError('No terminal to ask on: pass --yes to confirm from a script.');
          if (answer.trim().toLowerCase() !== 'yes') throw new CliUsageError('Not confirmed; nothing was recorded.');
        }
        const attestation = await client.attest(me.attestation.agreementVersionId);
        ctx.print(
          attestation,
          `Recorded: you confirmed agreement v${me.attestation.agreementVersion} at ${attestation.attestedAt}.\n`,
        );
      }),
    );

  const mfa = program.command('mfa').description('Two-factor authentication with an authenticator app (TOTP)');
  mfa
    .command('enrol')
    .description('Start enrolment: shows the secret to add to your authenticator app')
    .action(
      action(async (ctx) => {
        const { client } = await ctx.sessionClient();
        const enrolment = await client.mfaEnrol();
        ctx.print(
          enrolment,
          () =>
            `Add this to your authenticator app (it is a secret: do not share it):\n` +
            fields([
              ['Secret', enrolment.secret],
              ['Link', enrolment.otpauthUrl],
            ]) +
            '\nThen run `strongroom mfa verify` with the code it shows.\n',
        );
      }),
    );
  mfa
    .command('verify')
    .description('Finish enrolment with a code from your authenticator app; prints one-time recovery codes')
    .addHelpText('after', '\nThe code comes from STRONGROOM_TOTP or a prompt.')
    .action(
      action(async (ctx) => {
        const { client } = await ctx.sessionClient();
        const result = await client.mfaVerify(await ctx.secret('STRONGROOM_TOTP', 'Authentication code: '));
        ctx.print(
          result,
          () =>
            'Two-factor authentication is on.\n\nRecovery codes (each works once; keep them somewhere safe, they are not shown again):\n' +
            result.recoveryCodes.map((c) => `  ${c}\n`).join(''),
        );
      }),
    );

  const sessions = program.command('sessions').description('Your signed-in sessions');
  sessions
    .command('list')
    .description('List your live sessions')
    .action(
      action(async (ctx) => {
        const { client } = await ctx.sessionClient();
        const list = await client.sessions();
        ctx.print(list, () =>
          table(
            list.map((s) => ({ ...s, here: s.current ? '*' : '' })),
            [
              ['here', ''],
              ['id', 'SESSION'],
              ['createdAt', 'SIGNED IN'],
              ['lastSeenAt', 'LAST SEEN'],
              ['ip', 'FROM'],
              ['userAgent', 'CLIENT'],
            ],
          ),
        );
      }),
    );
  sessions
    .command('revoke <sessionId>')
    .description('End one of your sessions (see `sessions list`)')
    .action(
      action(async (ctx, _opts, sessionId: string) => {
        const { client } = await ctx.sessionClient();
        await client.revokeSession(sessionId);
        ctx.print({ revoked: sessionId }, `Session ${sessionId} ended.\n`);
      }),
    );

  const invitation = program.command('invitation').description('Accept the invitation your agency sent you');
  invitation
    .command('accept')
    .description('Set your own password with the one-time invitation token')
    .addHelpText(
      'after',
      '\nThe token comes from STRONGROOM_INVITATION_TOKEN or a prompt, the new password from\n' +
        'STRONGROOM_PASSWORD or a prompt (asked twice). At least 12 characters, not a common password.',
    )
    .action(
      action(async (ctx) => {
        const client = await ctx.anonymousClient();
        const token = await ctx.secret('STRONGROOM_INVITATION_TOKEN', 'Invitation token: ');
        const password = await newSecret(ctx, 'STRONGROOM_PASSWORD', 'password');
        const { user } = await client.acceptInvitation(token, password);
        ctx.print(
          { user },
          `Account ready for ${user.email}. Sign in with \`strongroom login --email ${user.email}\`.\n`,
        );
      }),
    );
}

/** A new secret: from the environment, or typed twice so a typo does not lock the person out. */
export async function newSecret(ctx: CliContext, envName: string, what: string): Promise<string> {
  if (ctx.io.env[envName]) return ctx.io.env[envName];
  const first = await ctx.secret(envName, `New ${what}: `);
  const again = await ctx.io.ask(`Repeat the ${what}: `, { secret: true });
  if (again !== first) throw new CliUsageError(`The two ${what}s differ; nothing was changed.`);
  return first;
}
