import type { ReadPositionView } from './channels.js';
import type { Ack } from './errors.js';
import type { InformationRequestState } from './information-requests.js';
import type { NotificationView } from './notifications.js';
import type { RealtimeMessage, SocketSendInput, StoredMessageView } from './messages.js';

/**
 * The socket.io contract of `/rt` (DESIGN.md §7), used as socket.io's type parameters on both sides:
 * `Namespace<ClientToServerEvents, ServerToClientEvents>` on the server, `Socket<ServerToClientEvents,
 * ClientToServerEvents>` in the SDK. Payloads carry identifiers, sequence numbers and, for the fast
 * path, a message's ciphertext; never plaintext.
 */
export interface ServerEventPayloads {
  'message.new': { channelId: string; message: RealtimeMessage };
  /**
   * Several messages of one channel stored together, in sequence order: the same as one `message.new`
   * for each, in one frame (the SDK's `RealtimeConnection` hands them to `message.new` listeners one by
   * one). Sent instead of `message.new` whenever one commit stored more than one for the same listeners.
   */
  'messages.new': { channelId: string; messages: RealtimeMessage[] };
  /** A message was deleted by its sender: its place in the sequence stays, its content is gone. */
  'message.deleted': { channelId: string; seq: number };
  'message.expired': { channelId: string; seqs: number[] };
  /**
   * The server destroyed its copies of these epochs' keys: every message under them has expired and no
   * live or held record needs them. Clients drop the keys they hold too.
   */
  'keys.spent': { channelId: string; epochs: number[] };
  'channel.rotation_required': { channelId: string; reason: string };
  /**
   * The person's own read position in a channel moved (from this tab, another, or another device): sent
   * to that person's sockets only. Positions only move forward; keep the highest `readSeq` heard.
   */
  'channel.read': ReadPositionView;
  /** `endsAt`: an observer's (auditor's) end date, shown to every member. */
  'member.added': { channelId: string; userId: string; role: string; endsAt?: string };
  'member.removed': { channelId: string; userId: string; reason: string };
  'minutes.updated': { channelId: string; meetingId: string };
  /** Also a reminder to the owner, once each: `due_soon` (within two days) and `overdue`. */
  'action.updated': { channelId: string; actionId: string; reminder?: 'due_soon' | 'overdue' };
  /**
   * A referral changed (submitted, claimed, rated, shared, decided, closed) or falls due: to its channel,
   * the hub's workers and the referrer, who then reads what they may (`GET /referrals/:id`).
   */
  'referral.updated': {
    referralId: string;
    ref: string | null;
    state: string;
    reminder?: 'due_soon' | 'overdue';
  };
  /**
   * An information request changed state, or was assigned: to its conversation's members. Also sent once,
   * with `reminder: 'overdue'`, to both sides (and the asked agency's admins) when it passes its due time
   * unanswered.
   */
  'information_request.updated': {
    channelId: string;
    requestId: string;
    state: InformationRequestState;
    reminder?: 'overdue';
  };
  /** A new notification for this person (also in `GET /notifications` until read). */
  notification: NotificationView;
  /** This socket's session ended (revoked, signed out everywhere, account disabled, agency withdrawn). */
  'session.revoked': { reason: string };
  /**
   * The server is closing this connection, not the session: `rate_limited` (it sent too much, too fast)
   * or `shutting_down` (this instance is stopping: connect again, to it or another).
   */
  'connection.closing': { reason: 'rate_limited' | 'shutting_down' };
}
export type ServerEventName = keyof ServerEventPayloads;

/** What the server emits, in the shape socket.io's typings want. */
export type ServerToClientEvents = { [E in ServerEventName]: (payload: ServerEventPayloads[E]) => void };

/** What a client may emit; each is acknowledged with data or the same error body HTTP would send. */
export interface ClientToServerEvents {
  'message.send': (payload: SocketSendInput, ack: (result: Ack<StoredMessageView>) => void) => void;
}
