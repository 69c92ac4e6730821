import { z } from 'zod';
import { MAX_PASSWORD_LENGTH } from '../passwords.js';
import { ROLES } from '../entities/user.entity.js';

const email = z
  .email({ message: 'must be an e-mail address' })
  .max(254)
  .transform((e) => e.toLowerCase());

/** Strict base64url of an exact decoded length: malformed keys are a 400, never a crash. */
export const base64url = (bytes: number) =>
  z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, 'must be base64url without padding')
    .refine((s) => Buffer.from(s, 'base64url').length === bytes, `must decode to ${bytes} bytes`);

export const loginSchema = z.strictObject({
  email,
  password: z
    .string()
    .min(1, 'is required')
    .max(MAX_PASSWORD_LENGTH * 4),
  totp: z
    .string()
    .regex(/^\d{6}$/, 'must be 6 digits')
    .optional(),
  recoveryCode: z.string().min(8).max(40).optional(),
});
export type LoginDto = z.infer<typeof loginSchema>;

export const createUserSchema = z.strictObject({
  agencyId: z.uuid().optional(),
  email,
  displayName: z.string().trim().min(1, 'is required').max(200),
  role: z.enum(ROLES),
});
export type CreateUserDto = z.infer<typeof createUserSchema>;

export const listUsersQuery = z.strictObject({ agencyId: z.uuid().optional() });

export const lookupUserQuery = z.strictObject({ email });

export const disableUserSchema = z.strictObject({ reason: z.string().trim().min(1).max(500).optional() }).optional();
export type DisableUserDto = z.infer<typeof disableUserSchema>;

export const acceptInvitationSchema = z.strictObject({
  token: z.string().min(20).max(200),
  password: z.string().max(MAX_PASSWORD_LENGTH * 4),
});
export type AcceptInvitationDto = z.infer<typeof acceptInvitationSchema>;

export const mfaVerifySchema = z.strictObject({ code: z.string().regex(/^\d{6}$/, 'must be 6 digits') });
export type MfaVerifyDto = z.infer<typeof mfaVerifySchema>;

export const attestSchema = z.strictObject({
  agreementVersionId: z.uuid(),
  readAgreement: z.literal(true, { message: 'you must confirm you have read the agreement' }),
  readSharingAdvice: z.literal(true, { message: 'you must confirm you have read the information-sharing advice' }),
  acceptConfidentiality: z.literal(true, { message: 'you must accept the duty of confidentiality' }),
});
export type AttestDto = z.infer<typeof attestSchema>;

export const registerDeviceSchema = z.strictObject({
  label: z.string().trim().min(1, 'is required').max(100),
  x25519PublicKey: base64url(32),
  ed25519PublicKey: base64url(32),
  /** Ed25519 signature over `deviceProofMessage(...)`, proving possession of the signing key. */
  signature: base64url(64),
});
export type RegisterDeviceDto = z.infer<typeof registerDeviceSchema>;

export const revokeDeviceSchema = z.strictObject({ reason: z.string().trim().min(1).max(500).optional() }).optional();
