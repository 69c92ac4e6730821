import type { Command } from 'commander';
import type { Attendance, MeetingKind, MeetingView, SecureSession } from '../../sdk/node.js';
import type { Action } from '../cli.js';
import { CliUsageError } from '../context.js';
import { fields, table } from '../output.js';
import {
  mapInOrder,
  Names,
  openText,
  readJsonFile,
  resolveChannel,
  resolveFamily,
  resolveMeeting,
  resolveMember,
  resolveUser,
  withSession,
} from '../secure.js';

const KINDS = ['locality', 'family', 'professionals'];

/** The minutes document the CLI writes: notes per agenda item, and the family's own words. */
export interface MinutesDocument {
  sections: { item: string; notes: string }[];
  familyVoice?: string;
}

export interface AgendaItem {
  id: string;
  title: string;
}

/** `2026-12-01T10:00` (local time), `2026-12-01 10:00`, or a full ISO timestamp. */
function when(value: string): string {
  const t = Date.parse(value.includes('T') ? value : value.replace(' ', 'T'));
  if (Number.isNaN(t)) throw new CliUsageError('--at takes a date and time, e.g. 2026-12-01T10:00 (local time).');
  return new Date(t).toISOString();
}

/** The meeting's agenda, decrypted (empty when it has none or it cannot be read). */
async function agendaOf(s: SecureSession, m: MeetingView): Promise<AgendaItem[]> {
  if (!m.agenda) return [];
  try {
    return await s.openField<AgendaItem[]>(m.channelId, 'meeting-agenda', m.agenda);
  } catch {
    return [];
  }
}

/** An agenda item by its id, number or title; with no agenda any label is taken as it is. */
function agendaItem(agenda: AgendaItem[], which: string): string {
  if (!agenda.length) return which;
  const w = which.toLowerCase();
  const found = agenda.find((a) => a.id === which || a.title.toLowerCase() === w);
  if (!found) {
    throw new CliUsageError(
      `"${which}" is not on the agenda. Items: ${agenda.map((a) => `${a.id} (${a.title})`).join(', ')}.`,
    );
  }
  return found.id;
}

function minutesText(doc: MinutesDocument, agenda: AgendaItem[], family: boolean): string {
  const title = (id: string) => agenda.find((a) => a.id === id)?.title ?? id;
  let out = '';
  for (const s of doc.sections ?? []) out += `\n## ${title(s.item)}\n${s.notes}\n`;
  if (family || doc.familyVoice) out += `\n## The family’s voice\n${doc.familyVoice || '(not recorded)'}\n`;
  return out || '\n(no notes yet)\n';
}

