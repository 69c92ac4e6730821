import type { Command } from 'commander';
import {
  GRANT_MAX_DAYS,
  GRANT_STATUSES,
  type GrantView,
  type RequestGrantRequest,
} from '../../../../contracts/audit-grants.js';
import type { SecureSession } from '../../../sdk/index.js';
import type { Action } from '../../cli.js';
import { confirm, withYes, type ConfirmOpts } from '../../confirm.js';
import { CliUsageError, type CliContext } from '../../context.js';
import { choose } from '../../names.js';
import { fields, table } from '../../output.js';
import { resolveChannel, resolveUser, secured } from '../../secure.js';
import { parseWhen } from './audit-events.js';

const when = (iso: string | null) => (iso ? iso.slice(0, 16).replace('T', ' ') : '');

/** What a grant opens, in words. */
const caseWords = (g: GrantView) =>
  g.caseKind === 'channel' ? `channel ${g.channelIds[0].slice(0, 8)}` : `${g.caseKind} ${g.caseRef}`;

const STATUS_WORDS: Record<GrantView['status'], string> = {
  requested: 'waiting for a decision',
  approved: 'live',
  refused: 'refused',
  ended: 'ended early',
  expired: 'ended at its time',
};

/** `grants`: time-limited, read-only audit access to one case (ISA 6.1). */
export function registerGrantCommands(program: Command, action: Action): void {
  const grants = program
    .command('grants')
    .description('Audit access: an auditor reads one case, read-only, until an end date an ISA administrator sets');
  grants
    .command('request')
    .description('Ask for read-only access to one case (auditors, for themselves)')
    .option('--channel <id>', 'a channel, by its id')
    .option('--family <reference>', 'a family’s channel (EH-2026-0001, or its id)')
    .option('--referral <reference>', 'a referral’s channel (its reference, or its id)')
    .requiredOption('--purpose <text>', 'what the audit is for (kept with the request; not in the audit log)')
    .addHelpText(
      'after',
      '\nExactly one of --channel, --family or --referral. An ISA administrator then approves it with an end\n' +
        'date. Example:\n' +
        '  strongroom grants request --family EH-2026-0001 --purpose "Quarterly quality review, sample 3"',
    )
    .action(action(requestGrant));
  withYes(
    grants
      .command('approve <grant>')
      .description('Approve a request (ISA administrators): the auditor joins the case read-only until --until')
      .requiredOption(
        '--until <date>',
        `when the access ends: a date or date-time, at most ${GRANT_MAX_DAYS} days away`,
      )
      .addHelpText(
        'after',
        '\nEvery member of the case sees the auditor and the end date. The auditor reads what is said from now\n' +
          'on; for older messages the chair or lead worker runs `strongroom grants share <channel> <auditor>`.',
      ),
  ).action(action(approveGrant));
  grants.command('refuse <grant>').description('Refuse a request (ISA administrators)').action(action(refuseGrant));
  withYes(
    grants
      .command('end <grant>')
      .description('End live access now (ISA administrators): the auditor is removed and the channel gets a new key'),
  ).action(action(endGrant));
  grants
    .command('list')
    .description('Audit grants, newest first: your own (auditors), or everyone’s (ISA administrators)')
    .option('--status <status>', `only ${GRANT_STATUSES.join(', ')}`)
    .action(action(listGrants));
  withYes(
    grants
      .command('share <channel> <auditor>')
      .description('Give an auditor with live access the keys to the channel’s older messages (a member, audited)')
      .addHelpText(
        'after',
        '\nThe same as `strongroom channels share-history <channel> <auditor>`: run it as the chair or the\n' +
          'lead worker. The auditor is named by e-mail address or name; the share is recorded in the audit log.',
      ),
  ).action(action(secured(shareGrant)));
}

interface RequestOptions {
  channel?: string;
  family?: string;
  referral?: string;
  purpose: string;
}

async function requestGrant(ctx: CliContext, o: RequestOptions): Promise<void> {
  const given = (['channel', 'family', 'referral'] as const).filter((k) => o[k] !== undefined);
  if (given.length !== 1)
    throw new CliUsageError('Name the case with exactly one of --channel, --family or --referral.');
  const { client } = await ctx.sessionClient();
  let body: RequestGrantRequest;
  if (o.channel) body = { kind: 'channel', channelId: o.channel, purpose: o.purpose };
  else if (o.family) body = { kind: 'family', family: o.family, purpose: o.purpose };
  else body = { kind: 'referral', referral: o.referral!, purpose: o.purpose };
  const grant = await client.requestGrant(body);
  ctx.print(
    grant,
    `Asked for access to ${caseWords(grant)} (request ${grant.id.slice(0, 8)}). An ISA administrator decides.\n`,
  );
}

