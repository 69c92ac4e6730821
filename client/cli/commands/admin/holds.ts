import path from 'node:path';
import type { Command } from 'commander';
import {
  RECORD_CLASSES,
  SCHEDULE_CLASS_LABELS,
  type DisposalView,
  type HoldView,
  type PlaceHoldRequest,
} from '../../../../contracts/retention.js';
import { resolveAgency } from '../../agencies.js';
import type { Action } from '../../cli.js';
import { confirm, withYes, type ConfirmOpts } from '../../confirm.js';
import { CliUsageError, type CliContext } from '../../context.js';
import { disposalsExport } from '../../../sdk/node.js';
import { writeNewFile } from '../../new-file.js';
import { choose } from '../../names.js';
import { table } from '../../output.js';
import { parseWhen } from './audit-events.js';

/** `holds` and `disposals`: legal holds and the evidence of what expired (ISA 7, 8.3). */
export function registerHoldCommands(program: Command, action: Action): void {
  const holds = program
    .command('holds')
    .description('Legal holds: keep records past their expiry while a request, complaint or case needs them');
  holds
    .command('place')
    .description('Place a hold (ISA administrators): nothing it covers expires until it is released')
    .option('--channel <id>', 'every message and file in this channel (its id: ISA administrators are not members)')
    .option('--family <reference>', 'everything in this family’s channel (EH-2026-0001, or its id)')
    .option('--agency <name>', 'every message and file written by this agency’s people')
    .option('--class <class>', `a whole record class: ${RECORD_CLASSES.join(' or ')}`)
    .requiredOption('--reason <text>', 'why, in words (kept with the hold; not in the audit log)')
    .addHelpText(
      'after',
      '\nExactly one of --channel, --family, --agency or --class. Examples:\n' +
        '  strongroom holds place --family EH-2026-0001 --reason "Care proceedings: court order 14 Nov"\n' +
        '  strongroom holds place --agency "Northshire Police" --reason "Complaint review CR-88"',
    )
    .action(action(placeHold));
  withYes(
    holds
      .command('release <hold>')
      .description('Release a hold (ISA administrators): what only it kept expires at the next run')
      .requiredOption('--reason <text>', 'why it is no longer needed'),
  ).action(action(releaseHold));
  holds
    .command('list')
    .description('Holds in force, newest first')
    .option('--all', 'released holds too')
    .action(action(listHolds));

  const disposals = program
    .command('disposals')
    .description('Evidence of what expired: class, rule, channel, how many and from when; never content');
  disposals
    .command('list')
    .description('Disposal records, oldest first')
    .option('--since <date>', 'runs on or after this date or date-time')
    .option('--until <date>', 'runs before this date or date-time')
    .option('--class <class>', `only ${RECORD_CLASSES.join(' or ')}`)
    .action(action(listDisposals));
  disposals
    .command('export')
    .description('Write disposal records to a file, for the agreement’s review or an auditor')
    .requiredOption('--out <file>', 'the file to write')
    .option('--format <format>', 'csv or json', 'csv')
    .option('--since <date>', 'runs on or after this date or date-time')
    .option('--until <date>', 'runs before this date or date-time')
    .option('--class <class>', `only ${RECORD_CLASSES.join(' or ')}`)
    .option('--force', 'replace the file if it exists')
    .action(action(exportDisposals));
}

interface PlaceOptions {
  channel?: string;
  family?: string;
  agency?: string;
  class?: string;
  reason: string;
}

async function placeHold(ctx: CliContext, o: PlaceOptions): Promise<void> {
  const given = (['channel', 'family', 'agency', 'class'] as const).filter((k) => o[k] !== undefined);
  if (given.length !== 1)
    throw new CliUsageError('Say what to hold with exactly one of --channel, --family, --agency or --class.');
  const { client } = await ctx.sessionClient();
  let body: PlaceHoldRequest;
  if (o.channel) body = { scope: 'channel', channelId: o.channel, reason: o.reason };
  else if (o.family) body = { scope: 'family', family: o.family, reason: o.reason };
  else if (o.agency) body = { scope: 'agency', agencyId: await resolveAgency(client, o.agency), reason: o.reason };
  else {
    const cls = RECORD_CLASSES.find((c) => c === o.class);
    if (!cls) throw new CliUsageError(`--class must be ${RECORD_CLASSES.join(' or ')}.`);
    body = { scope: 'class', recordClass: cls, reason: o.reason };
  }
  const hold = await client.placeHold(body);
  ctx.print(
    hold,
    `Hold placed (${hold.id.slice(0, 8)}): ${await scopeWords(ctx, hold)} will not expire until it is released.\n`,
  );
}

