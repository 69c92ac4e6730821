import { z } from 'zod';

/**
 * Every error code the server sends, in `{"error":{"code", "message", "details"}}` (DESIGN.md §7). The
 * server's `AppError` takes only these, and the SDK's `StrongroomApiError.code` is typed with them, so a
 * misspelt code fails the build on either side. The HTTP status stays at the throw site (one code,
 * `lead_worker_role`, is a 403 when the wrong kind of person opens a family and a 409 when the named
 * successor is not eligible).
 */
export const ERROR_CODES = [
  // generic, from the error filter (status-derived codes and body parsing)
  'bad_request',
  'unauthorized',
  'forbidden',
  'not_found',
  'method_not_allowed',
  'conflict',
  'payload_too_large',
  'unsupported_media_type',
  'rate_limited',
  'malformed_json',
  'validation_failed',
  'internal_error',
  'not_ready',
  // the client says it speaks an API version older than this server still serves: update the client
  'client_outdated',
  // the database cannot be used just now (down, restarting, unreachable): 503 with Retry-After; try again
  'service_unavailable',
  // sign-in, sessions and two-factor authentication
  'unauthenticated',
  'invalid_session',
  'session_expired',
  'invalid_credentials',
  'account_disabled',
  'too_many_attempts',
  'mfa_required',
  'invalid_mfa_code',
  'mfa_enrolment_required',
  'mfa_already_enabled',
  'mfa_not_started',
  'invitation_invalid',
  'password_reset_invalid',
  'weak_password',
  'attestation_required',
  // a web page's cookie session: a change asked for without its CSRF token, or by another site
  'csrf_token_required',
  'csrf_token_invalid',
  'foreign_origin',
  // the audit log: this server signs no heads (its operator has not set AUDIT_SIGNING_KEY)
  'audit_heads_off',
  // retention: releasing a legal hold that was released already
  'hold_released',
  // agencies, agreements and users
  'agency_not_signed',
  'agency_exists',
  'agency_withdrawn',
  'agreement_version_exists',
  'no_agreement',
  'not_current_agreement',
  'email_taken',
  'user_not_active',
  'already_disabled',
  'cannot_disable_self',
  'forbidden_role',
  'role_not_grantable',
  'role_not_manageable',
  'other_agency',
  // devices
  'device_exists',
  'already_revoked',
  'not_your_device',
  'invalid_signature',
  'invalid_public_key',
  'step_up_required',
  'identity_exists',
  'identity_missing',
  'already_approved',
  // channels and keys
  'not_a_member',
  'membership_ended',
  'already_member',
  'chair_only',
  'observer_read_only',
  'direct_channel',
  'direct_exists',
  'title_required',
  'not_a_channel_member',
  'not_a_member_device',
  'membership_changed',
  'epoch_exists',
  'epoch_gap',
  'epoch_stale',
  'epoch_not_held',
  'not_a_record_epoch',
  'record_exists',
  // messages
  'message_too_large',
  'client_message_id_reused',
  'message_out_of_order',
  'not_your_message',
  // families and consent
  'lead_worker_only',
  'lead_worker_role',
  'already_lead',
  'no_sharing_basis',
  'consent_withdrawn',
  'consent_not_given',
  'not_dea_s35_partner',
  // meetings, minutes, actions and the plan
  'wrong_channel_kind',
  'not_invited',
  'minute_taker_only',
  'invalid_status',
  'minutes_conflict',
  'minutes_locked',
  'no_minutes',
  'amendment_conflict',
  'not_action_owner',
  'no_change',
  'no_plan',
  'plan_conflict',
  // referrals (the MASH hub)
  'no_mash_hub',
  'mash_hub_exists',
  'hub_only',
  'not_the_referrer',
  'referral_state',
  'concern_category',
  'not_screened',
  'no_consent_to_share',
  'referral_channel',
  'role_not_allowed',
  // encrypted file attachments
  'too_large',
  'not_your_attachment',
  'attachment_incomplete',
  'attachment_size_mismatch',
  'attachment_complete',
  'attachment_not_ready',
  'chunk_conflict',
  // information requests between agencies
  'not_request_answerer',
  'requester_only',
  'explanation_required',
  'no_agency_admin',
  'request_channel',
  'metrics_token_required',
  // time-limited audit access
  'grant_decided',
  'grant_not_live',
  'own_grant',
  // the subject-access register
  'received_in_future',
  'already_extended',
  'request_not_open',
  'consult_own_agency',
  'consultation_exists',
  'consultation_done',
  // leavers and withdrawals: hand-over
  'not_leaving',
  'not_held_by_leaver',
  // localities (the areas of the partnership)
  'locality_exists',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** The codes after which the SDK opens a new key epoch and tries again (DESIGN.md §3, rotation). */
export const ROTATE_AND_RETRY_CODES = [
  'epoch_stale',
  'membership_changed',
  'epoch_exists',
] as const satisfies readonly ErrorCode[];

export const errorBody = z.object({
  error: z.object({
    code: z.enum(ERROR_CODES),
    message: z.string(),
    details: z.record(z.string(), z.unknown()).optional(),
  }),
});
/** The one error shape of every endpoint and every refused socket event. */
export type ErrorBody = z.infer<typeof errorBody>;

/** A socket event's acknowledgement: the data, or the refusal with the status HTTP would have used. */
export type Ack<T> = { ok: true; data: T } | { ok: false; status: number; error: ErrorBody['error'] };
