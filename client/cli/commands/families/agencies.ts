import type { SecureSession } from '../../../sdk/node.js';
import { CliUsageError } from '../../context.js';
import { isId } from '../../secure.js';

/** Agencies by id or by name (case-insensitive). */
export async function resolveAgencies(s: SecureSession, names: string[]): Promise<string[]> {
  if (names.every((n) => isId(n))) return names;
  const all = await s.client.agencies();
  return names.map((n) => {
    if (isId(n)) return n;
    const a = all.find((x) => x.name.toLowerCase() === n.toLowerCase());
    if (!a) throw new CliUsageError(`No agency called "${n}": see \`strongroom agencies list\`.`);
    return a.id;
  });
}
