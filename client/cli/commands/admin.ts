import type { Command } from 'commander';
import type { AgencySector, AgencyView, Role } from '../../sdk/node.js';
import type { Action } from '../cli.js';
import { fields, table } from '../output.js';

const SECTORS = 'local_authority, police, education, health, housing, voluntary, other';
const ROLES = 'isa_admin, agency_admin, practitioner, mash_worker, auditor';

const agencyFields = (a: AgencyView) =>
  fields([
    ['Agency', a.name],
    ['Id', a.id],
    ['Sector', a.sector],
    ['DEA 2017 s35 partner', a.deaS35Partner ? 'yes' : 'no'],
    ['ISA status', a.status],
    [
      'Signed',
      a.signedVersion
        ? `v${a.signedVersion} on ${a.signedOn}${a.resignatureDue ? ' (re-signature due)' : ''}`
        : 'never',
    ],
    ['Notice given', a.noticeGivenAt],
    ['Withdrawal effective', a.withdrawalEffectiveAt],
    ['Suspended because', a.suspendedReason],
  ]);

/** The ISA signatory register, agreement versions, accounts and the audit trail. */
export function registerAdminCommands(program: Command, action: Action): void {
  const agencies = program.command('agencies').description('The ISA signatory register');
  agencies
    .command('list')
    .description('Every agency and its ISA status')
    .action(
      action(async (ctx) => {
        const { client } = await ctx.sessionClient();
        const list = await client.agencies();
        ctx.print(list, () =>
          table(
            list.map((a) => ({
              ...a,
              signed: a.signedVersion ? `v${a.signedVersion}${a.resignatureDue ? ' (re-sign due)' : ''}` : '-',
            })),
            [
              ['name', 'AGENCY'],
              ['sector', 'SECTOR'],
              ['status', 'STATUS'],
              ['signed', 'SIGNED'],
              ['withdrawalEffectiveAt', 'WITHDRAWS'],
              ['id', 'ID'],
            ],
          ),
        );
      }),
    );
  agencies
    .command('show <agencyId>')
    .description('One agency and its signatures')
    .action(
      action(async (ctx, _opts, agencyId: string) => {
        const { client } = await ctx.sessionClient();
        const agency = await client.agency(agencyId);
        ctx.print(agency, () => agencyFields(agency));
      }),
    );
  agencies
    .command('register')
    .description('Register a partner agency (isa_admin); it can share once it signs')
    .requiredOption('--name <name>', 'the organisation’s name')
    .requiredOption('--sector <sector>', SECTORS)
    .option('--dea-s35', 'a Digital Economy Act 2017 s35 partner')
    .action(
      action(async (ctx, opts: { name: string; sector: string; deaS35?: boolean }) => {
        const { client } = await ctx.sessionClient();
        const agency = await client.registerAgency({
          name: opts.name,
          sector: opts.sector as AgencySector,
          deaS35Partner: opts.deaS35 === true,
        });
        ctx.print(agency, () => `Registered.\n${agencyFields(agency)}`);
      }),
    );
  agencies
    .command('sign <agencyId>')
    .description('Record an agency’s signature of the agreement (isa_admin)')
    .requiredOption('--signatory-name <name>', 'who signed')
    .requiredOption('--signatory-title <title>', 'their title')
    .option('--signatory-organisation <name>', 'their organisation (default: the agency)')
    .requiredOption('--signed-on <YYYY-MM-DD>', 'the date on the signature')
    .option('--agreement-version <id>', 'the version signed (default: the current one)')
    .action(
      action(
        async (
          ctx,
          opts: {
            signatoryName: string;
            signatoryTitle: string;
            signatoryOrganisation?: string;
            signedOn: string;
            agreementVersion?: string;
          },
          agencyId: string,
        ) => {
          const { client } = await ctx.sessionClient();
          const agency = await client.signAgency(agencyId, {
            signatoryName: opts.signatoryName,
            signatoryTitle: opts.signatoryTitle,
            signatoryOrganisation: opts.signatoryOrganisation,
            signedOn: opts.signedOn,
            agreementVersionId: opts.agreementVersion,
          });
          ctx.print(agency, () => `Signature recorded.\n${agencyFields(agency)}`);
        },
      ),
    );
  agencies
    .command('notice <agencyId>')
    .description('Record an agency’s written notice to withdraw; it takes effect one calendar month later (isa_admin)')
    .option('--given-at <ISO date-time>', 'when the notice was received (default: now)')
    .action(
      action(async (ctx, opts: { givenAt?: string }, agencyId: string) => {
        const { client } = await ctx.sessionClient();
        const agency = await client.giveNotice(agencyId, opts.givenAt);
        ctx.print(
          agency,
          () => `Notice recorded. Withdrawal takes effect at ${agency.withdrawalEffectiveAt}.\n${agencyFields(agency)}`,
        );
      }),
    );
  agencies
    .command('suspend <agencyId>')
    .description('Suspend an agency from sharing at once (isa_admin)')
    .requiredOption('--reason <text>', 'why (recorded)')
    .action(
      action(async (ctx, opts: { reason: string }, agencyId: string) => {
        const { client } = await ctx.sessionClient();
        const agency = await client.suspendAgency(agencyId, opts.reason);
        ctx.print(agency, () => `Suspended.\n${agencyFields(agency)}`);
      }),
    );
  agencies
    .command('reinstate <agencyId>')
    .description('Lift a suspension (isa_admin)')
    .action(
      action(async (ctx, _opts, agencyId: string) => {
        const { client } = await ctx.sessionClient();
        const agency = await client.reinstateAgency(agencyId);
        ctx.print(agency, () => `Reinstated.\n${agencyFields(agency)}`);
      }),
    );

  const agreements = program.command('agreements').description('Versions of the Information Sharing Agreement');
  agreements
    .command('list')
    .description('Published versions, newest first')
    .action(
      action(async (ctx) => {
        const { client } = await ctx.sessionClient();
        const list = await client.agreements();
        ctx.print(list, () =>
          table(list, [
            ['label', 'VERSION'],
            ['publishedOn', 'PUBLISHED'],
            ['reviewDue', 'REVIEW DUE'],
            ['textRef', 'TEXT'],
            ['id', 'ID'],
          ]),
        );
      }),
    );
  agreements
    .command('publish')
    .description('Publish a new agreement version (isa_admin): agencies must re-sign, users re-confirm')
    .requiredOption('--label <version>', 'e.g. 11.0')
    .requiredOption('--published-on <YYYY-MM-DD>', 'publication date')
    .requiredOption('--text-ref <reference>', 'where the agreement text is kept')
    .action(
      action(async (ctx, opts: { label: string; publishedOn: string; textRef: string }) => {
        const { client } = await ctx.sessionClient();
        const version = await client.publishAgreement(opts);
        ctx.print(version, `Published agreement v${version.label}; review due ${version.reviewDue}.\n`);
      }),
    );

  const users = program.command('users').description('Individually allocated accounts');
  users
    .command('create')
    .description(
      'Create an account and get its one-time invitation token (isa_admin, or agency_admin for their agency)',
    )
    .requiredOption('--email <address>', 'the person’s work e-mail address')
    .requiredOption('--name <display name>', 'their name as partners will see it')
    .requiredOption('--role <role>', ROLES)
    .option('--agency <agencyId>', 'their agency (default: yours)')
    .action(
      action(async (ctx, opts: { email: string; name: string; role: string; agency?: string }) => {
        const { client } = await ctx.sessionClient();
        const created = await client.createUser({
          email: opts.email,
          displayName: opts.name,
          role: opts.role as Role,
          agencyId: opts.agency,
        });
        ctx.print(
          created,
          () =>
            `Account created for ${created.user.email} (${created.user.role}).\n` +
            `One-time invitation token (give it to them securely; it expires ${created.invitation.expiresAt}):\n` +
            `  ${created.invitation.token}\n` +
            'They run `strongroom invitation accept` to set their own password.\n',
        );
      }),
    );
  users
    .command('list')
    .description('Accounts (agency admins see their own agency)')
    .option('--agency <agencyId>', 'only this agency')
    .action(
      action(async (ctx, opts: { agency?: string }) => {
        const { client } = await ctx.sessionClient();
        const list = await client.users(opts.agency);
        ctx.print(list, () =>
          table(list, [
            ['displayName', 'NAME'],
            ['email', 'E-MAIL'],
            ['role', 'ROLE'],
            ['status', 'STATUS'],
            ['mfaEnabled', '2FA'],
            ['id', 'ID'],
          ]),
        );
      }),
    );
  users
    .command('disable <userId>')
    .description('Off-board a leaver: the account is disabled and every session ends at once')
    .option('--reason <text>', 'why (recorded)')
    .action(
      action(async (ctx, opts: { reason?: string }, userId: string) => {
        const { client } = await ctx.sessionClient();
        const result = await client.disableUser(userId, opts.reason);
        ctx.print(result, `${result.user.email} disabled; ${result.sessionsRevoked} session(s) ended.\n`);
      }),
    );

  const audit = program.command('audit').description('The append-only, hash-chained audit trail');
  audit
    .command('verify')
    .description('Check the audit hash chain: the server recomputes it, then this computer does too, independently')
    .action(
      action(async (ctx) => {
        const { client } = await ctx.sessionClient();
        ctx.progress('Asking the server to verify the chain…\n');
        const server = await client.auditVerify();
        const local = await client.verifyAuditChainLocally((n) => ctx.progress(`\rChecked ${n} events here…`));
        ctx.progress('\n');
        const agree = server.ok === local.ok && server.head.hash === local.head.hash;
        ctx.print({ ok: server.ok && local.ok && agree, server, local }, () => {
          const say = (r: typeof server) =>
            r.ok
              ? `intact, ${r.eventsChecked} events, head #${r.head.seq} ${r.head.hash}`
              : `BROKEN at event #${r.firstBroken?.seq} (${r.firstBroken?.reason})`;
          return (
            fields([
              ['Server', say(server)],
              ['This computer', say(local)],
            ]) + (agree ? '' : 'The server and this computer disagree: treat the log as untrustworthy.\n')
          );
        });
        return server.ok && local.ok && agree ? 0 : 1;
      }),
    );
}