/** Meetings, minutes, attendance and decisions: everything a chair or minute-taker does. */
export function registerMeetingCommands(program: Command, action: Action): void {
  const meetings = program
    .command('meetings')
    .description('Locality, Family and professionals’ meetings: schedule, run, close (signed)')
    .addHelpText(
      'after',
      '\nA meeting is named by its id or its first characters, as `meetings list` shows.\n' +
        'Place, agenda, minutes and entries are encrypted on this computer; the server sees times and people.\n' +
        'A meeting runs: schedule → start → attendance set / minutes edit / decisions add → close → (amend).',
    );

  meetings
    .command('schedule <channel>')
    .description('Schedule a meeting in a channel (or a family’s channel, by its reference)')
    .requiredOption('--kind <kind>', KINDS.join(', '))
    .requiredOption('--at <when>', 'when, e.g. 2026-12-01T10:00 (local time) or an ISO timestamp')
    .option('--place <text>', 'where, or the video link (encrypted)')
    .option('--agenda <item...>', 'agenda items in order (encrypted); numbered 1, 2, 3…')
    .option('--minute-taker <user>', 'who takes the minutes (e-mail or id); default the chair')
    .option('--invite <user...>', 'people to invite (e-mail or id); they must be members of the channel')
    .action(
      action(
        async (
          ctx,
          o: { kind: string; at: string; place?: string; agenda?: string[]; minuteTaker?: string; invite?: string[] },
          where: string,
        ) =>
          withSession(ctx, async (s) => {
            if (!KINDS.includes(o.kind)) throw new CliUsageError(`--kind is one of: ${KINDS.join(', ')}.`);
            const channelId = await resolveChannel(s, where);
            const agenda: AgendaItem[] = (o.agenda ?? []).map((title, i) => ({ id: String(i + 1), title }));
            const invitees: string[] = [];
            for (const who of o.invite ?? []) invitees.push(await resolveUser(s, who));
            const m = await s.client.scheduleMeeting({
              channelId,
              kind: o.kind as MeetingKind,
              scheduledAt: when(o.at),
              place: o.place ? await s.sealField(channelId, 'meeting-place', { text: o.place }) : undefined,
              agenda: agenda.length ? await s.sealField(channelId, 'meeting-agenda', agenda) : undefined,
              minuteTakerId: o.minuteTaker ? await resolveUser(s, o.minuteTaker) : undefined,
              invitees,
            });
            ctx.print(
              m,
              `Scheduled the ${m.kind} meeting for ${m.scheduledAt} (id ${m.id}); ${m.invitees.length} invited.\n`,
            );
          }),
      ),
    );

  meetings
    .command('list')
    .description('Meetings you are invited to, or every meeting of one channel')
    .option('--channel <channel>', 'a channel id or a family reference')
    .action(
      action(async (ctx, o: { channel?: string }) =>
        withSession(ctx, async (s) => {
          const rows = o.channel
            ? await s.client.channelMeetings(await resolveChannel(s, o.channel))
            : await s.client.meetings();
          const names = new Names(s);
          for (const r of rows) await names.load(r.channelId);
          ctx.print(rows, () =>
            table(
              rows.map((r) => ({ ...r, short: r.id.slice(0, 8), chair: names.of(r.chairId) })),
              [
                ['short', 'ID'],
                ['kind', 'KIND'],
                ['scheduledAt', 'WHEN'],
                ['status', 'STATUS'],
                ['chair', 'CHAIR'],
              ],
            ),
          );
        }),
      ),
    );

  meetings
    .command('show <meeting>')
    .description('A meeting: place and agenda (decrypted here), who is invited and attended, entries')
    .action(
      action(async (ctx, _o, which: string) =>
        withSession(ctx, async (s) => {
          const m = await s.client.meeting(await resolveMeeting(s, which));
          const agenda = await agendaOf(s, m);
          const place = await openText(s, m.channelId, 'meeting-place', m.place);
          const entries = await mapInOrder(m.entries, async (e) => ({
            ...e,
            text: await openText(s, m.channelId, 'meeting-entry', e.content),
          }));
          const title = (id: string) => agenda.find((a) => a.id === id)?.title ?? id;
          ctx.print({ ...m, placeText: place || null, agendaItems: agenda, entries }, () => {
            const chair = m.invitees.find((i) => i.userId === m.chairId);
            return (
              fields([
                ['Meeting', `${m.kind} (${m.id})`],
                ['Status', m.status],
                ['When', m.scheduledAt],
                ['Place', place],
                ['Chair', chair ? `${chair.displayName} (${chair.agencyName})` : m.chairId],
                ['Minutes', m.minutes ? `version ${m.minutes.version}` : 'not started'],
                ['Signed', m.final ? `final version ${m.final.version}, by device ${m.final.deviceId}` : 'no'],
                ['Amendments', m.amendments.length],
              ]) +
              (agenda.length ? `\nAgenda:\n${agenda.map((a) => `  ${a.id}. ${a.title}\n`).join('')}` : '') +
              '\n' +
              table(
                m.invitees.map((i) => ({ ...i, attendance: i.attendance ?? 'not recorded' })),
                [
                  ['displayName', 'INVITED'],
                  ['agencyName', 'AGENCY'],
                  ['attendance', 'ATTENDANCE'],
                ],
              ) +
              (m.familyAttendance.length
                ? '\n' +
                  table(
                    m.familyAttendance.map((f) => ({ ...f, present: f.present ? 'present' : 'not present' })),
                    [
                      ['memberRef', 'FAMILY MEMBER'],
                      ['present', 'ATTENDANCE'],
                    ],
                  )
                : '') +
              (entries.length
                ? '\n' +
                  table(
                    entries.map((e) => ({ ...e, item: title(e.agendaItem) })),
                    [
                      ['item', 'AGENDA ITEM'],
                      ['kind', 'KIND'],
                      ['text', 'ENTRY'],
                    ],
                  )
                : '')
            );
          });
        }),
      ),
    );

  meetings
    .command('invite <meeting> <user...>')
    .description('Invite more people (members of the channel, from signed agencies)')
    .action(
      action(async (ctx, _o, which: string, who: string[]) =>
        withSession(ctx, async (s) => {
          const ids: string[] = [];
          for (const w of who) ids.push(await resolveUser(s, w));
          const m = await s.client.inviteToMeeting(await resolveMeeting(s, which), ids);
          ctx.print(m, `${m.invitees.length} people are now invited.\n`);
        }),
      ),
    );

  meetings
    .command('start <meeting>')
    .description('Open the meeting: minutes, attendance and entries can be written from now (chair)')
    .action(
      action(async (ctx, _o, which: string) =>
        withSession(ctx, async (s) => {
          const m = await s.client.startMeeting(await resolveMeeting(s, which));
          ctx.print(m, `The meeting is in progress.\n`);
        }),
      ),
    );

  meetings
    .command('close <meeting>')
    .description('Close the meeting: this device signs the latest minutes, which are then locked (chair)')
    .action(
      action(async (ctx, _o, which: string) =>
        withSession(ctx, async (s) => {
          const m = await s.closeMeeting(await resolveMeeting(s, which));
          ctx.print(
            m,
            `Closed. The minutes (version ${m.final?.version}) are signed by this device and locked;\n` +
              `corrections from now on are signed amendments (\`strongroom minutes amend\`).\n`,
          );
        }),
      ),
    );

  const minutes = program
    .command('minutes')
    .description('The minutes of a meeting: written while it runs, then signed');
  minutes
    .command('edit <meeting>')
    .description('Write the minutes: notes for an agenda item, the family’s voice, or a whole document')
    .option('--item <item>', 'the agenda item (its number or title) the notes are for')
    .option('--notes <text>', 'the notes for --item (replacing what is there)')
    .option('--append <text>', 'a paragraph to add to --item’s notes')
    .option('--family-voice <text>', 'the family’s own words about needs and progress')
    .option('--from-file <file>', 'the whole minutes document as JSON (- for standard input)')
    .addHelpText(
      'after',
      '\nEach edit saves a new version. If someone saved a version since you read it, yours is refused\n' +
        '(nothing is overwritten): run the edit again on top of theirs.\n' +
        'Document format: {"sections":[{"item":"1","notes":"…"}],"familyVoice":"…"}',
    )
    .action(
      action(
        async (
          ctx,
          o: { item?: string; notes?: string; append?: string; familyVoice?: string; fromFile?: string },
          which: string,
        ) =>
          withSession(ctx, async (s) => {
            if (!o.fromFile && !o.item && o.familyVoice === undefined) {
              throw new CliUsageError(
                'Say what to write: --item with --notes or --append, --family-voice, or --from-file.',
              );
            }
            if (o.item && o.notes === undefined && o.append === undefined) {
              throw new CliUsageError('--item needs --notes or --append.');
            }
            if (!o.item && (o.notes !== undefined || o.append !== undefined)) {
              throw new CliUsageError('--notes and --append need --item: which agenda item are they for?');
            }
            const id = await resolveMeeting(s, which);
            const m = await s.client.meeting(id);
            const current = await s.readMinutes<MinutesDocument>(id);
            let doc: MinutesDocument = current?.document ?? { sections: [] };
            if (o.fromFile) doc = (await readJsonFile(ctx, o.fromFile)) as MinutesDocument;
            if (!Array.isArray(doc?.sections)) throw new CliUsageError('The minutes document needs a "sections" list.');
            if (o.item) {
              const item = agendaItem(await agendaOf(s, m), o.item);
              const existing = doc.sections.find((x) => x.item === item);
              const notes = o.notes ?? [existing?.notes, o.append].filter(Boolean).join('\n\n');
              doc = {
                ...doc,
                sections: existing
                  ? doc.sections.map((x) => (x.item === item ? { item, notes } : x))
                  : [...doc.sections, { item, notes }],
              };
            }
            if (o.familyVoice !== undefined) doc = { ...doc, familyVoice: o.familyVoice };
            const version = await s.saveMinutes(id, doc, current?.version ?? 0);
            ctx.print({ meetingId: id, version, document: doc }, `Saved minutes version ${version}.\n`);
          }),
      ),
    );
  minutes
    .command('show <meeting>')
    .description('The minutes, decrypted here; for a closed meeting, checked against the chair’s signature')
    .action(
      action(async (ctx, _o, which: string) =>
        withSession(ctx, async (s) => {
          const id = await resolveMeeting(s, which);
          const m = await s.client.meeting(id);
          const agenda = await agendaOf(s, m);
          const family = m.kind === 'family';
          if (m.final) {
            const v = await s.verifiedMinutes<MinutesDocument>(id, m);
            const names = await new Names(s).load(m.channelId);
            ctx.print(
              { meetingId: id, status: m.status, signed: true, ...v },
              `Final minutes, version ${v.version}: signature by the chair’s device checked.\n` +
                minutesText(v.document, agenda, family) +
                v.amendments
                  .map(
                    (a) =>
                      `\n## Amendment ${a.number} (${a.createdAt}, by ${names.of(a.authorId)})\n${a.text}\nReason: ${a.reason}\n`,
                  )
                  .join(''),
            );
            return;
          }
          const current = await s.readMinutes<MinutesDocument>(id);
          ctx.print(
            {
              meetingId: id,
              status: m.status,
              signed: false,
              version: current?.version ?? 0,
              document: current?.document ?? null,
            },
            current
              ? `Draft minutes, version ${current.version} (not signed until the meeting closes).\n` +
                  minutesText(current.document, agenda, family)
              : 'No minutes yet: `strongroom minutes edit` once the meeting has started.\n',
          );
        }),
      ),
    );
  minutes
    .command('amend <meeting>')
    .description('A signed correction to closed minutes, with its reason; the original stays as it was')
    .requiredOption('--text <correction>', 'the correction (encrypted)')
    .requiredOption('--reason <why>', 'why it is needed (encrypted)')
    .action(
      action(async (ctx, o: { text: string; reason: string }, which: string) =>
        withSession(ctx, async (s) => {
          const m = await s.amendMinutes(await resolveMeeting(s, which), { text: o.text, reason: o.reason });
          ctx.print(m, `Amendment ${m.amendments.length} recorded and signed by this device.\n`);
        }),
      ),
    );

  program
    .command('attendance')
    .description('Who attended a meeting')
    .command('set <meeting>')
    .description('Record attendance: professionals by e-mail or id, family members by reference (M1…)')
    .option('--present <user...>', 'present')
    .option('--apologies <user...>', 'sent apologies')
    .option('--absent <user...>', 'absent without apologies')
    .option('--family-present <member...>', 'family members present (M1, EH-2026-0042-M2, …)')
    .option('--family-absent <member...>', 'family members not present')
    .action(
      action(
        async (
          ctx,
          o: {
            present?: string[];
            apologies?: string[];
            absent?: string[];
            familyPresent?: string[];
            familyAbsent?: string[];
          },
          which: string,
        ) =>
          withSession(ctx, async (s) => {
            const id = await resolveMeeting(s, which);
            const people: { userId: string; attendance: Attendance }[] = [];
            for (const attendance of ['present', 'apologies', 'absent'] as const) {
              for (const who of o[attendance] ?? []) people.push({ userId: await resolveUser(s, who), attendance });
            }
            const familyMembers = await familyAttendance(s, id, o.familyPresent ?? [], o.familyAbsent ?? []);
            if (!people.length && !familyMembers.length) {
              throw new CliUsageError(
                'Name someone: --present, --apologies, --absent, --family-present or --family-absent.',
              );
            }
            const m = await s.client.setAttendance(id, { people, familyMembers });
            ctx.print(m, `Attendance recorded for ${people.length + familyMembers.length} people.\n`);
          }),
      ),
    );

  program
    .command('decisions')
    .description('Decisions recorded against agenda items')
    .command('add <meeting>')
    .description('Record a decision against an agenda item (encrypted)')
    .requiredOption('--item <item>', 'the agenda item (its number or title)')
    .requiredOption('--text <decision>', 'the decision')
    .action(
      action(async (ctx, o: { item: string; text: string }, which: string) =>
        withSession(ctx, async (s) => {
          const id = await resolveMeeting(s, which);
          const entry = await addEntry(s, id, o.item, 'decision', o.text);
          ctx.print(entry, `Decision recorded against item ${entry.agendaItem}.\n`);
        }),
      ),
    );
}

