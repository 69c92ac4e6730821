import type { CliContext } from '../../context.js';
import { newSecret } from './new-secret.js';

/** `invitation accept`: set your own password with the one-time invitation token. */
export async function acceptInvitation(ctx: CliContext): Promise<void> {
  const client = await ctx.anonymousClient();
  const token = await ctx.secret('STRONGROOM_INVITATION_TOKEN', 'Invitation token: ');
  const password = await newSecret(ctx, 'STRONGROOM_PASSWORD', 'password');
  const { user } = await client.acceptInvitation(token, password);
  ctx.print({ user }, `Account ready for ${user.email}. Sign in with \`strongroom login --email ${user.email}\`.\n`);
}
