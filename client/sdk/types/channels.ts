/** Shapes of the server's responses (channels), as the SDK exposes them. Dates arrive as ISO strings. */
export type ChannelKind = 'direct' | 'locality_meeting' | 'family_meeting' | 'professionals_meeting' | 'referral';
export type MemberRole = 'chair' | 'member' | 'observer';

export interface MemberDeviceView {
  deviceId: string;
  userId: string;
  x25519PublicKey: string;
  ed25519PublicKey: string;
}

export interface ChannelSummary {
  id: string;
  kind: ChannelKind;
  myRole: MemberRole;
  currentEpoch: number;
  rotationRequired: boolean;
  lastSeq: number;
  memberCount: number;
  title: { epoch: number; ciphertext: string } | null;
  createdAt: string;
}

export interface ChannelView {
  id: string;
  kind: ChannelKind;
  owningAgencyId: string;
  retentionDays: number;
  currentEpoch: number;
  epochOpenedAt: string | null;
  rotationRequired: boolean;
  rotationReason: string | null;
  lastSeq: number;
  title: { epoch: number; ciphertext: string } | null;
  createdAt: string;
  /** Why new content is limited to some agencies (a family's consent to share withdrawn), or null. */
  sharingRestriction: { reason: string; message: string; agencyIds: string[] } | null;
  members: {
    userId: string;
    displayName: string;
    agencyId: string;
    agencyName: string;
    role: MemberRole;
    joinedAt: string;
    endsAt: string | null;
    devices: MemberDeviceView[];
  }[];
}

export interface EpochKeyView {
  epoch: number;
  sealed: string;
  sharedByDeviceId: string | null;
  openerDeviceId: string;
  recipientDeviceIds: string[];
  signature: string;
  openedAt: string;
  firstSeq: number;
}

/** A message as the server stores and sends it: ciphertext and the header fields in clear. */