/** A typed entry (encrypted text) against an agenda item of a meeting in progress. */
export async function addEntry(
  s: SecureSession,
  meetingId: string,
  which: string,
  kind: 'information' | 'decision' | 'action',
  text: string,
): Promise<{ id: string; meetingId: string; agendaItem: string; kind: string }> {
  const m = await s.client.meeting(meetingId);
  const item = agendaItem(await agendaOf(s, m), which);
  const content = await s.sealField(m.channelId, 'meeting-entry', { text });
  const { id } = await s.client.addMeetingEntry(meetingId, { agendaItem: item, kind, content });
  return { id, meetingId, agendaItem: item, kind };
}

/** Family members' attendance, by reference, for a meeting in a family's channel. */
async function familyAttendance(
  s: SecureSession,
  meetingId: string,
  present: string[],
  absent: string[],
): Promise<{ memberId: string; present: boolean }[]> {
  if (!present.length && !absent.length) return [];
  const m = await s.client.meeting(meetingId);
  const summary = (await s.client.families()).find((f) => f.channelId === m.channelId);
  if (!summary)
    throw new CliUsageError('This meeting is not in a family’s channel: there are no family members to record.');
  const family = await resolveFamily(s, summary.id);
  return [
    ...present.map((w) => ({ memberId: resolveMember(family, w).id, present: true })),
    ...absent.map((w) => ({ memberId: resolveMember(family, w).id, present: false })),
  ];
}
