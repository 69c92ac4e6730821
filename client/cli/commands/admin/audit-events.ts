import path from 'node:path';
import type { Command } from 'commander';
import { AUDIT_OUTCOMES } from '../../../../contracts/audit.js';
import {
  AUDIT_EVENT_CSV_HEADER,
  auditEventCsvRow,
  auditEventsJson,
  auditExportNames,
  StrongroomApiError,
  type AuditEventFilters,
  type AuditEventView,
  type StrongroomClient,
} from '../../../sdk/node.js';
import { resolveAgency } from '../../agencies.js';
import type { Action } from '../../cli.js';
import { CliUsageError, type CliContext } from '../../context.js';
import { isId } from '../../names.js';
import { writeNewFile } from '../../new-file.js';
import { table } from '../../output.js';
import { resolveAccount, resolveUser } from '../../secure.js';

const EXPORT_FORMATS = ['csv', 'json'] as const;
const SCREEN_DEFAULT = 50;
const SCREEN_MAX = 10_000;
/** The server's largest page. */
const PAGE = 1000;

export interface AuditEventsOpts {
  person?: string;
  agency?: string;
  action?: string;
  record?: string;
  since?: string;
  until?: string;
  outcome?: string;
  limit?: string;
  export?: string;
  out?: string;
  force?: boolean;
}

/**
 * A time as a person types it: a date (`2026-12-01`, the start of that day here, or with `endOfDay` the
 * start of the next, so `--until 2026-12-01` includes the 1st), a date and time here (`2026-12-01 09:30`),
 * or an ISO time with its offset. Returned as an ISO instant.
 */
export function parseWhen(value: string, flag: string, endOfDay = false): string {
  const v = value.trim();
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  const local = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/.exec(v);
  let when: Date | null = null;
  if (day) {
    const [y, m, d] = day.slice(1).map(Number);
    const start = new Date(y, m - 1, d);
    // 2026-02-30 would roll over into March: refuse it rather than guess.
    if (start.getFullYear() === y && start.getMonth() === m - 1 && start.getDate() === d)
      when = endOfDay ? new Date(y, m - 1, d + 1) : start;
  } else if (local) {
    const [y, m, d, h, min, s] = local.slice(1).map((x) => Number(x ?? 0));
    when = new Date(y, m - 1, d, h, min, s);
    if (
      when.getFullYear() !== y ||
      when.getMonth() !== m - 1 ||
      when.getDate() !== d ||
      when.getHours() !== h ||
      when.getMinutes() !== min
    )
      when = null;
  } else if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i.test(v)) {
    when = new Date(v);
  }
  if (!when || Number.isNaN(when.getTime())) {
    throw new CliUsageError(
      `${flag} takes a date (2026-12-01), a date and time on this computer's clock (2026-12-01 09:30), ` +
        `or a time with its offset (2026-12-01T09:30:00Z).`,
    );
  }
  return when.toISOString();
}

/**
 * A person named by id, e-mail address, name or the start of their id. Administrators choose among the
 * accounts they may list (leavers included); an auditor, who may not list accounts, among colleagues the
 * directory finds (active people only), or by id.
 */
async function resolvePerson(client: StrongroomClient, who: string): Promise<string> {
  if (isId(who)) return who.trim().toLowerCase();
  try {
    return await resolveAccount(client, who);
  } catch (err) {
    if (err instanceof StrongroomApiError && err.status === 403) return resolveUser({ client }, who);
    throw err;
  }
}

/** The filters the options name, with people and agencies resolved to ids. */
async function filtersOf(client: StrongroomClient, o: AuditEventsOpts): Promise<AuditEventFilters> {
  if (o.outcome !== undefined && !(AUDIT_OUTCOMES as readonly string[]).includes(o.outcome)) {
    throw new CliUsageError(`--outcome is one of: ${AUDIT_OUTCOMES.join(', ')}.`);
  }
  const since = o.since === undefined ? undefined : parseWhen(o.since, '--since');
  const until = o.until === undefined ? undefined : parseWhen(o.until, '--until', true);
  if (since && until && !(since < until)) throw new CliUsageError('--since must be earlier than --until.');
  return {
    actorUserId: o.person === undefined ? undefined : await resolvePerson(client, o.person),
    agencyId: o.agency === undefined ? undefined : await resolveAgency(client, o.agency),
    action: o.action,
    targetId: o.record?.trim(),
    from: since,
    to: until,
    outcome: o.outcome as AuditEventFilters['outcome'],
  };
}

