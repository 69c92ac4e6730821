import type { CliContext } from '../../context.js';
import { fields } from '../../output.js';

/** `audit verify`: the server recomputes the hash chain, then this computer does, independently; exit 1 unless both agree it is intact. */
export async function verifyAudit(ctx: CliContext): Promise<number> {
  const { client } = await ctx.sessionClient();
  ctx.progress('Asking the server to verify the chain…\n');
  const server = await client.auditVerify();
  const local = await client.verifyAuditChainLocally((n) => ctx.progress(`\rChecked ${n} events here…`));
  ctx.progress('\n');
  const agree = server.ok === local.ok && server.head.hash === local.head.hash;
  ctx.print({ ok: server.ok && local.ok && agree, server, local }, () => {
    const say = (r: typeof server) =>
      r.ok
        ? `intact, ${r.eventsChecked} events, head #${r.head.seq} ${r.head.hash}`
        : `BROKEN at event #${r.firstBroken?.seq} (${r.firstBroken?.reason})`;
    return (
      fields([
        ['Server', say(server)],
        ['This computer', say(local)],
      ]) + (agree ? '' : 'The server and this computer disagree: treat the log as untrustworthy.\n')
    );
  });
  return server.ok && local.ok && agree ? 0 : 1;
}
