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

export const addFamilyMemberSchema = z.strictObject({
  role: z.enum(FAMILY_MEMBER_ROLES),
  /** Name, date of birth and the like, sealed by the client. */
  details: sealedField.optional(),
});
export type AddFamilyMemberDto = z.infer<typeof addFamilyMemberSchema>;

export const handOverSchema = z.strictObject({ userId: z.uuid() });
export type HandOverDto = z.infer<typeof handOverSchema>;
