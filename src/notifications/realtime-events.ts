/**
 * The compile-time contract for socket events (DESIGN.md §7): what the server emits on `/rt`, and the
 * payload of each. The SDK has the same map (client/sdk/transport/realtime.ts); keep them in step.
 * Payloads carry identifiers and sequence numbers, and a message's ciphertext for the fast path;
 * never plaintext.
 */
export interface ServerEventMap {
  'message.new': {
    channelId: string;
    message: {
      id: string;
      seq: number;
      epoch: number;
      senderUserId: string;
      senderDeviceId: string;
      clientMessageId: string;
      nonce: string;
      ciphertext: string;
      signature: string;
      createdAt: string;
      expiresAt: string;
    };
  };
  'message.deleted': { channelId: string; seq: number };
  'message.expired': { channelId: string; seqs: number[] };
  'channel.rotation_required': { channelId: string; reason: string };
  'member.added': { channelId: string; userId: string; role: string };
  'member.removed': { channelId: string; userId: string; reason: string };
  'minutes.updated': { channelId: string; meetingId: string };
  /** Also a reminder to the owner, once each: `due_soon` (within two days) and `overdue`. */
  'action.updated': { channelId: string; actionId: string; reminder?: 'due_soon' | 'overdue' };
  'referral.updated': { referralId: string };
  'session.revoked': { reason: string };
}
export type ServerEvent = keyof ServerEventMap;

export const channelRoom = (channelId: string) => `channel:${channelId}`;
export const userRoom = (userId: string) => `user:${userId}`;
export const sessionRoom = (sessionId: string) => `session:${sessionId}`;
