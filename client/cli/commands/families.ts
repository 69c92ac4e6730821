import type { Command } from 'commander';
import type {
  ConsentInput,
  ConsentRecordView,
  FamilyMemberRole,
  FamilyView,
  LawfulBasisKind,
  SecureSession,
} from '../../sdk/node.js';
import type { Action } from '../cli.js';
import { CliUsageError } from '../context.js';
import { date, isId, resolveFamily, resolveMember, resolveUser, todayIso, withSession } from '../secure.js';
import { fields, table } from '../output.js';

const ROLES = ['child', 'parent', 'carer', 'other'];
const BASES = ['safeguarding', 'crime_prevention', 'dea_s35', 'other'];

/** What a family member's sealed details hold. */
interface MemberDetails {
  name?: string;
  dateOfBirth?: string;
}

/** Agencies by id or by name (case-insensitive). */
async function resolveAgencies(s: SecureSession, names: string[]): Promise<string[]> {
  if (names.every((n) => isId(n))) return names;
  const all = await s.client.agencies();
  return names.map((n) => {
    if (isId(n)) return n;
    const a = all.find((x) => x.name.toLowerCase() === n.toLowerCase());
    if (!a) throw new CliUsageError(`No agency called "${n}": see \`strongroom agencies list\`.`);
    return a.id;
  });
}

async function details(s: SecureSession, family: FamilyView, m: FamilyView['members'][number]): Promise<string> {
  if (!m.details) return '-';
  try {
    const d = await s.openField<MemberDetails>(family.channelId, 'family-member', m.details);
    return [d.name, d.dateOfBirth ? `born ${d.dateOfBirth}` : null].filter(Boolean).join(', ') || '-';
  } catch {
    return '(unable to decrypt)';
  }
}

const consentLine = (c: ConsentRecordView | null) =>
  c
    ? `${c.status} by ${c.givenBy} on ${c.decidedOn}${c.agencyIds.length ? ` (${c.agencyIds.length} agencies)` : ''}`
    : 'not recorded';

