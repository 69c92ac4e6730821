import { randomUUID } from 'node:crypto';
import { CONSENT_STATUSES } from '../../../../contracts/consent.js';
import type { ConsentInput, SecureSession } from '../../../sdk/node.js';
import { resolveAgencies } from '../../agencies.js';
import { isOneOf, orList } from '../../choices.js';
import { CliUsageError, type CliContext } from '../../context.js';
import { date, resolveFamily, resolveMember, resolveUser, todayIso } from '../../secure.js';

/** What `consent record` records; a withdrawal has its own command. */
export const DECISIONS = CONSENT_STATUSES.filter((status) => status !== 'withdrawn');

/** The options `consent record` and `consent withdraw` share. */
export interface ConsentOpts {
  kind: string;
  by: string;
  method: string;
  on?: string;
  form: string;
}

export interface RecordConsentOpts extends ConsentOpts {
  status: string;
  agency?: string[];
  competenceBy?: string;
  competenceOn?: string;
  rationale?: string;
}

/** The record as the server takes it; kind, giver and method are checked there. */
const base = (o: ConsentOpts): Omit<ConsentInput, 'status'> => ({
  id: randomUUID(),
  kind: o.kind as ConsentInput['kind'],
  givenBy: o.by as ConsentInput['givenBy'],
  method: o.method as ConsentInput['method'],
  decidedOn: date(o.on, '--on', todayIso()),
  formVersion: o.form,
});

/** `consent record`: consent given or refused; a child consenting themself needs a competence judgement. */
export async function recordConsent(
  ctx: CliContext,
  s: SecureSession,
  o: RecordConsentOpts,
  which: string,
  member: string,
): Promise<void> {
  const status = o.status;
  if (!isOneOf(DECISIONS, status)) {
    throw new CliUsageError(`--status is ${orList(DECISIONS)}; use \`consent withdraw\` to withdraw.`);
  }
  const f = await resolveFamily(s, which);
  const m = resolveMember(f, member);
  if (o.competenceBy && !o.rationale) throw new CliUsageError('--competence-by needs --rationale.');
  const assessedBy = o.competenceBy ? await resolveUser(s, o.competenceBy) : undefined;
  const assessedOn = o.competenceBy ? date(o.competenceOn, '--competence-on', todayIso()) : undefined;
  const agencyIds = await resolveAgencies(s.client, o.agency ?? []);
  const record = base(o);
  const register = await s.sealedWrite(async () => {
    const competence: ConsentInput['competence'] =
      assessedBy && assessedOn && o.rationale
        ? {
            assessedBy,
            assessedOn,
            rationale: await s.sealField(
              f.channelId,
              'competence-rationale',
              { text: o.rationale },
              { recordId: record.id },
            ),
          }
        : undefined;
    return s.client.recordConsent(f.id, m.id, { ...record, status, agencyIds, competence });
  });
  ctx.print(register, `Recorded: consent to ${o.kind} ${o.status} for ${m.ref}.\n`);
}

/** `consent withdraw`: consent withdrawn; prints what that now restricts. */
export async function withdrawConsent(
  ctx: CliContext,
  s: SecureSession,
  o: ConsentOpts,
  which: string,
  member: string,
): Promise<void> {
  const f = await resolveFamily(s, which);
  const m = resolveMember(f, member);
  const register = await s.client.recordConsent(f.id, m.id, { ...base(o), status: 'withdrawn' });
  const why = register.sharing.restriction?.message;
  ctx.print(register, `Recorded: consent to ${o.kind} withdrawn for ${m.ref}.\n${why ? `${why}\n` : ''}`);
}
