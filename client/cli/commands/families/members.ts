import { randomUUID } from 'node:crypto';
import { FAMILY_MEMBER_ROLES } from '../../../../contracts/families.js';
import type { FamilyMemberDetails } from '../../../../contracts/sealed.js';
import type { FamilyView, SecureSession } from '../../../sdk/node.js';
import { oneOf } from '../../choices.js';
import type { CliContext } from '../../context.js';
import { date, resolveFamily } from '../../secure.js';

/** A member's sealed name and date of birth as one line; an unreadable one is shown as such. */
export async function memberDetails(
  s: SecureSession,
  family: FamilyView,
  m: FamilyView['members'][number],
): Promise<string> {
  if (!m.details) return '-';
  try {
    const d: FamilyMemberDetails = await s.openField(family.channelId, 'family-member', m.details, {
      recordId: m.id,
    });
    return [d.name, d.dateOfBirth ? `born ${d.dateOfBirth}` : null].filter(Boolean).join(', ') || '-';
  } catch {
    return '(unable to decrypt)';
  }
}

export interface AddMemberOpts {
  role: string;
  name?: string;
  born?: string;
}

/** `families add-member`: name and date of birth are encrypted before they leave this computer. */
export async function addFamilyMember(
  ctx: CliContext,
  s: SecureSession,
  opts: AddMemberOpts,
  which: string,
): Promise<void> {
  const role = oneOf(FAMILY_MEMBER_ROLES, opts.role, '--role');
  const f = await resolveFamily(s, which);
  const value: FamilyMemberDetails = {
    ...(opts.name ? { name: opts.name } : {}),
    ...(opts.born ? { dateOfBirth: date(opts.born, '--born') } : {}),
  };
  const id = randomUUID();
  const m = await s.sealedWrite(async () =>
    s.client.addFamilyMember(f.id, {
      id,
      role,
      details: Object.keys(value).length
        ? await s.sealField(f.channelId, 'family-member', value, { recordId: id })
        : undefined,
    }),
  );
  ctx.print(m, `Added ${m.ref} (${m.role}).\n`);
}