const short = (id: string) => id.slice(0, 8);
const pad = (n: number) => String(n).padStart(2, '0');
/** A time on this computer's clock, as a person reads it: 2026-12-01 09:30:05. */
const localTime = (iso: string) => {
  const d = new Date(iso);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
};

/** The newest `limit` matching events, oldest of them first (so the newest is on the last line). */
async function newest(client: StrongroomClient, filters: AuditEventFilters, limit: number): Promise<AuditEventView[]> {
  const out: AuditEventView[] = [];
  let beforeSeq: number | undefined;
  while (out.length < limit) {
    const want = Math.min(PAGE, limit - out.length);
    const page = await client.auditEvents({ ...filters, order: 'newest', limit: want, beforeSeq });
    out.push(...page);
    if (page.length < want) break;
    beforeSeq = page[page.length - 1].seq;
  }
  return out.reverse();
}

/** Writes every matching event to `file` (0600, never over an existing file unless `force`), page by page. */
async function exportTo(
  ctx: CliContext,
  client: StrongroomClient,
  filters: AuditEventFilters,
  format: (typeof EXPORT_FORMATS)[number],
  file: string,
  force: boolean,
): Promise<number> {
  let total = 0;
  await writeNewFile(path.resolve(file), { force, flag: '--out', unwritableIsUsage: true }, async (handle) => {
    const names = format === 'csv' ? await auditExportNames(client) : null;
    await handle.write(names ? AUDIT_EVENT_CSV_HEADER : auditEventsJson.opening(filters, new Date().toISOString()));
    const pages = client.auditEventsAll(filters, (n) => ctx.progress(`\rExported ${n} events…`));
    for await (const page of pages) {
      const text = names
        ? page.map((e) => auditEventCsvRow(e, names)).join('')
        : page.map((e, i) => auditEventsJson.event(e, total + i)).join('');
      await handle.write(text);
      total += page.length;
    }
    if (!names) await handle.write(auditEventsJson.closing(total));
  });
  ctx.progress(total ? '\n' : '');
  return total;
}

/**
 * `audit events`: the audit trail this person may read (ISA admins and auditors: all of it; an agency
 * admin: their agency's), filtered, as a table of the newest events, as JSON, or exported whole to a file.
 */
