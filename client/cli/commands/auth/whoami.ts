import type { MeView } from '../../../sdk/node.js';
import { CliUsageError, type CliContext } from '../../context.js';
import { fields } from '../../output.js';
import { nextSteps } from './next-steps.js';

/** `whoami`: who you are signed in as, and what you may reach. */
export async function whoami(ctx: CliContext): Promise<void> {
  const { client } = await ctx.sessionClient();
  const me = await client.me();
  ctx.print(me, () => renderMe(me, client.serverUrl));
}

function renderMe(me: MeView, serverUrl: string): string {
  return (
    fields([
      ['Name', me.user.displayName],
      ['E-mail', me.user.email],
      ['Role', me.user.role],
      ['Agency', `${me.agency.name} (${me.agency.status})`],
      ['Server', serverUrl],
      ['Two-factor', me.mfa.enabled ? 'enabled' : me.mfa.required ? 'REQUIRED, not enrolled' : 'not enabled'],
      [
        'Agreement',
        me.attestation.agreementVersion
          ? `v${me.attestation.agreementVersion} ${me.attestation.required ? '(not yet confirmed)' : '(confirmed)'}`
          : '-',
      ],
      ['Session ends', `${me.session.idleExpiresAt} if idle, ${me.session.absoluteExpiresAt} at the latest`],
      ['Shared spaces', me.access.canShare ? 'available' : 'not available'],
    ]) + nextSteps(me)
  );
}

export interface AttestOpts {
  yes?: boolean;
}

/** `attest`: at first sign-in, the declaration that you read the agreement and the sharing advice. */
export async function attest(ctx: CliContext, opts: AttestOpts): Promise<void> {
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
  if (!opts.yes) await confirmDeclaration(ctx, me);
  const attestation = await client.attest(me.attestation.agreementVersionId);
  ctx.print(
    attestation,
    `Recorded: you confirmed agreement v${me.attestation.agreementVersion} at ${attestation.attestedAt}.\n`,
  );
}

/** Shows the declaration and asks for "yes"; anything else records nothing. */
async function confirmDeclaration(ctx: CliContext, me: MeView): Promise<void> {
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
