import { z } from 'zod';
import { AGENCY_SECTORS, AGENCY_STATUSES } from './agencies.js';
import { base64url, base64urlBytes, timestamp } from './common.js';

/** Sign-in, sessions, users, invitations, two-factor authentication, attestation and devices. */
export const ROLES = ['isa_admin', 'agency_admin', 'practitioner', 'mash_worker', 'auditor'] as const;
export type Role = (typeof ROLES)[number];
export const USER_STATUSES = ['invited', 'active', 'disabled'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];
/**
 * `mfa_enrolment` sessions belong to users whose role requires MFA but who have not enrolled yet:
 * they can reach only their own profile and the enrolment endpoints.
 */
export const SESSION_STAGES = ['full', 'mfa_enrolment'] as const;
export type SessionStage = (typeof SESSION_STAGES)[number];

/**
 * Where a session's secret lives. `bearer` (the default): the sign-in answer carries the token, and the
 * client sends it as `Authorization: Bearer <token>` (the CLI, the SDK in Node). `cookie`: the browser
 * keeps it in an HttpOnly cookie that the page's scripts cannot read, and the answer carries only a
 * CSRF token instead, which the page sends in `X-CSRF-Token` with every change it asks for.
 */
export const SESSION_KINDS = ['bearer', 'cookie'] as const;
export type SessionKind = (typeof SESSION_KINDS)[number];
/** The cookie of a `cookie` session: HttpOnly, SameSite=Strict, Path=/ (Secure over HTTPS). */
export const SESSION_COOKIE = 'strongroom_session';
/** The header a cookie session's POST, PUT, PATCH and DELETE requests carry its CSRF token in. */
export const CSRF_HEADER = 'X-CSRF-Token';

/** Password length bounds in characters (NCSC/ASVS); the server also refuses common passwords. */
export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;

// ── requests ──

/** E-mail addresses are compared in lower case: the schema lower-cases what it accepts. */
const email = z
  .email({ message: 'must be an e-mail address' })
  .max(254)
  .transform((e) => e.toLowerCase());

/** A six-digit TOTP code. */
const totpCode = z.string().regex(/^\d{6}$/, 'must be 6 digits');

// Password fields are bounded in UTF-16 units at four per character, so a long but allowed password is
// judged by passwordProblems (which counts characters) rather than refused as malformed.
export const loginSchema = z.strictObject({
  email,
  password: z
    .string()
    .min(1, 'is required')
    .max(MAX_PASSWORD_LENGTH * 4),
  totp: totpCode.optional(),
  recoveryCode: z.string().min(8).max(40).optional(),
  /** `cookie` for a web page: the token goes into an HttpOnly cookie, never into the answer. */
  session: z.enum(SESSION_KINDS).optional(),
});
export type LoginInput = z.infer<typeof loginSchema>;

export const createUserSchema = z.strictObject({
  /** Defaults to the creator's own agency. */
  agencyId: z.uuid().optional(),
  email,
  displayName: z.string().trim().min(1, 'is required').max(200),
  role: z.enum(ROLES),
});
export type CreateUserInput = z.infer<typeof createUserSchema>;

export const listUsersQuery = z.strictObject({ agencyId: z.uuid().optional() });
export type ListUsersQuery = z.infer<typeof listUsersQuery>;

export const lookupUserQuery = z.strictObject({ email });
export type LookupUserQuery = z.infer<typeof lookupUserQuery>;

/** The most people one search returns: a colleague finder, not a way to list everyone. */
export const USER_SEARCH_LIMIT = 20;
/** Fewer characters than this find too many people, unless the search is within one agency. */
export const USER_SEARCH_MIN_CHARS = 2;

/**
 * Colleagues by name (each word the start of a word of their name, in any order, any case) and/or
 * agency. An empty `q` is no name at all: then an agency is needed.
 */
export const searchUsersQuery = z
  .strictObject({
    q: z
      .string()
      .trim()
      .max(100, 'must be at most 100 characters')
      .refine((q) => q === '' || /[\p{L}\p{N}]/u.test(q), 'must contain letters or digits of a name')
      .optional(),
    agencyId: z.uuid({ message: 'must be an agency id (a UUID)' }).optional(),
  })
  .superRefine((v, ctx) => {
    if (!v.agencyId && (v.q ?? '').length < USER_SEARCH_MIN_CHARS) {
      ctx.addIssue({
        code: 'custom',
        path: ['q'],
        message: `type at least ${USER_SEARCH_MIN_CHARS} characters of a name, or choose an agency`,
      });
    }
  });
