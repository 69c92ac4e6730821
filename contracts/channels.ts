import { z } from 'zod';
import { base64url, base64urlBytes, epochNumber, sealedView, timestamp } from './common.js';

/** Channels, members and key epochs. */
export const CHANNEL_KINDS = [
  'direct',
  'locality_meeting',
  'family_meeting',
  'professionals_meeting',
  'referral',
  /** One information request's conversation: made with the request, its members set by the request. */
  'information_request',
] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

export const MEMBER_ROLES = ['chair', 'member', 'observer'] as const;
export type MemberRole = (typeof MEMBER_ROLES)[number];

// ── requests ──

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
export type CreateChannelInput = z.infer<typeof createChannelSchema>;
/** What a client sends to create a channel (defaults not yet applied). */
export type CreateChannelRequest = z.input<typeof createChannelSchema>;

export const addMemberSchema = memberInput.extend({
  /** An observer's (auditor's) access ends here; shown to everyone in the channel. */
  endsAt: z.iso.datetime({ offset: true }).optional(),
});
export type AddMemberInput = z.infer<typeof addMemberSchema>;
/** What a client sends to add a member (defaults not yet applied). */
export type AddMemberRequest = z.input<typeof addMemberSchema>;

/** Title ciphertext: nonce ‖ XChaCha20-Poly1305 ciphertext under the new epoch's key. */
const titleCiphertext = base64urlBytes(24 + 16, 24 + 16 + 1024);

/**
 * An epoch key sent to one device: nonce(24) ‖ crypto_box from the sender's device of
 * version ‖ channel ‖ epoch ‖ recipient ‖ sender ‖ key (85 bytes), docs/protocol.md.
 */
const ENVELOPE_BYTES = 24 + 16 + 85;
const epochEnvelope = z.strictObject({ deviceId: z.uuid(), sealed: base64urlBytes(ENVELOPE_BYTES, ENVELOPE_BYTES) });

export const openEpochSchema = z.strictObject({
  epoch: epochNumber,
  openerDeviceId: z.uuid(),
  /** The opener's Ed25519 signature over the announcement (channel, epoch, recipients, withheld, commitment). */
  signature: base64url(64),
  /** BLAKE2b-256 of a fixed label keyed with the epoch key: lets each member check the key they open. */
  commitment: base64url(32),
  /** One envelope per current member device, except those withheld. */
  envelopes: z.array(epochEnvelope).min(1).max(5000),
  /** Member devices the opener's client refused (identity changed, not approved): no key, visibly. */
  withheld: z.array(z.uuid()).max(5000).default([]),
  title: titleCiphertext.optional(),
});
export type OpenEpochInput = z.infer<typeof openEpochSchema>;

export const keysQuery = z.strictObject({
  deviceId: z.uuid(),
  fromEpoch: z.coerce.number().int().min(0).default(0),
});
export type KeysQuery = z.infer<typeof keysQuery>;

export const shareHistorySchema = z.strictObject({
  fromDeviceId: z.uuid(),
  envelopes: z
    .array(
      z.strictObject({
        epoch: z.number().int().min(1),
        deviceId: z.uuid(),
        sealed: base64urlBytes(ENVELOPE_BYTES, ENVELOPE_BYTES),
      }),
    )
    .min(1)
    .max(5000),
});
export type ShareHistoryInput = z.infer<typeof shareHistorySchema>;

/**
 * Moves the caller's read position in a channel forward to `seq` (never back). A `seq` after the
 * channel's last message is refused: no client has seen a message the server has not numbered yet.
 */
export const markReadSchema = z.strictObject({
  seq: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
});
export type MarkReadInput = z.infer<typeof markReadSchema>;

/**
 * The keys a channel's case record needs (family details, minutes, actions, the plan), given to a newcomer's
 * devices by a member who holds them: only epochs that live records reference (`GET …/record-epochs`).
 */
export const shareRecordKeysSchema = shareHistorySchema;
export type ShareRecordKeysInput = ShareHistoryInput;

// ── responses ──

/** A device that should hold the current epoch key: an active device of a member whose agency can share. */
export const memberDeviceView = z.object({
  deviceId: z.uuid(),
  userId: z.uuid(),
  x25519PublicKey: z.string(),
  ed25519PublicKey: z.string(),
  /** The owner's identity key and its signature over this device (protocol v2): clients check both. */
  identityPublicKey: z.string(),
  identitySignature: z.string(),
});
export type MemberDeviceView = z.infer<typeof memberDeviceView>;

/**
 * The other person of a direct channel, so a client can name the conversation without its keys (a
 * channel's title is sealed). Kept after they leave (or their account is disabled): `memberCount` says
 * whether they are still in it.
 */
export const directPeerView = z.object({
  userId: z.uuid(),
  displayName: z.string(),
  agencyId: z.uuid(),
  agencyName: z.string(),
});
export type DirectPeerView = z.infer<typeof directPeerView>;

/**
 * Unread counts stop here. Counting walks the unread messages, so a channel left unread for months would
 * slow every load of the list; past this a client shows "99+" rather than a number.
 */
