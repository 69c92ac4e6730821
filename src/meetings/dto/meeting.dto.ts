import { z } from 'zod';
import { sealedField } from '../../families/dto/family.dto.js';
import { base64url } from '../../identity/dto/identity.dto.js';

export const MEETING_KINDS = ['locality', 'family', 'professionals'] as const;
export type MeetingKind = (typeof MEETING_KINDS)[number];
export const ATTENDANCE = ['present', 'apologies', 'absent'] as const;
export const ENTRY_KINDS = ['information', 'decision', 'action'] as const;

export const scheduleMeetingSchema = z.strictObject({
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
export type ScheduleMeetingDto = z.infer<typeof scheduleMeetingSchema>;

export const inviteSchema = z.strictObject({ userIds: z.array(z.uuid()).min(1).max(200) });
export type InviteDto = z.infer<typeof inviteSchema>;

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
export type AttendanceDto = z.infer<typeof attendanceSchema>;

export const saveMinutesSchema = z.strictObject({
  /** The version this edit started from: a stale one is refused (409), never silently overwritten. */
  baseVersion: z.number().int().min(0).max(1_000_000),
  minutes: sealedField,
});
export type SaveMinutesDto = z.infer<typeof saveMinutesSchema>;

export const closeMeetingSchema = z.strictObject({
  version: z.number().int().min(1).max(1_000_000),
  deviceId: z.uuid(),
  signature: base64url(64),
});
export type CloseMeetingDto = z.infer<typeof closeMeetingSchema>;

export const amendSchema = z.strictObject({
  number: z.number().int().min(1).max(1_000_000),
  amendment: sealedField,
  deviceId: z.uuid(),
  signature: base64url(64),
});
export type AmendDto = z.infer<typeof amendSchema>;

export const entrySchema = z.strictObject({
  agendaItem: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9_-]+$/, 'must be an agenda item id (letters, digits, - and _)'),
  kind: z.enum(ENTRY_KINDS),
  content: sealedField,
});
export type EntryDto = z.infer<typeof entrySchema>;
