import { CliUsageError, type CliContext } from '../../context.js';

/** A new secret: from the environment, or typed twice so a typo does not lock the person out. */
export async function newSecret(ctx: CliContext, envName: string, what: string): Promise<string> {
  if (ctx.io.env[envName]) return ctx.io.env[envName];
  const first = await ctx.secret(envName, `New ${what}: `);
  const again = await ctx.io.ask(`Repeat the ${what}: `, { secret: true });
  if (again !== first) throw new CliUsageError(`The two ${what}s differ; nothing was changed.`);
  return first;
}
