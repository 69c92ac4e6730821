import type { ActionShownStatus, ActionStatus } from '../../../../contracts/actions.js';
import type { ChannelKind } from '../../../../contracts/channels.js';
import type { Attendance, MeetingKind, MeetingStatus } from '../../../../contracts/meetings.js';
import type { AgendaItem } from '../../../../contracts/sealed.js';

/**
 * What meetings and actions are called in the page, and the date arithmetic behind "Overdue by 3 days":
 * pure functions with no DOM or network, so the words and orders are tested on their own.
 */

export const MEETING_KIND_LABELS: Record<MeetingKind, string> = {
  locality: 'Locality meeting',
  family: 'Family meeting',
  professionals: 'Professionals’ meeting',
};

export const MEETING_STATUS_LABELS: Record<MeetingStatus, string> = {
  scheduled: 'Scheduled',
  in_progress: 'In progress',
  closed: 'Closed and signed',
};

export const ATTENDANCE_LABELS: Record<Attendance, string> = {
  present: 'Present',
  apologies: 'Sent apologies',
  absent: 'Absent',
};

export const ACTION_STATUS_LABELS: Record<ActionShownStatus, string> = {
  open: 'Not started',
  in_progress: 'In progress',
  done: 'Done',
  cancelled: 'Cancelled',
  overdue: 'Overdue',
};

/**
 * Which conversations each kind of meeting is held in. The server's rule (src/meetings/meeting-rules.ts,
 * not importable here) refuses any other; the page offers only these so nobody is refused for it.
 */
export const MEETING_CHANNEL_KINDS: Record<MeetingKind, readonly ChannelKind[]> = {
  locality: ['locality_meeting'],
  family: ['family_meeting'],
  professionals: ['professionals_meeting', 'family_meeting'],
};

/** The agenda item minutes and decisions go under when a meeting has no agenda. */
export const GENERAL_ITEM: AgendaItem = { id: 'general', title: 'General' };

/** The title of an agenda item by its id; an item no longer on the agenda keeps its label. */
export function agendaTitle(agenda: AgendaItem[], id: string): string {
  if (id === GENERAL_ITEM.id && !agenda.some((a) => a.id === id)) return GENERAL_ITEM.title;
  return agenda.find((a) => a.id === id)?.title ?? id;
}

/** `YYYY-MM-DD` of a moment in this browser's time zone: the day a person means by "today". */
export function localDay(at: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}`;
}

/** Whole days from `from` to `to`, both `YYYY-MM-DD` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  const utc = (d: string) => {
    const [y, m, day] = d.split('-').map(Number);
    return Date.UTC(y, m - 1, day);
  };
  return Math.round((utc(to) - utc(from)) / 86_400_000);
}

const days = (n: number) => `${n} ${n === 1 ? 'day' : 'days'}`;

/** Still to be done: open or in progress. */
export const isLive = (status: ActionStatus) => status === 'open' || status === 'in_progress';

/** Whether an action is overdue on `today`: the server says so, or its due date has passed here. */
export function isOverdue(
  a: { recordedStatus: ActionStatus; status: ActionShownStatus; dueOn: string },
  today: string,
) {
  return a.status === 'overdue' || (isLive(a.recordedStatus) && daysBetween(today, a.dueOn) < 0);
}

/**
 * When an action is due, in words that do not rely on colour: "Overdue by 3 days", "Due today",
 * "Due tomorrow", "Due in 4 days"; a finished action just says when it was due.
 */
export function dueText(
  a: { recordedStatus: ActionStatus; status: ActionShownStatus; dueOn: string },
  today: string,
  formatDate: (day: string) => string,
): string {
  const diff = daysBetween(today, a.dueOn);
  if (!isLive(a.recordedStatus)) return `Was due ${formatDate(a.dueOn)}`;
  if (isOverdue(a, today)) return `Overdue by ${days(Math.max(1, -diff))} (due ${formatDate(a.dueOn)})`;
  if (diff === 0) return 'Due today';
  if (diff === 1) return 'Due tomorrow';
  if (diff <= 14) return `Due in ${days(diff)} (${formatDate(a.dueOn)})`;
  return `Due ${formatDate(a.dueOn)}`;
}

/** Overdue first, then still to do by due date, then finished ones (most recently due first). */
export function sortActions<
  T extends { recordedStatus: ActionStatus; status: ActionShownStatus; dueOn: string; createdAt: string },
>(actions: readonly T[], today: string): T[] {
  const rank = (a: T) => (isOverdue(a, today) ? 0 : isLive(a.recordedStatus) ? 1 : 2);
  return [...actions].sort((a, b) => {
    const r = rank(a) - rank(b);
    if (r) return r;
    if (rank(a) === 2) return b.dueOn.localeCompare(a.dueOn) || b.createdAt.localeCompare(a.createdAt);
    return a.dueOn.localeCompare(b.dueOn) || a.createdAt.localeCompare(b.createdAt);
  });
}

/**
 * Meetings in two lists: those still to hold or running (in progress first, then soonest first, a
 * scheduled one whose date has passed included: it waits to be started), and closed ones, latest first.
 */
export function groupMeetings<T extends { status: MeetingStatus; scheduledAt: string }>(
  meetings: readonly T[],
): { upcoming: T[]; past: T[] } {
  const upcoming = meetings
    .filter((m) => m.status !== 'closed')
    .sort(
      (a, b) =>
        Number(b.status === 'in_progress') - Number(a.status === 'in_progress') ||
        a.scheduledAt.localeCompare(b.scheduledAt),
    );
  const past = meetings.filter((m) => m.status === 'closed').sort((a, b) => b.scheduledAt.localeCompare(a.scheduledAt));
  return { upcoming, past };
}

/** A `datetime-local` value (`2026-12-01T10:00`, this browser's time) as an ISO timestamp, or null. */
export function localDateTimeToIso(value: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value)) return null;
  const t = new Date(value).getTime();
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}
