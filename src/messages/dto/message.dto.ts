import { z } from 'zod';
import { base64url } from '../../identity/dto/identity.dto.js';

/**
 * A sealed message as the SDK sends it (DESIGN.md §3). The ciphertext's size is checked against
 * MESSAGE_MAX_BYTES in the service (413), after the shape is known to be right.
 */
export const sendMessageSchema = z.strictObject({
  epoch: z.number().int().min(1).max(2_000_000_000),
  senderDeviceId: z.uuid(),
  clientMessageId: z.uuid(),
  nonce: base64url(24),
  ciphertext: z
    .string()
    .min(22)
    .regex(/^[A-Za-z0-9_-]+$/, 'must be base64url without padding'),
  signature: base64url(64),
});
export type SendMessageDto = z.infer<typeof sendMessageSchema>;

export const listMessagesQuery = z.strictObject({
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});
export type ListMessagesQuery = z.infer<typeof listMessagesQuery>;

export const seqParam = z.coerce.number().int().min(1);