async function releaseHold(ctx: CliContext, o: ConfirmOpts & { reason: string }, which: string): Promise<void> {
  const { client } = await ctx.sessionClient();
  const active = await client.holds();
  const id = choose(
    which,
    active.map((h) => ({ id: h.id, label: `${h.scope} hold placed ${h.placedAt}`, names: [] })),
    { noun: 'hold', namedBy: 'its id or the first characters of it', list: 'holds list' },
  );
  const hold = active.find((h) => h.id === id);
  await confirm(
    ctx,
    o,
    `Release the hold on ${hold ? await scopeWords(ctx, hold) : 'this'}? What only it kept expires at the next run, and cannot be brought back.`,
  );
  const released = await client.releaseHold(id, { reason: o.reason });
  ctx.print(released, `Hold ${released.id.slice(0, 8)} released.\n`);
}

async function listHolds(ctx: CliContext, o: { all?: boolean }): Promise<void> {
  const { client } = await ctx.sessionClient();
  const holds = await client.holds({ active: o.all ? 'false' : 'true' });
  const rows = [];
  for (const h of holds) {
    rows.push({
      id: h.id.slice(0, 8),
      what: await scopeWords(ctx, h),
      placed: h.placedAt.slice(0, 16).replace('T', ' '),
      reason: h.reason,
      released: h.releasedAt ? h.releasedAt.slice(0, 16).replace('T', ' ') : 'in force',
    });
  }
  ctx.print(
    holds,
    table(rows, [
      ['id', 'ID'],
      ['what', 'HOLDS'],
      ['placed', 'PLACED'],
      ['released', 'RELEASED'],
      ['reason', 'REASON'],
    ]),
  );
}

/** What a hold covers, in words: the agency by name where the caller can list agencies. */
async function scopeWords(ctx: CliContext, h: HoldView): Promise<string> {
  if (h.scope === 'class') return `all ${h.recordClass}`;
  if (h.scope === 'agency') {
    const { client } = await ctx.sessionClient();
    const agency = (await client.agencies().catch(() => [])).find((a) => a.id === h.scopeId);
    return `everything written by ${agency?.name ?? `agency ${h.scopeId?.slice(0, 8)}`}`;
  }
  return `${h.scope} ${h.scopeId?.slice(0, 8)}`;
}

async function disposalRecords(
  ctx: CliContext,
  o: { since?: string; until?: string; class?: string },
): Promise<DisposalView[]> {
  const recordClass = o.class === undefined ? undefined : RECORD_CLASSES.find((c) => c === o.class);
  if (o.class !== undefined && !recordClass) throw new CliUsageError(`--class must be ${RECORD_CLASSES.join(' or ')}.`);
  const { client } = await ctx.sessionClient();
  return client.disposals({
    from: o.since === undefined ? undefined : parseWhen(o.since, '--since'),
    to: o.until === undefined ? undefined : parseWhen(o.until, '--until'),
    recordClass,
    limit: 5000,
  });
}

/** Why records expired, by the rule a disposal record names. */
const RULE_WORDS: Record<string, string> = {
  channel_retention: 'retention period',
  upload_window: 'upload never finished',
  schedule: 'retention schedule',
};

async function listDisposals(ctx: CliContext, o: { since?: string; until?: string; class?: string }): Promise<void> {
  const records = await disposalRecords(ctx, o);
  ctx.print(
    records,
    table(
      records.map((d) => ({
        run: d.runAt.slice(0, 16).replace('T', ' '),
        cls: d.channelKind ? `${d.recordClass} (${SCHEDULE_CLASS_LABELS[`messages_${d.channelKind}`]})` : d.recordClass,
        rule: RULE_WORDS[d.rule] ?? d.rule,
        channel: d.channelId?.slice(0, 8) ?? '',
        count: d.count,
        range: `${d.oldestCreatedAt.slice(0, 10)} to ${d.newestCreatedAt.slice(0, 10)}`,
      })),
      [
        ['run', 'RUN'],
        ['cls', 'CLASS'],
        ['rule', 'RULE'],
        ['channel', 'CHANNEL'],
        ['count', 'COUNT'],
        ['range', 'WRITTEN'],
      ],
    ),
  );
}

async function exportDisposals(
  ctx: CliContext,
  o: { out: string; format: string; since?: string; until?: string; class?: string; force?: boolean },
): Promise<void> {
  if (o.format !== 'csv' && o.format !== 'json') throw new CliUsageError('--format must be csv or json.');
  const records = await disposalRecords(ctx, o);
  const text = disposalsExport(records, o.format);
  const file = path.resolve(o.out);
  await writeNewFile(file, { force: o.force === true, flag: '--out', unwritableIsUsage: true }, (h) =>
    h.write(text).then(() => undefined),
  );
  ctx.print({ file, records: records.length }, `Wrote ${records.length} disposal records to ${file}.\n`);
}
