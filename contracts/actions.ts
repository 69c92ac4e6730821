import { z } from 'zod';
import { dateString, isoDate, objectiveId, sealedField, sealedView, timestamp } from './common.js';

/** Actions with a named owner, their agency and a due date. */
export const ACTION_STATUSES = ['open', 'in_progress', 'done', 'cancelled'] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];
/** The status shown: the recorded one, or `overdue` when still open or in progress after its due date. */
export const ACTION_SHOWN_STATUSES = [...ACTION_STATUSES, 'overdue'] as const;
export type ActionShownStatus = (typeof ACTION_SHOWN_STATUSES)[number];
/** What an entry in an action's history records. */
export const ACTION_UPDATE_KINDS = ['status', 'progress', 'reassigned'] as const;
export type ActionUpdateKind = (typeof ACTION_UPDATE_KINDS)[number];

// ── requests ──

export const createActionSchema = z.strictObject({
  /** The new record's id, made by the client: its sealed fields are bound to it (docs/protocol.md). */
  id: z.uuid(),
  channelId: z.uuid(),
  meetingId: z.uuid().optional(),
  /** The whole-family plan objective this action serves (its id in the sealed plan). */
  planObjective: objectiveId.optional(),
  description: sealedField,
  ownerId: z.uuid(),
  dueOn: isoDate,
});
export type CreateActionInput = z.infer<typeof createActionSchema>;

export const updateActionSchema = z
  .strictObject({
    /** The new history entry's id, made by the client: a sealed note is bound to it. */
    updateId: z.uuid(),
    status: z.enum(ACTION_STATUSES).optional(),
    /** A progress note, sealed. */
    note: sealedField.optional(),
  })
  .refine((v) => v.status !== undefined || v.note !== undefined, 'give a status, a note, or both');
export type UpdateActionInput = z.infer<typeof updateActionSchema>;

export const reassignActionSchema = z.strictObject({
  /** The new history entry's id, made by the client: a sealed reason is bound to it. */
  updateId: z.uuid(),
  ownerId: z.uuid(),
  /** Why (e.g. the owner has left), sealed. */
  reason: sealedField.optional(),
});
export type ReassignActionInput = z.infer<typeof reassignActionSchema>;

// ── responses ──

export const actionView = z.object({
  id: z.uuid(),
  channelId: z.uuid(),
  meetingId: z.uuid().nullable(),
  planObjective: z.string().nullable(),
  description: sealedView,
  ownerId: z.uuid(),
  ownerAgencyId: z.uuid(),
  dueOn: dateString,
  /** The status as last set (never `overdue`). */
  recordedStatus: z.enum(ACTION_STATUSES),
  /** `overdue` when still open or in progress after its due date. */
  status: z.enum(ACTION_SHOWN_STATUSES),
  createdBy: z.uuid(),
  createdAt: timestamp,
  updatedAt: timestamp,
});
export type ActionView = z.infer<typeof actionView>;

/** One entry in an action's history: a change of status, a progress note, or a reassignment. */
export const actionUpdateView = z.object({
  id: z.uuid(),
  authorId: z.uuid(),
  kind: z.enum(ACTION_UPDATE_KINDS),
  statusFrom: z.enum(ACTION_STATUSES).nullable(),
  statusTo: z.enum(ACTION_STATUSES).nullable(),
  fromUserId: z.uuid().nullable(),
  toUserId: z.uuid().nullable(),
  note: sealedView.nullable(),
  createdAt: timestamp,
});
export type ActionUpdateView = z.infer<typeof actionUpdateView>;

export const actionDetailView = actionView.extend({ updates: z.array(actionUpdateView) });
export type ActionDetailView = z.infer<typeof actionDetailView>;
