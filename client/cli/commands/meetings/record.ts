import { ATTENDANCE, type Attendance } from '../../../../contracts/meetings.js';
import type { AgendaItem } from '../../../../contracts/sealed.js';
import type { MeetingView, SecureSession } from '../../../sdk/node.js';
import { fields } from '../../output.js';
import { mapInOrder, openText } from '../../secure.js';
import { actionTable, described } from '../actions/rows.js';

/**
 * What a meeting recorded beside its minutes: who attended, the decisions by agenda item and the actions
 * set in it, decrypted here. None of it is covered by the chair's signature on the minutes.
 */
export interface MeetingRecord {
  attendance: {
    people: { userId: string; displayName: string; agencyName: string; attendance: Attendance | null }[];
    family: { memberRef: string; present: boolean }[];
  };
  decisions: { agendaItem: string; title: string; text: string; authorId: string; createdAt: string }[];
  actions: Awaited<ReturnType<typeof described>>;
}

/** The attendance, decisions and actions of a meeting, with decisions and action texts decrypted here. */
export async function meetingRecord(s: SecureSession, m: MeetingView, agenda: AgendaItem[]): Promise<MeetingRecord> {
  const decisions = await mapInOrder(
    m.entries.filter((e) => e.kind === 'decision'),
    async (e) => ({
      agendaItem: e.agendaItem,
      title: itemLabel(agenda, e.agendaItem),
      text: await openText(s, m.channelId, 'meeting-entry', e.content, { recordId: e.id }),
      authorId: e.authorId,
      createdAt: e.createdAt,
    }),
  );
  const actions = (await s.client.channelActions(m.channelId)).filter((a) => a.meetingId === m.id);
  return {
    attendance: {
      people: m.invitees.map(({ userId, displayName, agencyName, attendance }) => ({
        userId,
        displayName,
        agencyName,
        attendance,
      })),
      family: m.familyAttendance.map(({ memberRef, present }) => ({ memberRef, present })),
    },
    decisions: sortByAgenda(decisions, agenda),
    actions: await described(s, actions),
  };
}

/** `2. School attendance` for an item on the agenda, the item as it is otherwise. */
const itemLabel = (agenda: AgendaItem[], id: string) => {
  const a = agenda.find((x) => x.id === id);
  return a ? `${a.id}. ${a.title}` : id;
};

/** In agenda order, then anything not on the agenda; in the order recorded within an item. */
function sortByAgenda<T extends { agendaItem: string }>(rows: T[], agenda: AgendaItem[]): T[] {
  const rank = (id: string) => {
    const i = agenda.findIndex((a) => a.id === id);
    return i < 0 ? agenda.length : i;
  };
  return rows
    .map((r, i) => ({ r, i }))
    .sort((a, b) => rank(a.r.agendaItem) - rank(b.r.agendaItem) || a.i - b.i)
    .map((x) => x.r);
}

/** The record as text, in the `## heading` sections `minutes show` uses for the minutes. */
export function recordText(r: MeetingRecord, family: boolean): string {
  const who = (a: Attendance | null) =>
    r.attendance.people
      .filter((p) => p.attendance === a)
      .map((p) => `${p.displayName} (${p.agencyName})`)
      .join(', ');
  const members = (present: boolean) =>
    r.attendance.family
      .filter((f) => f.present === present)
      .map((f) => f.memberRef)
      .join(', ');
  const label: Record<Attendance, string> = { present: 'Present', apologies: 'Apologies', absent: 'Absent' };
  const rows: [string, string][] = ATTENDANCE.map((a) => [label[a], who(a)]);
  if (r.attendance.people.some((p) => p.attendance === null)) rows.push(['Not recorded', who(null)]);
  if (family || r.attendance.family.length) {
    rows.push(['Family present', members(true)], ['Family not present', members(false)]);
  }
  let out = `\n## Attendance\n${fields(rows)}\n## Decisions\n`;
  if (!r.decisions.length) out += '(none recorded)\n';
  let heading = '';
  for (const d of r.decisions) {
    if (d.title !== heading) out += `${(heading = d.title)}\n`;
    out += `- ${d.text.replace(/\n/g, '\n  ')}\n`;
  }
  return out + `\n## Actions set in the meeting\n${actionTable(r.actions)}`;
}
