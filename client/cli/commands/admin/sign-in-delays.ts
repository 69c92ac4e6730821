import type { CliContext } from '../../context.js';
import { table } from '../../output.js';
import { resolveAccount } from '../../secure.js';

/** `sign-in-delays list`: accounts and network addresses held back by failed sign-ins, and until when. */
export async function listSignInDelays(ctx: CliContext): Promise<void> {
  const { client } = await ctx.sessionClient();
  const view = await client.signInThrottles();
  ctx.print(view, () => {
    if (!view.accounts.length && !view.sources.length && !view.otherAddresses)
      return 'Nobody is held back from signing in.\n';
    const accounts = view.accounts.map((a) => ({ ...a, email: a.user.email, name: a.user.displayName, id: a.user.id }));
    const others = view.otherAddresses
      ? `${view.otherAddresses} other e-mail address(es), matching no account, are held back too.\n`
      : '';
    return (
      'Accounts:\n' +
      table(accounts, [
        ['email', 'E-MAIL'],
        ['name', 'NAME'],
        ['failures', 'FAILED'],
        ['throttledUntil', 'WAIT UNTIL'],
        ['throttledSince', 'SINCE'],
        ['id', 'ID'],
      ]) +
      others +
      '\nNetwork addresses:\n' +
      table(view.sources, [
        ['source', 'ADDRESS'],
        ['failures', 'FAILED'],
        ['throttledUntil', 'WAIT UNTIL'],
      ])
    );
  });
}

/** `sign-in-delays clear`: forget the failed sign-ins at an account, so its owner can sign in at once. */
export async function clearSignInDelay(ctx: CliContext, _o: unknown, who: string): Promise<void> {
  const { client } = await ctx.sessionClient();
  const result = await client.clearSignInThrottle(await resolveAccount(client, who));
  ctx.print(
    result,
    result.cleared
      ? 'Cleared: the account’s failed sign-ins are forgotten, and its owner can sign in now.\n'
      : 'Nothing to clear: no failed sign-ins were counted against that account.\n',
  );
}
