import { z } from 'zod';
import { sealedField } from '../../families/dto/family.dto.js';

export const ACTION_STATUSES = ['open', 'in_progress', 'done', 'cancelled'] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];

const isoDate = z.iso.date({ message: 'must be a date (YYYY-MM-DD)' });

export const createActionSchema = z.strictObject({
  channelId: z.uuid(),
  meetingId: z.uuid().optional(),
  /** The whole-family plan objective this action serves (its id in the sealed plan). */
  planObjective: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9_-]+$/, 'must be an objective id (letters, digits, - and _)')
    .optional(),
  description: sealedField,
  ownerId: z.uuid(),
  dueOn: isoDate,
});
export type CreateActionDto = z.infer<typeof createActionSchema>;

export const updateActionSchema = z
  .strictObject({
    status: z.enum(ACTION_STATUSES).optional(),
    /** A progress note, sealed. */
    note: sealedField.optional(),
  })
  .refine((v) => v.status !== undefined || v.note !== undefined, 'give a status, a note, or both');
export type UpdateActionDto = z.infer<typeof updateActionSchema>;

export const reassignActionSchema = z.strictObject({
  ownerId: z.uuid(),
  /** Why (e.g. the owner has left), sealed. */
  reason: sealedField.optional(),
});
export type ReassignActionDto = z.infer<typeof reassignActionSchema>;