export const UNREAD_COUNT_MAX = 100;

/**
 * Where a member has read up to, per person (not per device). `readSeq` is the highest sequence number
 * they have marked read; messages up to where their need-to-know window starts count as read.
 * `unreadCount` counts the messages after it that they may read: from other people, not deleted, not
 * expired; at most UNREAD_COUNT_MAX.
 */
const readState = {
  readSeq: z.number().int(),
  unreadCount: z.number().int(),
};

export const channelSummary = z.object({
  id: z.uuid(),
  kind: z.enum(CHANNEL_KINDS),
  myRole: z.enum(MEMBER_ROLES),
  currentEpoch: z.number().int(),
  /** The stored flag only (GET /channels/:id also applies the epoch's age and message limits). */
  rotationRequired: z.boolean(),
  lastSeq: z.number().int(),
  ...readState,
  memberCount: z.number().int(),
  title: sealedView.nullable(),
  /** For a `direct` channel, the other person; null for every other kind. */
  directWith: directPeerView.nullable(),
  createdAt: timestamp,
});
export type ChannelSummary = z.infer<typeof channelSummary>;

/** Why new content is limited to some agencies (a family's consent to share withdrawn). */
export const sharingRestriction = z.object({
  reason: z.string(),
  message: z.string(),
  agencyIds: z.array(z.uuid()),
});
export type SharingRestriction = z.infer<typeof sharingRestriction>;

export const channelMemberView = z.object({
  userId: z.uuid(),
  displayName: z.string(),
  agencyId: z.uuid(),
  agencyName: z.string(),
  role: z.enum(MEMBER_ROLES),
  joinedAt: timestamp,
  /** An observer's end date, or null. */
  endsAt: timestamp.nullable(),
  /** The member's devices that hold (or should hold) the current epoch key. */
  devices: z.array(memberDeviceView),
});
export type ChannelMemberView = z.infer<typeof channelMemberView>;

/** Someone who was a member: until when, and why they are no longer (removed, left, membership_ended…). */
export const formerMemberView = z.object({
  userId: z.uuid(),
  displayName: z.string(),
  agencyName: z.string(),
  role: z.enum(MEMBER_ROLES),
  joinedAt: timestamp,
  endedAt: timestamp,
  reason: z.string(),
});
export type FormerMemberView = z.infer<typeof formerMemberView>;

export const channelView = z.object({
  id: z.uuid(),
  kind: z.enum(CHANNEL_KINDS),
  owningAgencyId: z.uuid(),
  retentionDays: z.number().int(),
  currentEpoch: z.number().int(),
  epochOpenedAt: timestamp.nullable(),
  /** The current epoch may not be used for new content: a membership change or its age or message limit. */
  rotationRequired: z.boolean(),
  rotationReason: z.string().nullable(),
  lastSeq: z.number().int(),
  ...readState,
  title: sealedView.nullable(),
  createdAt: timestamp,
  sharingRestriction: sharingRestriction.nullable(),
  members: z.array(channelMemberView),
  /** The member list's history: everyone who has left it, most recent first. */
  formerMembers: z.array(formerMemberView),
});
export type ChannelView = z.infer<typeof channelView>;

/** GET /channels/:id/devices: the devices the next epoch key must be sealed to, exactly. */
export const channelDevicesView = z.object({
  currentEpoch: z.number().int(),
  rotationRequired: z.boolean(),
  devices: z.array(memberDeviceView),
});
export type ChannelDevicesView = z.infer<typeof channelDevicesView>;

/**
 * A member's read position after `POST /channels/:id/read`, and the `channel.read` event that tells
 * their other sockets (tabs, devices) about it.
 */
export const readPositionView = z.object({ channelId: z.uuid(), ...readState });
export type ReadPositionView = z.infer<typeof readPositionView>;

/** An epoch opened: its number and how many devices got its key. */
export const openedEpochView = z.object({ epoch: z.number().int(), recipients: z.number().int() });
export type OpenedEpochView = z.infer<typeof openedEpochView>;

/** An epoch key sealed to one device, with the epoch's signed announcement to check it against. */
export const epochKeyView = z.object({
  epoch: z.number().int(),
  sealed: z.string(),
  /** The device that shared this older epoch (history share); null when it came with the epoch. */
  sharedByDeviceId: z.uuid().nullable(),
  openerDeviceId: z.uuid(),
  recipientDeviceIds: z.array(z.uuid()),
  withheldDeviceIds: z.array(z.uuid()),
  commitment: z.string(),
  signature: z.string(),
  openedAt: timestamp,
  /** The first sequence number sent in this epoch. */
  firstSeq: z.number().int(),
});
export type EpochKeyView = z.infer<typeof epochKeyView>;

/** A history share: how many envelopes were new (one already held is not stored twice). */
export const historyShareView = z.object({ shared: z.number().int() });

/** The epochs whose keys the channel's live sealed records need, oldest first. */
export const recordEpochsView = z.object({ epochs: z.array(z.number().int()) });
export type RecordEpochsView = z.infer<typeof recordEpochsView>;
export type HistoryShareView = z.infer<typeof historyShareView>;