export type SearchUsersQuery = z.infer<typeof searchUsersQuery>;

export const disableUserSchema = z.strictObject({ reason: z.string().trim().min(1).max(500).optional() }).optional();
export type DisableUserInput = z.infer<typeof disableUserSchema>;

export const acceptInvitationSchema = z.strictObject({
  token: z.string().min(20).max(200),
  password: z.string().max(MAX_PASSWORD_LENGTH * 4),
});
export type AcceptInvitationInput = z.infer<typeof acceptInvitationSchema>;

/** Ask for a password reset link by e-mail. The answer is the same whether or not the address has an account. */
export const passwordResetRequestSchema = z.strictObject({ email });
export type PasswordResetRequestInput = z.infer<typeof passwordResetRequestSchema>;

/** Choose a new password with the e-mailed token, and the second factor when the account has one. */
export const passwordResetCompleteSchema = z.strictObject({
  token: z.string().min(20).max(200),
  newPassword: z.string().max(MAX_PASSWORD_LENGTH * 4),
  totp: totpCode.optional(),
  recoveryCode: z.string().min(8).max(40).optional(),
});
export type PasswordResetCompleteInput = z.infer<typeof passwordResetCompleteSchema>;

export const mfaVerifySchema = z.strictObject({ code: totpCode });
export type MfaVerifyInput = z.infer<typeof mfaVerifySchema>;

/** ISA 8.4.1/8.4.3: the three confirmations a user makes before using shared spaces. */
export const attestSchema = z.strictObject({
  agreementVersionId: z.uuid(),
  readAgreement: z.literal(true, { message: 'you must confirm you have read the agreement' }),
  readSharingAdvice: z.literal(true, { message: 'you must confirm you have read the information-sharing advice' }),
  acceptConfidentiality: z.literal(true, { message: 'you must accept the duty of confidentiality' }),
});
export type AttestInput = z.infer<typeof attestSchema>;

export const registerDeviceSchema = z.strictObject({
  label: z.string().trim().min(1, 'is required').max(100),
  x25519PublicKey: base64url(32),
  ed25519PublicKey: base64url(32),
  /** Ed25519 signature over `deviceProofMessage(...)`, proving possession of the signing key. */
  signature: base64url(64),
});
export type RegisterDeviceInput = z.infer<typeof registerDeviceSchema>;

/** The password again (and the authenticator code, when the account has one): needed to add a device. */
export const stepUpSchema = z.strictObject({
  password: z.string().max(MAX_PASSWORD_LENGTH * 4),
  totp: totpCode.optional(),
});
export type StepUpInput = z.infer<typeof stepUpSchema>;

/** A person's first identity key (protocol v2), with its signature over the device publishing it. */
export const publishIdentitySchema = z.strictObject({
  identityPublicKey: base64url(32),
  deviceId: z.uuid(),
  /** The identity key's signature over `deviceSignatureBytes(...)` of that device. */
  deviceSignature: base64url(64),
});
export type PublishIdentityInput = z.infer<typeof publishIdentitySchema>;

/** Approves a waiting device: its owner's identity signature, and the identity seed sealed to it. */
export const approveDeviceSchema = z.strictObject({
  identitySignature: base64url(64),
  /** `crypto_box_seal(0x02 ‖ device id ‖ seed)` to the device: absent when it approves itself (recovery key). */
  sealedIdentitySeed: base64urlBytes(48 + 49, 48 + 49).optional(),
  /** The caller's approved device that made the signature (absent when approving with the recovery key). */
  byDeviceId: z.uuid().optional(),
});
export type ApproveDeviceInput = z.infer<typeof approveDeviceSchema>;

export const revokeDeviceSchema = z.strictObject({ reason: z.string().trim().min(1).max(500).optional() }).optional();
export type RevokeDeviceInput = z.infer<typeof revokeDeviceSchema>;

// ── responses ──

