import type { AgencySector } from '../../../../contracts/agencies.js';
import type { AgencyView } from '../../../sdk/node.js';
import { resolveAgency } from '../../agencies.js';
import { confirm, type ConfirmOpts } from '../../confirm.js';
import type { CliContext } from '../../context.js';
import { fields, table } from '../../output.js';

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

/** `agencies list`: every agency and its ISA status. */
export async function listAgencies(ctx: CliContext): Promise<void> {
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
}

/** `agencies show`: one agency and its signatures. */
export async function showAgency(ctx: CliContext, _o: unknown, which: string): Promise<void> {
  const { client } = await ctx.sessionClient();
  const agency = await client.agency(await resolveAgency(client, which));
  ctx.print(agency, () => agencyFields(agency));
}

export interface RegisterAgencyOpts {
  name: string;
  sector: string;
  deaS35?: boolean;
}

/** `agencies register`: a partner agency, which can share once it signs. */
export async function registerAgency(ctx: CliContext, opts: RegisterAgencyOpts): Promise<void> {
  const { client } = await ctx.sessionClient();
  const agency = await client.registerAgency({
    name: opts.name,
    // The server checks the sector against AGENCY_SECTORS.
    sector: opts.sector as AgencySector,
    deaS35Partner: opts.deaS35 === true,
  });
  ctx.print(agency, () => `Registered.\n${agencyFields(agency)}`);
}

export interface SignAgencyOpts {
  signatoryName: string;
  signatoryTitle: string;
  signatoryOrganisation?: string;
  signedOn: string;
  agreementVersion?: string;
}

/** `agencies sign`: an agency's signature of the agreement. */
export async function signAgency(ctx: CliContext, opts: SignAgencyOpts, which: string): Promise<void> {
  const { client } = await ctx.sessionClient();
  const agency = await client.signAgency(await resolveAgency(client, which), {
    signatoryName: opts.signatoryName,
    signatoryTitle: opts.signatoryTitle,
    signatoryOrganisation: opts.signatoryOrganisation,
    signedOn: opts.signedOn,
    agreementVersionId: opts.agreementVersion,
  });
  ctx.print(agency, () => `Signature recorded.\n${agencyFields(agency)}`);
}

export interface NoticeOpts extends ConfirmOpts {
  givenAt?: string;
  reason?: string;
}

/** `agencies notice`: written notice to withdraw, effective one calendar month later. */
export async function giveNotice(ctx: CliContext, opts: NoticeOpts, which: string): Promise<void> {
  const { client } = await ctx.sessionClient();
  const agencyId = await resolveAgency(client, which);
  await confirm(
    ctx,
    opts,
    `Recording ${which}’s notice to withdraw from the agreement: one calendar month later its people leave every ` +
      'channel and can share no more. A notice cannot be taken back here.',
  );
  const agency = await client.giveNotice(agencyId, opts.givenAt, opts.reason);
  ctx.print(
    agency,
    () => `Notice recorded. Withdrawal takes effect at ${agency.withdrawalEffectiveAt}.\n${agencyFields(agency)}`,
  );
}

export interface SuspendOpts extends ConfirmOpts {
  reason: string;
}

/** `agencies suspend`: no more sharing, at once. */
export async function suspendAgency(ctx: CliContext, opts: SuspendOpts, which: string): Promise<void> {
  const { client } = await ctx.sessionClient();
  const agencyId = await resolveAgency(client, which);
  await confirm(ctx, opts, `Suspending ${which}: its people stop sharing at once, until it is reinstated.`);
  const agency = await client.suspendAgency(agencyId, opts.reason);
  ctx.print(agency, () => `Suspended.\n${agencyFields(agency)}`);
}

/** `agencies reinstate`: lift a suspension. */
export async function reinstateAgency(ctx: CliContext, _o: unknown, which: string): Promise<void> {
  const { client } = await ctx.sessionClient();
  const agency = await client.reinstateAgency(await resolveAgency(client, which));
  ctx.print(agency, () => `Reinstated.\n${agencyFields(agency)}`);
}
