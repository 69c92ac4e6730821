/** Channels, members and key epochs. */
export const CHANNEL_KINDS = [
  'direct',
  'locality_meeting',
  'family_meeting',
  'professionals_meeting',
  'referral',
] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

export const MEMBER_ROLES = ['chair', 'member', 'observer'] as const;
export type MemberRole = (typeof MEMBER_ROLES)[number];
