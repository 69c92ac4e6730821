import path from 'node:path';
import type { Command } from 'commander';
import {
  MAX_EXTENSION_MONTHS,
  REQUESTER_TYPES,
  type ConsultationView,
  type SubjectAccessRequestView,
} from '../../../../contracts/subject-access.js';
import { SubjectAccessExporter, type SubjectAccessProgress } from '../../../sdk/index.js';
import type { StrongroomClient } from '../../../sdk/index.js';
import { resolveAgency } from '../../agencies.js';
import type { Action } from '../../cli.js';
import { CliUsageError, type CliContext } from '../../context.js';
import { writeNewFile } from '../../new-file.js';
import { choose } from '../../names.js';
import { table } from '../../output.js';

/**
 * `sar`: the agency's register of requests from the public for their information (ISA 10), for its
 * data-protection lead (agency admin). The subject is named by family and member references only.
 */
export function registerSubjectAccessCommands(program: Command, action: Action): void {
  const sar = program
    .command('sar')
    .description('Subject access requests: your agency’s register, deadlines, consultations and gathering')
    .addHelpText(
      'after',
      '\nA request is named by its id or the first characters of it, as `sar list` shows. The deadline is one\n' +
        'calendar month from receipt (31 January → 28 February), extendable once by up to two months.',
    );
  sar
    .command('create')
    .description('Record a request received from the public')
    .requiredOption('--received <YYYY-MM-DD>', 'the day it was received')
    .requiredOption('--requester <type>', `who asked: ${REQUESTER_TYPES.join(', ')}`)
    .requiredOption(
      '--ref <reference...>',
      'the subject: family references (EH-2026-0042) and family member references (EH-2026-0042-M1)',
    )
    .addHelpText(
      'after',
      '\nExample:\n  strongroom sar create --received 2026-01-31 --requester parent_guardian --ref EH-2026-0042-M1',
    )
    .action(action(createRequest));
  sar
    .command('list')
    .description('Your agency’s requests, nearest deadline first (every agency’s for ISA administrators)')
    .option('--overdue', 'only open requests past their deadline')
    .action(action(listRequests));
  sar
    .command('extend <request>')
    .description(`Extend the deadline, once, by up to ${MAX_EXTENSION_MONTHS} months`)
    .requiredOption('--months <n>', `1 or ${MAX_EXTENSION_MONTHS}`)
    .requiredOption('--reason <text>', 'why it needs longer (kept with the request, not in the audit log)')
    .action(action(extendRequest));
  sar
    .command('answer <request>')
    .description('Mark a request answered')
    .action(action((ctx: CliContext, _o: object, which: string) => setStatus(ctx, which, 'answered')));
  sar
    .command('close <request>')
    .description('Mark a request closed')
    .action(action((ctx: CliContext, _o: object, which: string) => setStatus(ctx, which, 'closed')));
  sar
    .command('consult <request>')
    .description('Ask the agency the information came from: a task for its admins, due in 5 days')
    .requiredOption('--agency <name>', 'the agency, by name or id')
    .action(action(consult));
  sar
    .command('consultations')
    .description('Consultation tasks asked of your agency, nearest due day first')
    .option('--all', 'done ones too')
    .action(action(listConsultations));
  sar
    .command('done <consultation>')
    .description('Mark a consultation task asked of your agency done')
    .action(action(consultationDone));
  sar
    .command('export <request>')
    .description(
      'Gather, on this device, everything you can decrypt about the request’s families into a file (the server cannot)',
    )
    .requiredOption('--out <file>', 'the file to write (JSON)')
    .option('--force', 'replace the file if it exists')
    .action(action(exportRequest));
}

async function requestId(client: StrongroomClient, which: string): Promise<string> {
  const all = await client.subjectAccessRequests();
  return choose(
    which,
    all.map((r) => ({ id: r.id, label: `received ${r.receivedOn}`, names: [] })),
    { noun: 'request', namedBy: 'its id or the first characters of it', list: 'sar list' },
  );
}

const subject = (r: SubjectAccessRequestView) =>
  [...r.families.map((f) => f.ref), ...r.members.map((m) => m.ref)].join(' ');

const requestLine = (r: SubjectAccessRequestView) =>
  `Request ${r.id.slice(0, 8)} about ${subject(r)}: due ${r.deadline}${r.overdue ? ' (overdue)' : ''}, ${r.status}.\n`;

async function createRequest(
  ctx: CliContext,
  o: { received: string; requester: string; ref: string[] },
): Promise<void> {
  const requesterType = REQUESTER_TYPES.find((t) => t === o.requester);
  if (!requesterType) throw new CliUsageError(`--requester must be one of ${REQUESTER_TYPES.join(', ')}.`);
  const { client } = await ctx.sessionClient();
  const r = await client.createSubjectAccessRequest({ receivedOn: o.received, requesterType, refs: o.ref });
  ctx.print(r, requestLine(r));
}

