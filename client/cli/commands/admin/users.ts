import { USER_SEARCH_LIMIT, USER_SEARCH_MIN_CHARS, type Role } from '../../../../contracts/identity.js';
import { resolveAgency } from '../../agencies.js';
import { confirm, type ConfirmOpts } from '../../confirm.js';
import { handOverReport, handOverSteps, type HandOverOpts } from './hand-over.js';
import { CliUsageError, type CliContext } from '../../context.js';
import { table } from '../../output.js';
import { resolveAccount } from '../../secure.js';

export interface CreateUserOpts {
  email: string;
  name: string;
  role: string;
  agency?: string;
}

/** `users create`: an account and its one-time invitation token. */
export async function createUser(ctx: CliContext, opts: CreateUserOpts): Promise<void> {
  const { client } = await ctx.sessionClient();
  const created = await client.createUser({
    email: opts.email,
    displayName: opts.name,
    // The server checks the role against ROLES.
    role: opts.role as Role,
    agencyId: opts.agency === undefined ? undefined : await resolveAgency(client, opts.agency),
  });
  ctx.print(
    created,
    () =>
      `Account created for ${created.user.email} (${created.user.role}).\n` +
      (created.invitation.emailed
        ? `The invitation was e-mailed to ${created.user.email}, with a link to set their password.\n` +
          `Its one-time token, in case it does not arrive (give it to them securely; it expires ${created.invitation.expiresAt}):\n`
        : `The invitation was not e-mailed: ${created.invitation.emailNote ?? 'this server does not send e-mail.'}\n` +
          `One-time invitation token (give it to them securely; it expires ${created.invitation.expiresAt}):\n`) +
      `  ${created.invitation.token}\n` +
      'They run `strongroom invitation accept` to set their own password.\n',
  );
}

export interface ListUsersOpts {
  agency?: string;
}

/** `users list`: accounts (agency admins see their own agency). */
export async function listUsers(ctx: CliContext, opts: ListUsersOpts): Promise<void> {
  const { client } = await ctx.sessionClient();
  const list = await client.users(opts.agency === undefined ? undefined : await resolveAgency(client, opts.agency));
  ctx.print(list, () =>
    table(list, [
      ['displayName', 'NAME'],
      ['email', 'E-MAIL'],
      ['role', 'ROLE'],
      ['status', 'STATUS'],
      ['mfaEnabled', '2FA'],
      ['id', 'ID'],
    ]),
  );
}

export interface DisableUserOpts extends ConfirmOpts, HandOverOpts {
  reason?: string;
}

/** `users disable`: off-board a leaver; every session of theirs ends at once. */
export async function disableUser(ctx: CliContext, opts: DisableUserOpts, who: string): Promise<number> {
  const { client } = await ctx.sessionClient();
  const userId = await resolveAccount(client, who);
  await confirm(
    ctx,
    opts,
    `Disabling ${who}: they are signed out everywhere at once and leave every channel. Their account cannot be used again.`,
  );
  const result = await client.disableUser(userId, opts.reason);
  if (!ctx.json) ctx.io.out(`${result.user.email} disabled; ${result.sessionsRevoked} session(s) ended.\n`);
  // Nothing they held is dropped: their open actions and families are handed over now, or listed for later.
  const { steps, view } = await handOverSteps(ctx, client, userId, opts);
  ctx.print({ ...result, handOver: view, steps }, () => handOverReport(steps, view));
  return steps.some((s) => !s.done) ? 1 : 0;
}

export interface SearchUsersOpts {
  agency?: string;
}

/**
 * `users search`: colleagues in partner agencies, by the start of words of their name and/or by agency,
 * to add to a channel or write to. Anyone with full access may search; the server returns at most
 * USER_SEARCH_LIMIT people, so a full page says to narrow it down.
 */
export async function searchUsers(ctx: CliContext, opts: SearchUsersOpts, words: string[]): Promise<void> {
  const q = words.join(' ').trim();
  if (q.length < USER_SEARCH_MIN_CHARS && opts.agency === undefined) {
    throw new CliUsageError(
      `Give at least ${USER_SEARCH_MIN_CHARS} letters of the person’s name, or --agency <agency>, or both.`,
    );
  }
  const { client } = await ctx.sessionClient();
  const agencyId = opts.agency === undefined ? undefined : await resolveAgency(client, opts.agency);
  const found = await client.searchUsers(q, agencyId);
  ctx.print(found, () => {
    if (!found.length) return 'Nobody found. Try fewer letters, or the start of another of their names.\n';
    const more =
      found.length === USER_SEARCH_LIMIT
        ? `Only the first ${USER_SEARCH_LIMIT} are shown: type more of the name to find others.\n`
        : '';
    return (
      table(found, [
        ['displayName', 'NAME'],
        ['agencyName', 'AGENCY'],
        ['role', 'ROLE'],
        ['id', 'USER ID'],
      ]) +
      more +
      'Add someone to a channel with `strongroom channels add <channel> <user id>`.\n'
    );
  });
}
