import type { Command } from 'commander';
import type { Action } from '../../cli.js';
import { acceptInvitation } from './invitation.js';
import { login, logout } from './login.js';
import { enrolMfa, verifyMfa } from './mfa.js';
import { passwordReset } from './password-reset.js';
import { listSessions, revokeSession } from './sessions.js';
import { attest, whoami } from './whoami.js';

/** Signing in and out, who you are, the first-sign-in declaration, two-factor, sessions, invitations. */
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
    .action(action(login));
  program
    .command('logout')
    .description('End this session (or every session of yours with --everywhere) and forget it here')
    .option('--everywhere', 'end all your sessions, on every device')
    .action(action(logout));
  program.command('whoami').description('Who you are signed in as, and what you may reach').action(action(whoami));
  program
    .command('attest')
    .description(
      'First sign-in: confirm you have read the agreement and the sharing advice, and accept confidentiality',
    )
    .option('--yes', 'confirm without asking (for scripts; you are still making the declaration)')
    .action(action(attest));

  const mfa = program.command('mfa').description('Two-factor authentication with an authenticator app (TOTP)');
  mfa
    .command('enrol')
    .description('Start enrolment: shows the secret to add to your authenticator app')
    .action(action(enrolMfa));
  mfa
    .command('verify')
    .description('Finish enrolment with a code from your authenticator app; prints one-time recovery codes')
    .addHelpText('after', '\nThe code comes from STRONGROOM_TOTP or a prompt.')
    .action(action(verifyMfa));

  const sessions = program.command('sessions').description('Your signed-in sessions');
  sessions.command('list').description('List your live sessions').action(action(listSessions));
  sessions
    .command('revoke <session>')
    .description('End one of your sessions, by its id or the first characters of it (see `sessions list`)')
    .action(action(revokeSession));

  const password = program.command('password').description('A forgotten password');
  password
    .command('reset [email]')
    .description('E-mail yourself a link to choose a new password; then, with --token, set it with the code sent')
    .option('--token', 'set the new password with the code from the e-mail (asked for, never on the command line)')
    .option('--recovery-code', 'use a one-time recovery code instead of an authenticator code')
    .addHelpText(
      'after',
      '\nWith --token: the code comes from STRONGROOM_RESET_TOKEN or a prompt, the new password from\n' +
        'STRONGROOM_PASSWORD or a prompt (asked twice), the authenticator code from STRONGROOM_TOTP or a prompt.\n' +
        'Every signed-in session of the account ends, this one included.',
    )
    .action(action(passwordReset));

  const invitation = program.command('invitation').description('Accept the invitation your agency sent you');
  invitation
    .command('accept')
    .description('Set your own password with the one-time invitation token')
    .addHelpText(
      'after',
      '\nThe token comes from STRONGROOM_INVITATION_TOKEN or a prompt, the new password from\n' +
        'STRONGROOM_PASSWORD or a prompt (asked twice). At least 12 characters, not a common password.',
    )
    .action(action(acceptInvitation));
}
