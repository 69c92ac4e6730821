import { z } from 'zod';
import { base64urlBytes } from '../../channels/dto/channel.dto.js';

export const FAMILY_MEMBER_ROLES = ['child', 'parent', 'carer', 'other'] as const;
export type FamilyMemberRole = (typeof FAMILY_MEMBER_ROLES)[number];

/**
 * Something only the family's channel members can read (a name, a rationale, a justification):
 * nonce ‖ XChaCha20-Poly1305 ciphertext under that channel's key of `epoch` (docs/protocol.md).
 */
export const sealedField = z.strictObject({
  epoch: z.number().int().min(1).max(2_000_000_000),
  ciphertext: base64urlBytes(24 + 16 + 1, 24 + 16 + 16 * 1024),
});
export type SealedField = z.infer<typeof sealedField>;

/** Notice that a client exported a record to an agency's case system: the export's own id, nothing of its content. */
export const recordExportSchema = z.strictObject({ exportId: z.uuid() });
export type RecordExportDto = z.infer<typeof recordExportSchema>;

export const addFamilyMemberSchema = z.strictObject({
  role: z.enum(FAMILY_MEMBER_ROLES),
  /** Name, date of birth and the like, sealed by the client. */
  details: sealedField.optional(),
});
export type AddFamilyMemberDto = z.infer<typeof addFamilyMemberSchema>;

export const handOverSchema = z.strictObject({ userId: z.uuid() });
export type HandOverDto = z.infer<typeof handOverSchema>;

const objectiveId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'must be an objective id (letters, digits, - and _)');

export const savePlanSchema = z.strictObject({
  /** The version this edit started from (0 for the first): a stale one is refused, never overwritten. */
  baseVersion: z.number().int().min(0).max(1_000_000),
  /** Objectives, outcomes and measures (and their ids), sealed by the client. */
  plan: sealedField,
  reviewOn: z.iso.date({ message: 'must be a date (YYYY-MM-DD)' }),
  /** The family members the plan covers (ISA 3.3.11: every relevant one). */
  coveredMemberIds: z.array(z.uuid()).min(1).max(50),
});
export type SavePlanDto = z.infer<typeof savePlanSchema>;

export const planProgressSchema = z.strictObject({
  objective: objectiveId,
  /** `professional`: the named professional's report; `family`: the family's own assessment. */
  kind: z.enum(['professional', 'family']),
  report: sealedField,
});
export type PlanProgressDto = z.infer<typeof planProgressSchema>;
