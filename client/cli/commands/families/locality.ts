import type { CliContext } from '../../context.js';
import { isId } from '../../names.js';
import { resolveFamily } from '../../secure.js';
import { resolveLocality } from '../admin/localities.js';

/** How a family's locality reads in a line or a table cell. */
export const localityWords = (l: { name: string } | null): string => l?.name ?? 'none recorded';

/**
 * `families set-locality FAMILY LOCALITY`: the locality the family is supported in, from the list (`none`
 * records none). The lead worker names the family by its reference; an agency administrator, who need not be
 * in its channel, by its id.
 */
export async function setFamilyLocality(ctx: CliContext, _o: unknown, which: string, locality: string): Promise<void> {
  const { client } = await ctx.sessionClient();
  const familyId = isId(which) ? which.trim() : (await resolveFamily({ client }, which)).id;
  const localityId = locality.trim().toLowerCase() === 'none' ? null : (await resolveLocality(client, locality)).id;
  const after = await client.setFamilyLocality(familyId, localityId);
  ctx.print(
    after,
    after.locality
      ? `${after.ref} is now in the ${after.locality.name} locality.\n`
      : `${after.ref} now has no locality recorded.\n`,
  );
}
