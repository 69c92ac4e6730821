import type { SecureSession } from '../sdk/node.js';
import { CliUsageError, type CliContext } from './context.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a UUID (an id given on the command line rather than a name). */
export const isId = (s: string) => UUID.test(s);

/** Runs `fn` with this device's keys unlocked, and closes the session (and its socket) after. */
export async function withSession<T>(ctx: CliContext, fn: (s: SecureSession) => Promise<T>): Promise<T> {
  const session = await ctx.secureSession();
  try {
    return await fn(session);
  } finally {
    session.close();
  }
}

/** A person named by user id or by work e-mail address. */
export async function resolveUser(session: SecureSession, who: string): Promise<string> {
  if (isId(who)) return who;
  if (!who.includes('@')) throw new CliUsageError(`"${who}" is neither a user id nor an e-mail address.`);
  return (await session.client.lookupUser(who)).id;
}
