import type { CliContext } from '../../context.js';
import { fields } from '../../output.js';

/** `mfa enrol`: shows the secret to add to an authenticator app. */
export async function enrolMfa(ctx: CliContext): Promise<void> {
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
}

/** `mfa verify`: finishes enrolment with a code from the app; prints one-time recovery codes. */
export async function verifyMfa(ctx: CliContext): Promise<void> {
  const { client } = await ctx.sessionClient();
  const result = await client.mfaVerify(await ctx.secret('STRONGROOM_TOTP', 'Authentication code: '));
  ctx.print(
    result,
    () =>
      'Two-factor authentication is on.\n\nRecovery codes (each works once; keep them somewhere safe, they are not shown again):\n' +
      result.recoveryCodes.map((c) => `  ${c}\n`).join(''),
  );
}
