import type { Role } from '../../../../contracts/identity.js';
import { resolveAgency } from '../../agencies.js';
import type { CliContext } from '../../context.js';
import { table } from '../../output.js';

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
      `One-time invitation token (give it to them securely; it expires ${created.invitation.expiresAt}):\n` +
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

export interface DisableUserOpts {
  reason?: string;
}

/** `users disable`: off-board a leaver; every session of theirs ends at once. */
export async function disableUser(ctx: CliContext, opts: DisableUserOpts, userId: string): Promise<void> {
  const { client } = await ctx.sessionClient();
  const result = await client.disableUser(userId, opts.reason);
  ctx.print(result, `${result.user.email} disabled; ${result.sessionsRevoked} session(s) ended.\n`);
}
