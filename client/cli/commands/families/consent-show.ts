import type { ConsentRecordView, ConsentRegisterView, SecureSession } from '../../../sdk/node.js';
import type { CliContext } from '../../context.js';
import { table } from '../../output.js';
import { date, resolveFamily, resolveMember, todayIso } from '../../secure.js';

const consentLine = (c: ConsentRecordView | null) =>
  c
    ? `${c.status} by ${c.givenBy} on ${c.decidedOn}${c.agencyIds.length ? ` (${c.agencyIds.length} agencies)` : ''}`
    : 'not recorded';

/** `consent show`: who consented to what, notices given, lawful bases, and which agencies may share. */
export async function showConsent(ctx: CliContext, s: SecureSession, _o: unknown, which: string): Promise<void> {
  const f = await resolveFamily(s, which);
  const r = await s.client.consentRegister(f.id);
  ctx.print(r, () => renderRegister(r));
}

function renderRegister(r: ConsentRegisterView): string {
  return (
    `${r.familyRef}\n\n` +
    table(
      r.members.map((m) => ({
        ref: m.memberRef,
        role: m.role,
        record: consentLine(m.consentToRecord),
        share: consentLine(m.consentToShare),
        notices: m.noticesGiven.length,
      })),
      [
        ['ref', 'MEMBER'],
        ['role', 'ROLE'],
        ['record', 'CONSENT TO RECORD'],
        ['share', 'CONSENT TO SHARE'],
        ['notices', 'NOTICES'],
      ],
    ) +
    '\nMay share:\n' +
    table(r.sharing.agencies, [
      ['agencyName', 'AGENCY'],
      ['basis', 'BASIS'],
    ]) +
    (r.sharing.restriction ? `\n${r.sharing.restriction.message}\n` : '')
  );
}

export interface NoticeOpts {
  version: string;
  on?: string;
}

/** `consent notice`: the fair-processing notice was given (ISA 5.1). */
export async function recordNotice(
  ctx: CliContext,
  s: SecureSession,
  o: NoticeOpts,
  which: string,
  member: string,
): Promise<void> {
  const f = await resolveFamily(s, which);
  const m = resolveMember(f, member);
  const r = await s.client.recordNotice(f.id, m.id, {
    noticeVersion: o.version,
    givenOn: date(o.on, '--on', todayIso()),
  });
  ctx.print(r, `Recorded: notice ${o.version} given to ${m.ref}.\n`);
}