/** Families, their members and lead worker; the consent register; lawful bases. */
export function registerFamilyCommands(program: Command, action: Action): void {
  const families = program
    .command('families')
    .description('Families you work with (pseudonymous references; names are encrypted here)')
    .addHelpText('after', '\nThese commands unlock this device’s keys: STRONGROOM_PASSPHRASE or a prompt.');
  families
    .command('create')
    .description('Open a family: a new reference and channel, with you as lead worker')
    .action(
      action(async (ctx) =>
        withSession(ctx, async (s) => {
          const f = await s.client.createFamily();
          ctx.progress('Opening the family channel’s first key…\n');
          await s.rotate(f.channelId);
          ctx.print(f, `Family ${f.ref} opened (id ${f.id}); you are its lead worker.\n`);
        }),
      ),
    );
  families
    .command('list')
    .description('Families whose channel you are in')
    .action(
      action(async (ctx) => {
        const { client } = await ctx.sessionClient();
        const rows = await client.families();
        ctx.print(rows, () =>
          table(
            rows.map((r) => ({ ...r, lead: r.youAreLead ? 'you' : r.leadWorkerId })),
            [
              ['ref', 'REF'],
              ['lead', 'LEAD WORKER'],
              ['id', 'ID'],
            ],
          ),
        );
      }),
    );
  families
    .command('show <family>')
    .description('A family: lead worker, members (details decrypted here) and hand-overs')
    .action(
      action(async (ctx, _opts, which: string) =>
        withSession(ctx, async (s) => {
          const f = await resolveFamily(s, which);
          const members: (FamilyView['members'][number] & { who: string })[] = [];
          for (const m of f.members) members.push({ ...m, who: await details(s, f, m) });
          ctx.print(
            { ...f, members: members.map(({ who, ...m }) => ({ ...m, detailsText: who })) },
            () =>
              fields([
                ['Family', f.ref],
                ['Id', f.id],
                ['Lead worker', `${f.leadWorker.displayName} (${f.leadWorker.userId})`],
                ['Channel', f.channelId],
              ]) +
              '\n' +
              table(members, [
                ['ref', 'MEMBER'],
                ['role', 'ROLE'],
                ['who', 'DETAILS'],
                ['id', 'ID'],
              ]),
          );
        }),
      ),
    );
  families
    .command('add-member <family>')
    .description('Add a family member; name and date of birth are encrypted before they leave this computer')
    .requiredOption('--role <role>', ROLES.join(', '))
    .option('--name <name>', 'their name (encrypted)')
    .option('--born <YYYY-MM-DD>', 'date of birth (encrypted)')
    .action(
      action(async (ctx, opts: { role: string; name?: string; born?: string }, which: string) =>
        withSession(ctx, async (s) => {
          if (!ROLES.includes(opts.role)) throw new CliUsageError(`--role is one of: ${ROLES.join(', ')}.`);
          const f = await resolveFamily(s, which);
          const value: MemberDetails = {
            ...(opts.name ? { name: opts.name } : {}),
            ...(opts.born ? { dateOfBirth: date(opts.born, '--born') } : {}),
          };
          const sealed = Object.keys(value).length ? await s.sealField(f.channelId, 'family-member', value) : undefined;
          const m = await s.client.addFamilyMember(f.id, { role: opts.role as FamilyMemberRole, details: sealed });
          ctx.print(m, `Added ${m.ref} (${m.role}).\n`);
        }),
      ),
    );
  families
    .command('lead <family> <user>')
    .description('Hand the family to another lead worker (recorded; consent re-checked for their agency)')
    .action(
      action(async (ctx, _opts, which: string, who: string) =>
        withSession(ctx, async (s) => {
          const f = await resolveFamily(s, which);
          const after = await s.client.handOverFamily(f.id, await resolveUser(s, who));
          ctx.print(after, `${after.ref} is now led by ${after.leadWorker.displayName}.\n`);
        }),
      ),
    );

  const consent = program
    .command('consent')
    .description('The consent register: consent to record and to share, per family member');
  const consentOptions = (c: Command) =>
    c
      .option('--kind <kind>', 'record or share', 'share')
      .option('--by <who>', 'self, parent or carer', 'self')
      .option('--method <method>', 'written, verbal or electronic', 'written')
      .option('--on <YYYY-MM-DD>', 'date of the decision (default today)')
      .requiredOption('--form <version>', 'consent form version');
  type ConsentOpts = { kind: string; by: string; method: string; on?: string; form: string };
  const base = (o: ConsentOpts): Omit<ConsentInput, 'status'> => ({
    kind: o.kind as ConsentInput['kind'],
    givenBy: o.by as ConsentInput['givenBy'],
    method: o.method as ConsentInput['method'],
    decidedOn: date(o.on, '--on', todayIso()),
    formVersion: o.form,
  });
  consentOptions(
    consent
      .command('record <family> <member>')
      .description('Record consent given or refused (a child consenting themself needs --competence-by)'),
  )
    .option('--status <status>', 'given or refused', 'given')
    .option('--agency <agency...>', 'agencies consent to share covers (id or name)')
    .option('--competence-by <user>', 'who judged the young person competent')
    .option('--competence-on <YYYY-MM-DD>', 'when (default today)')
    .option('--rationale <text>', 'why they were judged competent (encrypted)')
    .action(
      action(
        async (
          ctx,
          o: ConsentOpts & {
            status: string;
            agency?: string[];
            competenceBy?: string;
            competenceOn?: string;
            rationale?: string;
          },
          which: string,
          member: string,
        ) =>
          withSession(ctx, async (s) => {
            if (!['given', 'refused'].includes(o.status)) {
              throw new CliUsageError('--status is given or refused; use `consent withdraw` to withdraw.');
            }
            const f = await resolveFamily(s, which);
            const m = resolveMember(f, member);
            let competence: ConsentInput['competence'];
            if (o.competenceBy) {
              if (!o.rationale) throw new CliUsageError('--competence-by needs --rationale.');
              competence = {
                assessedBy: await resolveUser(s, o.competenceBy),
                assessedOn: date(o.competenceOn, '--competence-on', todayIso()),
                rationale: await s.sealField(f.channelId, 'competence-rationale', { text: o.rationale }),
              };
            }
            const register = await s.client.recordConsent(f.id, m.id, {
              ...base(o),
              status: o.status as ConsentInput['status'],
              agencyIds: await resolveAgencies(s, o.agency ?? []),
              competence,
            });
            ctx.print(register, `Recorded: consent to ${o.kind} ${o.status} for ${m.ref}.\n`);
          }),
      ),
    );
  consentOptions(consent.command('withdraw <family> <member>').description('Record that consent was withdrawn')).action(
    action(async (ctx, o: ConsentOpts, which: string, member: string) =>
      withSession(ctx, async (s) => {
        const f = await resolveFamily(s, which);
        const m = resolveMember(f, member);
        const register = await s.client.recordConsent(f.id, m.id, { ...base(o), status: 'withdrawn' });
        const why = register.sharing.restriction?.message;
        ctx.print(register, `Recorded: consent to ${o.kind} withdrawn for ${m.ref}.\n${why ? `${why}\n` : ''}`);
      }),
    ),
  );
  consent
    .command('show <family>')
    .description('Who consented to what, notices given, lawful bases, and which agencies may share')
    .action(
      action(async (ctx, _opts, which: string) =>
        withSession(ctx, async (s) => {
          const f = await resolveFamily(s, which);
          const r = await s.client.consentRegister(f.id);
          ctx.print(
            r,
            () =>
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
              (r.sharing.restriction ? `\n${r.sharing.restriction.message}\n` : ''),
          );
        }),
      ),
    );
  consent
    .command('notice <family> <member>')
    .description('Record that the fair-processing notice was given (ISA 5.1)')
    .requiredOption('--version <version>', 'notice version')
    .option('--on <YYYY-MM-DD>', 'when (default today)')
    .action(
      action(async (ctx, o: { version: string; on?: string }, which: string, member: string) =>
        withSession(ctx, async (s) => {
          const f = await resolveFamily(s, which);
          const m = resolveMember(f, member);
          const r = await s.client.recordNotice(f.id, m.id, {
            noticeVersion: o.version,
            givenOn: date(o.on, '--on', todayIso()),
          });
          ctx.print(r, `Recorded: notice ${o.version} given to ${m.ref}.\n`);
        }),
      ),
    );

  program
    .command('lawful-basis')
    .description('Lawful bases to share without consent')
    .command('record <family>')
    .description('Record a lawful basis to share with an agency without consent, approved by a manager')
    .requiredOption('--agency <agency>', 'the agency (id or name)')
    .requiredOption('--basis <basis>', BASES.join(', '))
    .requiredOption('--justification <text>', 'why it is necessary and proportionate (encrypted)')
    .requiredOption('--approved-by <user>', 'the approving manager, of your agency (e-mail or id)')
    .action(
      action(
        async (ctx, o: { agency: string; basis: string; justification: string; approvedBy: string }, which: string) =>
          withSession(ctx, async (s) => {
            if (!BASES.includes(o.basis)) throw new CliUsageError(`--basis is one of: ${BASES.join(', ')}.`);
            const f = await resolveFamily(s, which);
            const [agencyId] = await resolveAgencies(s, [o.agency]);
            const r = await s.client.recordLawfulBasis(f.id, {
              agencyId,
              basis: o.basis as LawfulBasisKind,
              justification: await s.sealField(f.channelId, 'lawful-basis', { text: o.justification }),
              approvedBy: await resolveUser(s, o.approvedBy),
            });
            ctx.print(r, `Recorded: ${o.basis} basis to share ${f.ref} with ${o.agency}.\n`);
          }),
      ),
    );
}
