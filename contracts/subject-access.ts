import { z } from 'zod';
import { dateString, isoDate, timestamp } from './common.js';

/**
 * Subject access and information requests from the public (ISA 10): each agency keeps a register of the
 * requests it receives. The subject is named only by pseudonymous references (a family's `EH-2026-0042`,
 * a member's `EH-2026-0042-M1`), never by name. The deadline is one calendar month from receipt and may be
 * extended once, by up to two months, with a reason kept with the request. Information that came from
 * another agency gets a consultation task for that agency, due within 5 calendar days.
 */
export const REQUESTER_TYPES = ['subject', 'parent_guardian', 'representative', 'other'] as const;
export type RequesterType = (typeof REQUESTER_TYPES)[number];

export const SUBJECT_ACCESS_STATUSES = ['open', 'answered', 'closed'] as const;
export type SubjectAccessStatus = (typeof SUBJECT_ACCESS_STATUSES)[number];

/** The most a deadline may be extended by, in calendar months (once). */
export const MAX_EXTENSION_MONTHS = 2;
/** A consultation task is due this many calendar days after it is made. */
export const CONSULTATION_DAYS = 5;

/** A family reference (EH-2026-0042) or a family member's reference (EH-2026-0042-M1). */
export const subjectRef = z
  .string()
  .trim()
  .regex(
    /^[A-Za-z]{1,8}-\d{4}-\d{1,8}(-M\d{1,4})?$/,
    'must be a family reference (EH-2026-0042) or a member’s (EH-2026-0042-M1)',
  );

export const createSubjectAccessRequest = z.strictObject({
  /** The day the request was received (not after today). */
  receivedOn: isoDate,
  requesterType: z.enum(REQUESTER_TYPES),
  /** The subject's references: families, family members, or both. */
  refs: z.array(subjectRef).min(1, 'name at least one family or member reference').max(20),
});
export type CreateSubjectAccessRequest = z.infer<typeof createSubjectAccessRequest>;

export const extendSubjectAccessRequest = z.strictObject({
  months: z.number().int().min(1).max(MAX_EXTENSION_MONTHS, `must be at most ${MAX_EXTENSION_MONTHS}`),
  /** Why the request needs longer (its complexity, the number of requests): kept with the request. */
  reason: z
    .string()
    .trim()
    .min(1, 'say why (it is kept with the request)')
    .max(1000, 'must be at most 1000 characters'),
});
export type ExtendSubjectAccessRequest = z.infer<typeof extendSubjectAccessRequest>;

export const setSubjectAccessStatus = z.strictObject({
  /** `answered` (the requester has their answer) or `closed` (nothing more to do). */
  status: z.enum(['answered', 'closed']),
});
export type SetSubjectAccessStatus = z.infer<typeof setSubjectAccessStatus>;

export const subjectAccessQuery = z.strictObject({
  /** `true`: only open requests past their deadline. */
  overdue: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  status: z.enum(SUBJECT_ACCESS_STATUSES).optional(),
});
export type SubjectAccessQuery = z.infer<typeof subjectAccessQuery>;

export const createConsultation = z.strictObject({
  /** The agency the information came from. */
  agencyId: z.uuid(),
});
export type CreateConsultation = z.infer<typeof createConsultation>;

export const consultationsQuery = z.strictObject({
  /** `true`: only tasks not done yet. */
  open: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
});
export type ConsultationsQuery = z.infer<typeof consultationsQuery>;

/** What an export held, told to the server after it was written: counts only, never content. */
export const recordSubjectAccessExport = z.strictObject({
  exportId: z.uuid(),
  families: z.number().int().min(0).max(1000),
  messages: z.number().int().min(0).max(10_000_000),
  records: z.number().int().min(0).max(10_000_000),
});
export type RecordSubjectAccessExport = z.infer<typeof recordSubjectAccessExport>;

// ── responses ──

export const subjectFamilyView = z.object({ id: z.uuid(), ref: z.string(), channelId: z.uuid() });
export const subjectMemberView = z.object({ id: z.uuid(), ref: z.string(), familyId: z.uuid() });

export const consultationView = z.object({
  id: z.uuid(),
  requestId: z.uuid(),
  /** The agency asked (the one the information came from). */
  agencyId: z.uuid(),
  /** The agency whose register the request is in. */
  requestingAgencyId: z.uuid(),
  dueOn: dateString,
  /** Not done and past its due day. */
  overdue: z.boolean(),
  doneAt: timestamp.nullable(),
  doneBy: z.uuid().nullable(),
  createdBy: z.uuid(),
  createdAt: timestamp,
  /** The subject's family references, so the agency asked knows what to look for. */
  familyRefs: z.array(z.string()),
  memberRefs: z.array(z.string()),
});
export type ConsultationView = z.infer<typeof consultationView>;

export const subjectAccessRequestView = z.object({
  id: z.uuid(),
  agencyId: z.uuid(),
  receivedOn: dateString,
  requesterType: z.enum(REQUESTER_TYPES),
  families: z.array(subjectFamilyView),
  members: z.array(subjectMemberView),
  /** One calendar month from receipt, or later when extended. */
  deadline: dateString,
  /** Open and past its deadline. */
  overdue: z.boolean(),
  extension: z
    .object({
      months: z.number().int(),
      reason: z.string(),
      extendedBy: z.uuid(),
      extendedAt: timestamp,
    })
    .nullable(),
  status: z.enum(SUBJECT_ACCESS_STATUSES),
  createdBy: z.uuid(),
  createdAt: timestamp,
  consultations: z.array(consultationView),
});
export type SubjectAccessRequestView = z.infer<typeof subjectAccessRequestView>;

export const subjectAccessExportRecordedView = z.object({ exportId: z.uuid() });
export type SubjectAccessExportRecordedView = z.infer<typeof subjectAccessExportRecordedView>;