export async function auditEvents(ctx: CliContext, o: AuditEventsOpts): Promise<void> {
  if (o.export !== undefined && !(EXPORT_FORMATS as readonly string[]).includes(o.export)) {
    throw new CliUsageError(`--export is one of: ${EXPORT_FORMATS.join(', ')}.`);
  }
  if (o.export !== undefined && !o.out) throw new CliUsageError('--export needs --out <file> to write to.');
  if (o.export === undefined && (o.out !== undefined || o.force)) {
    throw new CliUsageError('--out and --force go with --export csv or --export json.');
  }
  if (o.export !== undefined && o.limit !== undefined) {
    throw new CliUsageError('--export writes every matching event: leave out --limit, or narrow with the filters.');
  }
  const limit = o.limit === undefined ? SCREEN_DEFAULT : Number(o.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > SCREEN_MAX) {
    throw new CliUsageError(`--limit takes a whole number from 1 to ${SCREEN_MAX}; --export writes them all.`);
  }
  const { client } = await ctx.sessionClient();
  const filters = await filtersOf(client, o);

  if (o.export !== undefined) {
    const format = o.export as (typeof EXPORT_FORMATS)[number];
    const total = await exportTo(ctx, client, filters, format, o.out!, o.force === true);
    const file = path.resolve(o.out!);
    ctx.print(
      { file, format, events: total },
      `Exported ${total} event${total === 1 ? '' : 's'} to ${file} (readable only by you).\n`,
    );
    return;
  }

  const events = await newest(client, filters, limit);
  if (ctx.json) {
    ctx.print(events, '');
    return;
  }
  const names = await auditExportNames(client);
  const rows = events.map((e) => ({
    seq: e.seq,
    when: localTime(e.occurredAt),
    who: e.actorUserId ? (names.who.get(e.actorUserId)?.email ?? short(e.actorUserId)) : null,
    agency: e.actorAgencyId ? (names.agency.get(e.actorAgencyId) ?? short(e.actorAgencyId)) : null,
    action: e.action,
    record: e.targetType ? `${e.targetType} ${e.targetId ? short(e.targetId) : ''}`.trim() : null,
    outcome: e.outcome,
  }));
  const more =
    events.length === limit
      ? `The newest ${limit} are shown: --limit shows more, --since goes back further, --export saves them all.\n`
      : '';
  ctx.print(
    events,
    () =>
      (events.length ? '' : 'No events match.\n') +
      (events.length
        ? table(rows, [
            ['seq', 'SEQ'],
            ['when', 'WHEN'],
            ['who', 'WHO'],
            ['agency', 'AGENCY'],
            ['action', 'ACTION'],
            ['record', 'RECORD'],
            ['outcome', 'OUTCOME'],
          ])
        : '') +
      more,
  );
}

/** Registers `audit events` under `audit`. */
export function registerAuditEventsCommand(audit: Command, action: Action): void {
  audit
    .command('events')
    .description('Read the audit trail: who did what, to which record, when (ISA admins, auditors, agency admins)')
    .option('--person <who>', 'only what this person did: their e-mail address, name or id')
    .option('--agency <agency>', 'only what people of this agency did: its name (in quotes) or id')
    .option(
      '--action <action>',
      'only this action (auth.login), or every action starting with one ending in a dot (channel.)',
    )
    .option('--record <id>', 'only events about this record (a person, agency, channel… by its id)')
    .option('--since <when>', 'from this date or time (included)')
    .option('--until <when>', 'up to this time (not included); a date alone includes that whole day')
    .option('--outcome <outcome>', AUDIT_OUTCOMES.join(', '))
    .option('--limit <n>', `how many of the newest to show (default ${SCREEN_DEFAULT})`)
    .option('--export <format>', 'write every matching event to a file, as csv or json')
    .option('--out <file>', 'the file to export to (made readable only by you)')
    .option('--force', 'replace the --out file if it exists')
    .addHelpText(
      'after',
      '\nISA admins and auditors read the whole trail. An agency admin reads their agency\u2019s: what its\n' +
        'people did, and what anyone did to the agency or to one of its people. Filters only narrow.\n' +
        'Times are on this computer\u2019s clock unless they carry an offset (2026-12-01T09:00:00Z).\n\n' +
        'Examples:\n' +
        '  strongroom audit events                                          the newest 50 events\n' +
        '  strongroom audit events --person sam@police.example --since 2026-12-01\n' +
        '  strongroom audit events --action auth.login --outcome failure    failed sign-ins\n' +
        '  strongroom audit events --action channel. --until "2026-12-01 12:00"\n' +
        '  strongroom audit events --record 3f2a9c1e-\u2026                         everything about one record\n' +
        '  strongroom audit events --export csv --out audit.csv             every matching event, to a file\n\n' +
        'An export holds each event\u2019s prevHash and hash. An unfiltered JSON export by an ISA admin or\n' +
        'auditor is the whole chain: it can be checked event by event (see docs/ARCHITECTURE.md, "The audit\n' +
        'log"). In CSV, details are one column of JSON, and a cell starting with = + - or @ gets a leading \'\n' +
        'so a spreadsheet does not run it.',
    )
    .action(action(auditEvents));
}
