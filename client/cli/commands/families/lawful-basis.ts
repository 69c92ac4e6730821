import { randomUUID } from 'node:crypto';
import { LAWFUL_BASES } from '../../../../contracts/consent.js';
import type { SecureSession } from '../../../sdk/node.js';
import { resolveAgencies } from '../../agencies.js';
import { oneOf } from '../../choices.js';
import type { CliContext } from '../../context.js';
import { resolveFamily, resolveUser } from '../../secure.js';

export interface LawfulBasisOpts {
  agency: string;
  basis: string;
  justification: string;
  approvedBy: string;
}

/** `lawful-basis record`: a basis to share with an agency without consent, approved by a manager. */
export async function recordLawfulBasis(
  ctx: CliContext,
  s: SecureSession,
  o: LawfulBasisOpts,
  which: string,
): Promise<void> {
  const basis = oneOf(LAWFUL_BASES, o.basis, '--basis');
  const f = await resolveFamily(s, which);
  const [agencyId] = await resolveAgencies(s.client, [o.agency]);
  const approvedBy = await resolveUser(s, o.approvedBy);
  const id = randomUUID();
  const r = await s.sealedWrite(async () =>
    s.client.recordLawfulBasis(f.id, {
      id,
      agencyId,
      basis,
      justification: await s.sealField(f.channelId, 'lawful-basis', { text: o.justification }, { recordId: id }),
      approvedBy,
    }),
  );
  ctx.print(r, `Recorded: ${o.basis} basis to share ${f.ref} with ${o.agency}.\n`);
}