export const userView = z.object({
  id: z.uuid(),
  agencyId: z.uuid(),
  email: z.string(),
  displayName: z.string(),
  role: z.enum(ROLES),
  status: z.enum(USER_STATUSES),
  mfaEnabled: z.boolean(),
  createdAt: timestamp,
  disabledAt: timestamp.nullable(),
});
export type UserView = z.infer<typeof userView>;

export const sessionView = z.object({
  id: z.uuid(),
  stage: z.enum(SESSION_STAGES),
  createdAt: timestamp,
  lastSeenAt: timestamp,
  /** When the session ends if unused; moves on with use, never past `absoluteExpiresAt`. */
  idleExpiresAt: timestamp,
  absoluteExpiresAt: timestamp,
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  /** Present in the session list only: true for the session that asked. */
  current: z.boolean().optional(),
});
export type SessionView = z.infer<typeof sessionView>;

/** Who signed in, to which session: what every sign-in answer and the session check share. */
const signedIn = {
  session: sessionView,
  user: userView,
  agency: z.object({ id: z.uuid(), name: z.string(), status: z.enum(AGENCY_STATUSES) }),
};

export const loginResult = z.object({
  /** The bearer token; shown once, stored by the server only as a hash. */
  token: z.string(),
  ...signedIn,
});
export type LoginResult = z.infer<typeof loginResult>;

/**
 * The answer to a sign-in with `session: 'cookie'`: no token (it is in the HttpOnly cookie the same
 * answer sets), and the CSRF token the page sends in `X-CSRF-Token` with every POST, PUT, PATCH and DELETE.
 */
export const cookieLoginResult = z.object({
  /** Derived from the session's token: the same on every instance, for as long as the session lives. */
  csrfToken: z.string(),
  ...signedIn,
});
export type CookieLoginResult = z.infer<typeof cookieLoginResult>;

/** `GET /auth/session`: the session that asked, still live; how a reloaded page finds its cookie session. */
export const currentSessionView = z.object({
  ...signedIn,
  /** How the request proved its session. */
  via: z.enum(SESSION_KINDS),
  /** The CSRF token of a cookie session (see `cookieLoginResult`); null for a bearer token, which needs none. */
  csrfToken: z.string().nullable(),
});
export type CurrentSessionView = z.infer<typeof currentSessionView>;

export const logoutAllResult = z.object({ revoked: z.number().int() });
export type LogoutAllResult = z.infer<typeof logoutAllResult>;

/** The signed-in person's account and what they may do right now. */
export const meView = z.object({
  user: userView,
  agency: z.object({
    id: z.uuid(),
    name: z.string(),
    sector: z.enum(AGENCY_SECTORS),
    status: z.enum(AGENCY_STATUSES),
    withdrawalEffectiveAt: timestamp.nullable(),
  }),
  session: sessionView,
  mfa: z.object({ enabled: z.boolean(), required: z.boolean() }),
  attestation: z.object({
    /** True while the current agreement version is not yet attested by this user. */
    required: z.boolean(),
    agreementVersionId: z.uuid().nullable(),
    agreementVersion: z.string().nullable(),
    /** The sharing advice the attestation covers. */
    adviceVersion: z.string(),
  }),
  /** Whether shared spaces are open to this session, and in the ISA's words why not. */
  access: z.object({ canShare: z.boolean(), reasons: z.array(z.string()) }),
});
export type MeView = z.infer<typeof meView>;

export const attestationView = z.object({
  id: z.uuid(),
  userId: z.uuid(),
  agreementVersionId: z.uuid(),
  adviceVersion: z.string(),
  attestedAt: timestamp,
});
export type AttestationView = z.infer<typeof attestationView>;

export const mfaEnrolment = z.object({
  /** Base32 TOTP secret to add to an authenticator app. */
  secret: z.string(),
  otpauthUrl: z.string(),
});
export type MfaEnrolment = z.infer<typeof mfaEnrolment>;

export const mfaEnabled = z.object({
  enabled: z.boolean(),
  /** Ten one-time recovery codes, shown only now. */
  recoveryCodes: z.array(z.string()),
});
export type MfaEnabled = z.infer<typeof mfaEnabled>;

/**
 * A one-time invitation token; stored by the server only as a hash. `emailed` says whether the invitation
 * also went to the person by e-mail (with a link to the web client's invitation page); when not, `emailNote`
 * says why, and the token is to be given to them by hand.
 */
