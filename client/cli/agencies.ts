import type { StrongroomClient } from '../sdk/node.js';
import { CliUsageError } from './context.js';
import { isId } from './secure.js';

/**
 * Agencies named on the command line by id or by name (case-insensitive), as a person names them:
 * "Northshire Police" rather than the id `agencies list` shows. Ids are taken as they are, unchecked.
 */
export async function resolveAgencies(client: StrongroomClient, names: string[]): Promise<string[]> {
  if (names.every((n) => isId(n))) return names;
  const all = await client.agencies();
  return names.map((n) => {
    if (isId(n)) return n;
    const a = all.find((x) => x.name.toLowerCase() === n.trim().toLowerCase());
    if (!a) throw new CliUsageError(`No agency called "${n}": see \`strongroom agencies list\`.`);
    return a.id;
  });
}

/** One agency by id or by name. */
export const resolveAgency = async (client: StrongroomClient, which: string): Promise<string> =>
  (await resolveAgencies(client, [which]))[0];
