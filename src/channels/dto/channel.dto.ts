import { z } from 'zod';
import { base64url } from '../../identity/dto/identity.dto.js';
import { MEMBER_ROLES } from '../entities/channel-member.entity.js';
import { CHANNEL_KINDS } from '../entities/channel.entity.js';

/** base64url of any length between the bounds (decoded bytes). */
export const base64urlBytes = (min: number, max: number) =>
  z
    .string()
    .regex(/^[A-Za-z0-9_-]*$/, 'must be base64url without padding')
    .refine((s) => {
      const n = Buffer.from(s, 'base64url').length;
      return n >= min && n <= max;
    }, `must decode to between ${min} and ${max} bytes`);

const memberInput = z.strictObject({
  userId: z.uuid(),
  role: z.enum(MEMBER_ROLES).default('member'),
});

export const createChannelSchema = z.strictObject({
  kind: z.enum(CHANNEL_KINDS),
  /** Other members; the creator joins as chair. A direct channel names exactly one other person. */
  members: z.array(memberInput).max(500).default([]),
  retentionDays: z.number().int().min(1).optional(),
});
export type CreateChannelDto = z.infer<typeof createChannelSchema>;

export const addMemberSchema = memberInput.extend({
  endsAt: z.iso.datetime({ offset: true }).optional(),
});
export type AddMemberDto = z.infer<typeof addMemberSchema>;

/** Title ciphertext: nonce ‖ XChaCha20-Poly1305 ciphertext under the new epoch's key. */
const titleCiphertext = base64urlBytes(24 + 16, 24 + 16 + 1024);

export const openEpochSchema = z.strictObject({
  epoch: z.number().int().min(1).max(2_000_000_000),
  openerDeviceId: z.uuid(),
  signature: base64url(64),
  envelopes: z
    .array(z.strictObject({ deviceId: z.uuid(), sealed: base64urlBytes(48 + 53, 48 + 53) }))
    .min(1)
    .max(5000),
  title: titleCiphertext.optional(),
});
export type OpenEpochDto = z.infer<typeof openEpochSchema>;

export const keysQuery = z.strictObject({
  deviceId: z.uuid(),
  fromEpoch: z.coerce.number().int().min(0).default(0),
});

export const shareHistorySchema = z.strictObject({
  fromDeviceId: z.uuid(),
  envelopes: z
    .array(z.strictObject({ epoch: z.number().int().min(1), deviceId: z.uuid(), sealed: base64urlBytes(101, 101) }))
    .min(1)
    .max(5000),
});
export type ShareHistoryDto = z.infer<typeof shareHistorySchema>;