async function listRequests(ctx: CliContext, o: { overdue?: boolean }): Promise<void> {
  const { client } = await ctx.sessionClient();
  const all = await client.subjectAccessRequests({ overdue: o.overdue ? 'true' : 'false' });
  ctx.print(
    all,
    all.length
      ? table(
          all.map((r) => ({
            id: r.id.slice(0, 8),
            received: r.receivedOn,
            requester: r.requesterType,
            subject: subject(r),
            due: `${r.deadline}${r.overdue ? ' OVERDUE' : ''}`,
            extended: r.extension ? `+${r.extension.months} months` : '',
            status: r.status,
            consulted: String(r.consultations.length),
          })),
          [
            ['id', 'ID'],
            ['received', 'RECEIVED'],
            ['requester', 'REQUESTER'],
            ['subject', 'SUBJECT'],
            ['due', 'DUE'],
            ['extended', 'EXTENDED'],
            ['status', 'STATUS'],
            ['consulted', 'CONSULTED'],
          ],
        )
      : o.overdue
        ? 'No request is past its deadline.\n'
        : 'No requests recorded.\n',
  );
}

async function extendRequest(ctx: CliContext, o: { months: string; reason: string }, which: string): Promise<void> {
  const months = Number(o.months);
  if (!Number.isInteger(months) || months < 1 || months > MAX_EXTENSION_MONTHS) {
    throw new CliUsageError(`--months must be a whole number from 1 to ${MAX_EXTENSION_MONTHS}.`);
  }
  const { client } = await ctx.sessionClient();
  const r = await client.extendSubjectAccessRequest(await requestId(client, which), { months, reason: o.reason });
  ctx.print(r, `Extended: ${requestLine(r)}`);
}

async function setStatus(ctx: CliContext, which: string, status: 'answered' | 'closed'): Promise<void> {
  const { client } = await ctx.sessionClient();
  const r = await client.setSubjectAccessStatus(await requestId(client, which), status);
  ctx.print(r, requestLine(r));
}

async function consult(ctx: CliContext, o: { agency: string }, which: string): Promise<void> {
  const { client } = await ctx.sessionClient();
  const id = await requestId(client, which);
  const c = await client.consultOnSubjectAccess(id, await resolveAgency(client, o.agency));
  ctx.print(c, `Consultation ${c.id.slice(0, 8)} asked of ${o.agency}, due ${c.dueOn}.\n`);
}

const consultationRows = (all: ConsultationView[]) =>
  table(
    all.map((c) => ({
      id: c.id.slice(0, 8),
      request: c.requestId.slice(0, 8),
      subject: [...c.familyRefs, ...c.memberRefs].join(' '),
      due: `${c.dueOn}${c.overdue ? ' OVERDUE' : ''}`,
      done: c.doneAt ? c.doneAt.slice(0, 10) : '',
    })),
    [
      ['id', 'ID'],
      ['request', 'REQUEST'],
      ['subject', 'SUBJECT'],
      ['due', 'DUE'],
      ['done', 'DONE'],
    ],
  );

async function listConsultations(ctx: CliContext, o: { all?: boolean }): Promise<void> {
  const { client } = await ctx.sessionClient();
  const all = await client.subjectAccessConsultations({ open: o.all ? 'false' : 'true' });
  ctx.print(all, all.length ? consultationRows(all) : 'No consultation tasks for your agency.\n');
}

async function consultationDone(ctx: CliContext, _o: object, which: string): Promise<void> {
  const { client } = await ctx.sessionClient();
  const all = await client.subjectAccessConsultations();
  const id = choose(
    which,
    all.map((c) => ({ id: c.id, label: `due ${c.dueOn}`, names: [] })),
    { noun: 'consultation', namedBy: 'its id or the first characters of it', list: 'sar consultations' },
  );
  const c = await client.consultationDone(id);
  ctx.print(c, `Consultation ${c.id.slice(0, 8)} marked done.\n`);
}

const STEP_WORDS: Record<SubjectAccessProgress['step'], string> = {
  family: 'family record',
  messages: 'messages',
  meetings: 'meetings',
  plan: 'plan',
  actions: 'actions',
  done: 'done',
};

async function exportRequest(ctx: CliContext, o: { out: string; force?: boolean }, which: string): Promise<void> {
  const s = await ctx.secureSession();
  const id = await requestId(s.client, which);
  const file = path.resolve(o.out);
  let counts = { families: 0, messages: 0, records: 0 };
  await writeNewFile(file, { force: o.force === true, flag: '--out', unwritableIsUsage: true }, async (h) => {
    const doc = await new SubjectAccessExporter(s).export(id, (p) =>
      ctx.progress(
        `\rFamily ${Math.min(p.familiesDone + 1, p.families)} of ${p.families}${p.familyRef ? ` (${p.familyRef})` : ''}: ` +
          `${STEP_WORDS[p.step]}; ${p.messages} messages, ${p.records} records so far…`,
      ),
    );
    counts = doc.counts;
    await h.write(JSON.stringify(doc, null, 2) + '\n');
  });
  ctx.progress('\n');
  ctx.print(
    { file, ...counts },
    `Wrote ${counts.messages} messages and ${counts.records} records from ${counts.families} families to ${file}.\n` +
      'Review it before disclosure: it holds everything you can read about these families, third parties included.\n',
  );
}
