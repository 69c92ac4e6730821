import type { CliContext } from '../../context.js';
import { table } from '../../output.js';
import { resolveSession } from '../../secure.js';

/** `sessions list`: your live sessions, this one starred. */
export async function listSessions(ctx: CliContext): Promise<void> {
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
}

/** `sessions revoke`: end one of your sessions. */
export async function revokeSession(ctx: CliContext, _o: unknown, which: string): Promise<void> {
  const { client } = await ctx.sessionClient();
  const sessionId = await resolveSession(client, which);
  await client.revokeSession(sessionId);
  ctx.print({ revoked: sessionId }, `Session ${sessionId} ended.\n`);
}