/**
 * A grant by its id or the first characters of it, among those the caller can list; a whole id is taken
 * as it is (the server then says why it cannot be decided or ended), so `grant` may be missing.
 */
async function pick(ctx: CliContext, which: string): Promise<{ id: string; grant?: GrantView }> {
  const { client } = await ctx.sessionClient();
  const all = await client.grants();
  const id = choose(
    which,
    all.map((g) => ({ id: g.id, label: `${g.auditorName}: ${caseWords(g)} (${STATUS_WORDS[g.status]})`, names: [] })),
    { noun: 'audit grant', namedBy: 'its id or the first characters of it', list: 'grants list' },
  );
  return { id, grant: all.find((g) => g.id === id) };
}

/** Who and what, for a question before a change. */
const about = (g: GrantView | undefined) => (g ? `${g.auditorName}’s access to ${caseWords(g)}` : 'this audit access');

async function approveGrant(ctx: CliContext, o: ConfirmOpts & { until: string }, which: string): Promise<void> {
  const endsAt = parseWhen(o.until, '--until', true);
  const { id, grant } = await pick(ctx, which);
  await confirm(
    ctx,
    o,
    `Approve ${about(grant)}, read-only, until ${when(endsAt)}? Every member of the case will see the auditor there.`,
  );
  const { client } = await ctx.sessionClient();
  const approved = await client.approveGrant(id, { endsAt });
  ctx.print(
    approved,
    `${approved.auditorName} can read ${caseWords(approved)} until ${when(approved.endsAt)}.\n` +
      `For older messages, the chair or lead worker runs: strongroom grants share ${approved.channelIds[0]} <auditor>\n`,
  );
}

async function refuseGrant(ctx: CliContext, _o: object, which: string): Promise<void> {
  const { id } = await pick(ctx, which);
  const { client } = await ctx.sessionClient();
  const refused = await client.refuseGrant(id);
  ctx.print(refused, `Refused ${refused.auditorName}’s request for ${caseWords(refused)}.\n`);
}

async function endGrant(ctx: CliContext, o: ConfirmOpts, which: string): Promise<void> {
  const { id, grant } = await pick(ctx, which);
  await confirm(ctx, o, `End ${about(grant)} now?`);
  const { client } = await ctx.sessionClient();
  const ended = await client.endGrant(id);
  ctx.print(
    ended,
    `${ended.auditorName}’s access to ${caseWords(ended)} has ended; the channel gets a new key before its next message.\n`,
  );
}

async function listGrants(ctx: CliContext, o: { status?: string }): Promise<void> {
  const status = o.status === undefined ? undefined : GRANT_STATUSES.find((s) => s === o.status);
  if (o.status !== undefined && !status) throw new CliUsageError(`--status must be ${GRANT_STATUSES.join(', ')}.`);
  const { client } = await ctx.sessionClient();
  const grants = await client.grants(status ? { status } : {});
  ctx.print(
    grants,
    grants.length
      ? table(
          grants.map((g) => ({
            id: g.id.slice(0, 8),
            auditor: g.auditorName,
            what: caseWords(g),
            status: STATUS_WORDS[g.status],
            until: when(g.endedAt ?? g.endsAt),
            purpose: g.purpose,
          })),
          [
            ['id', 'ID'],
            ['auditor', 'AUDITOR'],
            ['what', 'CASE'],
            ['status', 'STATUS'],
            ['until', 'UNTIL'],
            ['purpose', 'PURPOSE'],
          ],
        )
      : 'No audit grants.\n',
  );
}

async function shareGrant(
  ctx: CliContext,
  s: SecureSession,
  o: ConfirmOpts,
  which: string,
  who: string,
): Promise<void> {
  const channelId = await resolveChannel(s, which);
  const auditorId = await resolveUser(s, who);
  const member = (await s.client.channel(channelId)).members.find((m) => m.userId === auditorId);
  if (member?.role !== 'observer' || !member.endsAt) {
    throw new CliUsageError(`${who} has no live audit access to this channel: nothing was shared.`);
  }
  await confirm(
    ctx,
    o,
    `Give ${member.displayName} the keys to this channel’s older messages for their audit (until ${when(member.endsAt)})? ` +
      'This is recorded in the audit log and cannot be taken back.',
  );
  const shared = await s.shareGrantHistory({ auditorId, channelIds: [channelId] });
  ctx.print(
    { channelId, auditorId, shared: shared[channelId] },
    fields([
      ['Shared with', member.displayName],
      ['Keys', String(shared[channelId])],
      ['Until', when(member.endsAt)],
    ]) + 'This was recorded in the audit log.\n',
  );
}
