import type { StrongroomClient } from '../sdk/node.js';
import { choose, isId } from './names.js';

/**
 * Agencies named on the command line by id, the first characters of it, or by name (case-insensitive), as a person names them:
 * "Northshire Police" rather than the id `agencies list` shows. Ids are taken as they are, unchecked.
 */
export async function resolveAgencies(client: StrongroomClient, names: string[]): Promise<string[]> {
  if (names.every((n) => isId(n))) return names;
  const all = await client.agencies();
  const candidates = all.map((a) => ({ id: a.id, label: `${a.name} (${a.status})`, names: [a.name] }));
  return names.map((n) =>
    choose(n, candidates, {
      noun: 'agency',
      plural: 'agencies',
      namedBy: 'its name (in quotes) or its id (or the first characters of it)',
      list: 'agencies list',
    }),
  );
}

/** One agency by id or by name. */
export const resolveAgency = async (client: StrongroomClient, which: string): Promise<string> =>
  (await resolveAgencies(client, [which]))[0];
