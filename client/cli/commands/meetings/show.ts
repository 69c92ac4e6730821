import type { AgendaItem } from '../../../../contracts/sealed.js';
import type { MeetingView, SecureSession } from '../../../sdk/node.js';
import type { CliContext } from '../../context.js';
import { fields, table } from '../../output.js';
import { mapInOrder, openText, resolveMeeting } from '../../secure.js';
import { agendaOf, agendaTitle } from './agenda.js';

/** A meeting entry with its text decrypted here. */
type ShownEntry = MeetingView['entries'][number] & { text: string };

/** `meetings show`: place and agenda (decrypted here), who is invited and attended, entries. */
export async function showMeeting(ctx: CliContext, s: SecureSession, _o: unknown, which: string): Promise<void> {
  const m = await s.client.meeting(await resolveMeeting(s, which));
  const agenda = await agendaOf(s, m);
  const place = await openText(s, m.channelId, 'meeting-place', m.place, { recordId: m.id });
  const entries = await mapInOrder(m.entries, async (e) => ({
    ...e,
    text: await openText(s, m.channelId, 'meeting-entry', e.content, { recordId: e.id }),
  }));
  ctx.print({ ...m, placeText: place || null, agendaItems: agenda, entries }, () =>
    renderMeeting(m, place, agenda, entries),
  );
}

function renderMeeting(m: MeetingView, place: string, agenda: AgendaItem[], entries: ShownEntry[]): string {
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
    (m.familyAttendance.length ? '\n' + familyTable(m) : '') +
    (entries.length ? '\n' + entryTable(entries, agenda) : '')
  );
}

const familyTable = (m: MeetingView) =>
  table(
    m.familyAttendance.map((f) => ({ ...f, present: f.present ? 'present' : 'not present' })),
    [
      ['memberRef', 'FAMILY MEMBER'],
      ['present', 'ATTENDANCE'],
    ],
  );

const entryTable = (entries: ShownEntry[], agenda: AgendaItem[]) =>
  table(
    entries.map((e) => ({ ...e, item: agendaTitle(agenda, e.agendaItem) })),
    [
      ['item', 'AGENDA ITEM'],
      ['kind', 'KIND'],
      ['text', 'ENTRY'],
    ],
  );
