import { z } from 'zod';
import { base64url, sealedField, sealedView, timestamp } from './common.js';

/** Meetings, attendance, versioned sealed minutes, typed entries and signed amendments. */
export const MEETING_KINDS = ['locality', 'family', 'professionals'] as const;
export type MeetingKind = (typeof MEETING_KINDS)[number];
export const MEETING_STATUSES = ['scheduled', 'in_progress', 'closed'] as const;
export type MeetingStatus = (typeof MEETING_STATUSES)[number];
export const ATTENDANCE = ['present', 'apologies', 'absent'] as const;
export type Attendance = (typeof ATTENDANCE)[number];
export const ENTRY_KINDS = ['information', 'decision', 'action'] as const;
export type EntryKind = (typeof ENTRY_KINDS)[number];

// ── requests ──

export const scheduleMeetingSchema = z.strictObject({
  /** The new record's id, made by the client: its sealed fields are bound to it (docs/protocol.md). */
  id: z.uuid(),
  channelId: z.uuid(),
  kind: z.enum(MEETING_KINDS),
  scheduledAt: z.iso.datetime({ offset: true }),
  /** Where, or the link: sealed. */
  place: sealedField.optional(),
  /** The agenda items (JSON list of `{id, title}`), sealed. */
  agenda: sealedField.optional(),
  minuteTakerId: z.uuid().optional(),
  invitees: z.array(z.uuid()).max(200).default([]),
});
/** What a client sends to schedule a meeting (`invitees` may be left out). */
export type ScheduleMeetingInput = z.input<typeof scheduleMeetingSchema>;
/** A schedule request as the server has it once parsed (`invitees` defaulted to none). */
export type ScheduleMeetingParsed = z.output<typeof scheduleMeetingSchema>;

export const inviteSchema = z.strictObject({ userIds: z.array(z.uuid()).min(1).max(200) });
export type InviteInput = z.infer<typeof inviteSchema>;

export const attendanceSchema = z.strictObject({
  people: z
    .array(z.strictObject({ userId: z.uuid(), attendance: z.enum(ATTENDANCE) }))
    .max(200)
    .default([]),
  /** Family meetings: family members there or not, by member id. */
  familyMembers: z
    .array(z.strictObject({ memberId: z.uuid(), present: z.boolean() }))
    .max(50)
    .default([]),
});
/** What a client sends to record attendance (either list may be left out). */
export type AttendanceInput = z.input<typeof attendanceSchema>;
/** An attendance request as the server has it once parsed (both lists present). */
export type AttendanceParsed = z.output<typeof attendanceSchema>;

export const saveMinutesSchema = z.strictObject({
  /** The version this edit started from: a stale one is refused (409), never silently overwritten. */
  baseVersion: z.number().int().min(0).max(1_000_000),
  minutes: sealedField,
});
export type SaveMinutesInput = z.infer<typeof saveMinutesSchema>;

/**
 * The chair's signature over the latest version (docs/protocol.md, "Signed minutes", v2). The server
 * cannot read the minutes, so the client sends the hash of their text it signed; the server checks the
 * signature over it and keeps it, so every reader can check the text against it.
 */
export const closeMeetingSchema = z.strictObject({
  version: z.number().int().min(1).max(1_000_000),
  textHash: base64url(32),
  deviceId: z.uuid(),
  signature: base64url(64),
});
export type CloseMeetingInput = z.infer<typeof closeMeetingSchema>;

export const amendSchema = z.strictObject({
  number: z.number().int().min(1).max(1_000_000),
  amendment: sealedField,
  /** The hash of the amendment's text (as for closing), covered by the signature. */
  textHash: base64url(32),
  deviceId: z.uuid(),
  signature: base64url(64),
});
export type AmendInput = z.infer<typeof amendSchema>;

export const entrySchema = z.strictObject({
  /** The new record's id, made by the client: its sealed fields are bound to it (docs/protocol.md). */
  id: z.uuid(),
  agendaItem: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9_-]+$/, 'must be an agenda item id (letters, digits, - and _)'),
  kind: z.enum(ENTRY_KINDS),
  content: sealedField,
});
export type EntryInput = z.infer<typeof entrySchema>;

// ── responses ──

export const meetingSummary = z.object({
  id: z.uuid(),
  channelId: z.uuid(),
  kind: z.enum(MEETING_KINDS),
  scheduledAt: timestamp,
  status: z.enum(MEETING_STATUSES),
  chairId: z.uuid(),
  minuteTakerId: z.uuid().nullable(),
});
export type MeetingSummary = z.infer<typeof meetingSummary>;

/** One saved version of the sealed minutes. */
export const minutesVersionView = sealedView.extend({
  version: z.number().int(),
  authorId: z.uuid(),
  savedAt: timestamp,
});
export type MinutesVersionView = z.infer<typeof minutesVersionView>;

export const meetingInviteeView = z.object({
  userId: z.uuid(),
  displayName: z.string(),
  agencyId: z.uuid(),
  agencyName: z.string(),
  /** Null until the chair or minute-taker records it. */
  attendance: z.enum(ATTENDANCE).nullable(),
});
export type MeetingInviteeView = z.infer<typeof meetingInviteeView>;

/** A family member at a family meeting, by member ref (their details stay sealed in the family). */
export const familyAttendanceView = z.object({ memberId: z.uuid(), memberRef: z.string(), present: z.boolean() });
export type FamilyAttendanceView = z.infer<typeof familyAttendanceView>;

/**
 * The lock on closed minutes: the version closed, the hash of its text and the chair's device signature
 * over both (`textHash` is null only for minutes closed before signatures covered the text).
 */
export const finalMinutesView = z.object({
  version: z.number().int(),
  textHash: z.string().nullable(),
  signature: z.string(),
  deviceId: z.uuid(),
});
export type FinalMinutesView = z.infer<typeof finalMinutesView>;

/** A signed correction to closed minutes. */
export const minutesAmendmentView = sealedView.extend({
  number: z.number().int(),
  /** The hash of the amendment's text its signature covers (null only for one made before that). */
  textHash: z.string().nullable(),
  authorId: z.uuid(),
  deviceId: z.uuid(),
  signature: z.string(),
  createdAt: timestamp,
});
export type MinutesAmendmentView = z.infer<typeof minutesAmendmentView>;

export const meetingEntryView = z.object({
  id: z.uuid(),
  agendaItem: z.string(),
  kind: z.enum(ENTRY_KINDS),
  content: sealedView,
  authorId: z.uuid(),
  createdAt: timestamp,
});
export type MeetingEntryView = z.infer<typeof meetingEntryView>;

export const meetingView = meetingSummary.extend({
  place: sealedView.nullable(),
  agenda: sealedView.nullable(),
  startedAt: timestamp.nullable(),
  closedAt: timestamp.nullable(),
  invitees: z.array(meetingInviteeView),
  familyAttendance: z.array(familyAttendanceView),
  /** The latest version of the minutes, or null before the first save. */
  minutes: minutesVersionView.nullable(),
  /** Set once the meeting is closed. */
  final: finalMinutesView.nullable(),
  amendments: z.array(minutesAmendmentView),
  entries: z.array(meetingEntryView),
});
export type MeetingView = z.infer<typeof meetingView>;

/** The answer to a save of the minutes: the version it made. */
export const minutesSaved = z.object({ meetingId: z.uuid(), version: z.number().int() });
export type MinutesSaved = z.infer<typeof minutesSaved>;

/** The answer to a new entry: its id. */
export const meetingEntryCreated = z.object({ id: z.uuid() });
export type MeetingEntryCreated = z.infer<typeof meetingEntryCreated>;
