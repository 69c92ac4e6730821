import { ATTENDANCE, type Attendance } from '../../../../contracts/meetings.js';
import type { SecureSession } from '../../../sdk/node.js';
import { CliUsageError, type CliContext } from '../../context.js';
import { resolveFamily, resolveMeeting, resolveMember, resolveUser } from '../../secure.js';

/** Professionals by attendance (--present, --apologies, --absent), and family members present or not. */
export type AttendanceOpts = Partial<Record<Attendance, string[]>> & {
  familyPresent?: string[];
  familyAbsent?: string[];
};

/** `attendance set`: professionals by e-mail or id, family members by reference. */
export async function setAttendance(
  ctx: CliContext,
  s: SecureSession,
  o: AttendanceOpts,
  which: string,
): Promise<void> {
  const id = await resolveMeeting(s, which);
  const people: { userId: string; attendance: Attendance }[] = [];
  for (const attendance of ATTENDANCE) {
    for (const who of o[attendance] ?? []) people.push({ userId: await resolveUser(s, who), attendance });
  }
  const familyMembers = await familyAttendance(s, id, o.familyPresent ?? [], o.familyAbsent ?? []);
  if (!people.length && !familyMembers.length) {
    throw new CliUsageError('Name someone: --present, --apologies, --absent, --family-present or --family-absent.');
  }
  const m = await s.client.setAttendance(id, { people, familyMembers });
  ctx.print(m, `Attendance recorded for ${people.length + familyMembers.length} people.\n`);
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