export const invitationIssued = z.object({
  token: z.string(),
  expiresAt: timestamp,
  emailed: z.boolean(),
  emailNote: z.string().optional(),
});
export type InvitationIssued = z.infer<typeof invitationIssued>;

export const createdUser = z.object({ user: userView, invitation: invitationIssued });
export type CreatedUser = z.infer<typeof createdUser>;

/** The same answer for every address asked about, with or without an account. */
export const passwordResetRequested = z.object({ message: z.string() });
export type PasswordResetRequested = z.infer<typeof passwordResetRequested>;

/** A new password is set; every session of the account was ended. */
export const passwordResetDone = z.object({ email: z.string(), sessionsRevoked: z.number().int() });
export type PasswordResetDone = z.infer<typeof passwordResetDone>;

export const activatedUser = z.object({ user: userView });
export type ActivatedUser = z.infer<typeof activatedUser>;

export const disabledUser = z.object({ user: userView, sessionsRevoked: z.number().int() });
export type DisabledUser = z.infer<typeof disabledUser>;

/** A partner directory entry: only what a colleague needs to add someone to a channel. */
export const userDirectoryEntry = z.object({
  id: z.uuid(),
  displayName: z.string(),
  role: z.enum(ROLES),
  agencyId: z.uuid(),
  agencyName: z.string(),
});
export type UserDirectoryEntry = z.infer<typeof userDirectoryEntry>;

/** A device's public keys (base64url). Private keys never leave the client. */
export const deviceView = z.object({
  id: z.uuid(),
  userId: z.uuid(),
  label: z.string(),
  x25519PublicKey: z.string(),
  ed25519PublicKey: z.string(),
  createdAt: timestamp,
  revokedAt: timestamp.nullable(),
  /** The owner's identity key (protocol v2), or null if they have not published one yet. */
  identityPublicKey: z.string().nullable(),
  /** The owner's identity signature over this device; null while it waits for approval. */
  identitySignature: z.string().nullable(),
  /** When the server accepted a valid identity signature for it; null while it waits for approval. */
  approvedAt: timestamp.nullable(),
  approvedByDeviceId: z.uuid().nullable(),
  /** The identity seed sealed to this device when it was approved; only ever shown to its owner. */
  sealedIdentitySeed: z.string().nullable(),
});
export type DeviceView = z.infer<typeof deviceView>;

/** A person's identity key (protocol v2); its fingerprint is their safety number. */
export const identityView = z.object({
  userId: z.uuid(),
  identityPublicKey: z.string().nullable(),
  publishedAt: timestamp.nullable(),
});
export type IdentityView = z.infer<typeof identityView>;

export const stepUpView = z.object({ steppedUpUntil: timestamp });
export type StepUpView = z.infer<typeof stepUpView>;

/** An account whose sign-ins are being held back by failed attempts at its e-mail address. */
export const throttledAccountView = z.object({
  user: z.object({ id: z.uuid(), email: z.string(), displayName: z.string(), agencyId: z.uuid() }),
  /** Failed attempts still counted against the address (older ones are forgotten over time). */
  failures: z.number().int(),
  /** No attempt at the address goes ahead before then, except from a source that has not failed on it once the throttling has lasted the cap. */
  throttledUntil: timestamp,
  /** When this spell of throttling began. */
  throttledSince: timestamp,
});
export type ThrottledAccountView = z.infer<typeof throttledAccountView>;

/** A network address (or IPv6 /64 network) held back from signing in to any account. */
export const throttledSourceView = z.object({
  source: z.string(),
  failures: z.number().int(),
  throttledUntil: timestamp,
});
export type ThrottledSourceView = z.infer<typeof throttledSourceView>;

/** Sign-in throttling as it stands (ISA admins only). */
export const signInThrottlesView = z.object({
  accounts: z.array(throttledAccountView),
  sources: z.array(throttledSourceView),
  /** Throttled e-mail addresses that match no account: counted only, as they are kept only as hashes. */
  otherAddresses: z.number().int(),
});
export type SignInThrottlesView = z.infer<typeof signInThrottlesView>;

export const clearedSignInThrottle = z.object({
  userId: z.uuid(),
  /** False when the account had no failed attempts counted. */
  cleared: z.boolean(),
});
export type ClearedSignInThrottle = z.infer<typeof clearedSignInThrottle>;
