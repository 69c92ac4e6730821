import type { FamilyView, SecureSession } from '../../../sdk/node.js';
import type { CliContext } from '../../context.js';
import { fields, table } from '../../output.js';
import { resolveFamily, resolveUser } from '../../secure.js';
import { resolveLocality } from '../admin/localities.js';
import { localityWords } from './locality.js';
import { memberDetails } from './members.js';

/** `families create`: a new reference and channel, with you as lead worker, in a locality if given. */
export async function createFamily(ctx: CliContext, s: SecureSession, o: { locality?: string }): Promise<void> {
  const localityId = o.locality ? (await resolveLocality(s.client, o.locality)).id : undefined;
  const f = await s.client.createFamily(localityId ? { localityId } : {});
  ctx.progress('Opening the family channel’s first key…\n');
  await s.rotate(f.channelId);
  const where = f.locality ? ` in the ${f.locality.name} locality` : '';
  ctx.print(f, `Family ${f.ref} opened${where} (id ${f.id}); you are its lead worker.\n`);
}

/** `families list`: the families whose channel you are in (no device keys needed). */
export async function listFamilies(ctx: CliContext): Promise<void> {
  const { client } = await ctx.sessionClient();
  const rows = await client.families();
  ctx.print(rows, () =>
    table(
      rows.map((r) => ({ ...r, lead: r.youAreLead ? 'you' : r.leadWorkerId, area: localityWords(r.locality) })),
      [
        ['ref', 'REF'],
        ['lead', 'LEAD WORKER'],
        ['area', 'LOCALITY'],
        ['id', 'ID'],
      ],
    ),
  );
}

/** A member with their sealed details decrypted here, as one line. */
type ShownMember = FamilyView['members'][number] & { who: string };

/** `families show`: lead worker, members (details decrypted here) and hand-overs. */
export async function showFamily(ctx: CliContext, s: SecureSession, _o: unknown, which: string): Promise<void> {
  const f = await resolveFamily(s, which);
  const members: ShownMember[] = [];
  for (const m of f.members) members.push({ ...m, who: await memberDetails(s, f, m) });
  const channelTitle = await s.title(f.channelId).catch(() => null);
  ctx.print({ ...f, members: members.map(({ who, ...m }) => ({ ...m, detailsText: who })), channelTitle }, () =>
    renderFamily(f, members, channelTitle),
  );
}

function renderFamily(f: FamilyView, members: ShownMember[], channelTitle: string | null): string {
  return (
    fields([
      ['Family', f.ref],
      ['Id', f.id],
      ['Locality', localityWords(f.locality)],
      [
        'Lead worker',
        `${f.leadWorker.displayName} (${f.leadWorker.userId})` +
          (f.leadHandOverNeeded ? ': has left; waiting for a new lead worker (their agency’s admin sets one)' : ''),
      ],
      [
        'Channel',
        `${channelTitle ?? 'the family’s own'} (${f.channelId}): named ${f.ref} in commands, as in send ${f.ref}`,
      ],
    ]) +
    '\n' +
    table(members, [
      ['ref', 'MEMBER'],
      ['role', 'ROLE'],
      ['who', 'DETAILS'],
      ['id', 'ID'],
    ])
  );
}

/** `families lead`: hand the family to another lead worker. */
export async function handOverFamily(
  ctx: CliContext,
  s: SecureSession,
  _o: unknown,
  which: string,
  who: string,
): Promise<void> {
  const f = await resolveFamily(s, which);
  const after = await s.client.handOverFamily(f.id, await resolveUser(s, who));
  ctx.print(after, `${after.ref} is now led by ${after.leadWorker.displayName}.\n`);
}
