import type { Command } from 'commander';
import {
  SCHEDULE_CLASS_LABELS,
  SCHEDULE_CLASSES,
  type ScheduleEntryView,
  type ScheduleView,
} from '../../../../contracts/retention.js';
import { resolveAgency } from '../../agencies.js';
import type { Action } from '../../cli.js';
import { CliUsageError, type CliContext } from '../../context.js';
import { table } from '../../output.js';

/** How each way of applying a period reads in a table. */
const APPLIED: Record<ScheduleEntryView['enforcement'], string> = {
  deleted: 'deleted when due',
  dated: 'dated, not yet deleted',
  not_enforced: 'not yet enforced',
};

/** `retention show|set`: an agency's retention schedule by record class (ISA 7: each party's own). */
export function registerRetentionCommands(program: Command, action: Action): void {
  const retention = program
    .command('retention')
    .description('Retention schedules: how long each class of record is kept, per agency')
    .addHelpText(
      'after',
      `\nRecord classes: ${SCHEDULE_CLASSES.join(', ')}.\n` +
        'A record keeps the period its agency’s schedule had when it was made; a change applies to new records.',
    );
  retention
    .command('show')
    .description('An agency’s schedule: each class’s period, default, bounds and what it counts from')
    .option('--agency <name>', 'another agency’s schedule (its name or id); your own when left out')
    .action(action(showSchedule));
  retention
    .command('set <class> <days>')
    .description('Set your agency’s period for a record class, in days, within its bounds (data-protection leads)')
    .option('--agency <name>', 'another agency (ISA administrators only); your own when left out')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  strongroom retention set messages_direct 60\n' +
        '  strongroom retention set minutes 12775 --agency "Northshire Police"\n' +
        '`retention show` lists the classes and the bounds each period must keep within.',
    )
    .action(action(setPeriod));
}

async function showSchedule(ctx: CliContext, o: { agency?: string }): Promise<void> {
  const { client } = await ctx.sessionClient();
  const agencyId = o.agency === undefined ? undefined : await resolveAgency(client, o.agency);
  const schedule = await client.retentionSchedule({ agencyId });
  ctx.print(schedule, () => describe(schedule));
}

async function setPeriod(ctx: CliContext, o: { agency?: string }, cls: string, daysText: string): Promise<void> {
  const recordClass = SCHEDULE_CLASSES.find((c) => c === cls);
  if (!recordClass) {
    throw new CliUsageError(`"${cls}" is not a record class. Choose one of: ${SCHEDULE_CLASSES.join(', ')}.`);
  }
  if (!/^\d{1,6}$/.test(daysText) || Number(daysText) < 1) {
    throw new CliUsageError(`The period is a whole number of days, such as 365 (not "${daysText}").`);
  }
  const { client } = await ctx.sessionClient();
  const agencyId =
    o.agency === undefined ? (await client.retentionSchedule()).agencyId : await resolveAgency(client, o.agency);
  const schedule = await client.setRetentionPeriod(agencyId, recordClass, Number(daysText));
  const line = schedule.classes.find((c) => c.recordClass === recordClass)!;
  ctx.print(
    schedule,
    `${schedule.agencyName} now keeps ${SCHEDULE_CLASS_LABELS[recordClass]} for ${line.days} days, ${anchorWords(line)}. ` +
      'Records made before keep the period they were made with.\n',
  );
}

function anchorWords(e: ScheduleEntryView): string {
  return e.anchor === 'closure' ? 'from when it closes' : 'from when it is made';
}

function describe(s: ScheduleView): string {
  return (
    `Retention schedule of ${s.agencyName}\n` +
    table(
      s.classes.map((e) => ({
        cls: e.recordClass,
        what: SCHEDULE_CLASS_LABELS[e.recordClass],
        days: e.days,
        own: e.setAt ? `set ${e.setAt.slice(0, 10)}` : 'default',
        bounds: `${e.minDays}–${e.maxDays}`,
        from: e.anchor === 'closure' ? 'closure' : 'creation',
        applied: APPLIED[e.enforcement],
      })),
      [
        ['cls', 'CLASS'],
        ['what', 'RECORDS'],
        ['days', 'DAYS'],
        ['own', 'SETTING'],
        ['bounds', 'BOUNDS'],
        ['from', 'COUNTS FROM'],
        ['applied', 'APPLIED'],
      ],
    )
  );
}
