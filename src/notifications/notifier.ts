import { Injectable, Logger } from '@nestjs/common';
import type { Namespace } from 'socket.io';
import type {
  ClientToServerEvents,
  ServerEventName,
  ServerEventPayloads,
  ServerToClientEvents,
} from '../../contracts/realtime.js';
import { channelRoom, sessionRoom, userRoom } from './realtime-events.js';

export type NewMessage = ServerEventPayloads['message.new'];

/**
 * At most this much ciphertext (base64url characters) in one `messages.new` frame; a larger run goes in
 * several. A batch holds at most SEND_BATCH_MAX messages, each at most MESSAGE_MAX_BYTES.
 */
export const FRAME_CIPHERTEXT_MAX = 256 * 1024;

/** One frame of new messages: a channel's messages in sequence order, for the same listeners. */
export interface NewMessagesFrame<K> {
  channelId: string;
  /** Who must not hear it (the socket the messages came over), the same for all of them. */
  key: K;
  messages: NewMessage['message'][];
}

/**
 * The frames that carry a commit's new messages: each channel's messages, in the order given (sequence
 * order), in runs that share `key`, each cut at FRAME_CIPHERTEXT_MAX. One frame to each listener instead of
 * one per message: the fan-out to a channel's members is most of a send's cost once many are sent at once.
 * A channel's frames come out in its sequence order, so a listener never hears a later message first.
 */
export function framesOf<K>(sent: readonly { item: NewMessage; key: K }[]): NewMessagesFrame<K>[] {
  const frames: NewMessagesFrame<K>[] = [];
  const open = new Map<string, { frame: NewMessagesFrame<K>; size: number }>();
  for (const { item, key } of sent) {
    const size = item.message.ciphertext.length;
    const current = open.get(item.channelId);
    if (current && current.frame.key === key && current.size + size <= FRAME_CIPHERTEXT_MAX) {
      current.frame.messages.push(item.message);
      current.size += size;
      continue;
    }
    const frame = { channelId: item.channelId, key, messages: [item.message] };
    frames.push(frame);
    open.set(item.channelId, { frame, size });
  }
  return frames;
}

/** The instance-to-instance event that carries a batch of new messages (never sent to a client). */
const NEW_MESSAGES = 'strongroom:new-messages';
/** Any other event for a channel's members, delivered by each instance to its own sockets. */
const CHANNEL_EVENT = 'strongroom:channel-event';
/** Access may have changed for these users (or everyone): each instance checks its sockets again. */
const ACCESS_CHANGED = 'strongroom:access-changed';
/** Sockets in a room lost their session: each instance tells its own why, then cuts them. */
const CUT = 'strongroom:cut';
/** The instance-to-instance events (never sent to a client). */
interface InterServerEvents {
  [NEW_MESSAGES]: (items: NewMessage[]) => void;
  [CHANNEL_EVENT]: (e: { channelId: string; event: ServerEventName; payload: unknown }) => void;
  [ACCESS_CHANGED]: (userIds: string[] | 'all') => void;
  [CUT]: (e: { rooms: string[]; reason: string }) => void;
}

/**
 * The rule every delivery to a channel's members follows (src/realtime/live-access.ts): which of this
 * instance's sockets in the channel's room must not hear it now, and what to do when access may have
 * changed. Without one (before the gateway starts) every socket in the room hears it.
 */
export interface DeliveryRule {
  excluded(channelId: string, socketIds: Iterable<string>): string[];
  accessChanged(userIds: readonly string[] | 'all'): Promise<void>;
}
type RtNamespace = Namespace<ClientToServerEvents, ServerToClientEvents, InterServerEvents>;

/**
 * Tells connected clients what changed, on every instance (the socket.io adapter carries each call to
 * the others). Real time is only the fast path: clients catch up by sequence number, so a lost
 * notification delays, never loses. Every call is best-effort and never throws into a request.
 */
@Injectable()
export class Notifier {
  private readonly logger = new Logger(Notifier.name);
  private nsp: RtNamespace | null = null;
  private rule: DeliveryRule | null = null;
  /** When bind ran (performance.now()): an instance is not taken to be alone before it has heard its peers. */
  private boundAt = 0;

  /** Called by the gateway once the `/rt` namespace exists. */
  bind(nsp: RtNamespace): void {
    this.nsp = nsp;
    this.boundAt = performance.now();
    nsp.on(NEW_MESSAGES, (items: NewMessage[]) => this.safely(() => this.deliverLocally(items)));
    nsp.on(CHANNEL_EVENT, (e: { channelId: string; event: ServerEventName; payload: unknown }) =>
      this.safely(() => this.toChannelLocally(e.channelId, e.event, e.payload)),
    );
    nsp.on(ACCESS_CHANGED, (userIds: string[] | 'all') => this.safely(() => this.rule?.accessChanged(userIds)));
    nsp.on(CUT, (e: { rooms: string[]; reason: string }) => this.safely(() => this.cutLocally(e.rooms, e.reason)));
  }

  /** Called once by LiveAccess: who may hear a channel's events on this instance. */
  useDeliveryRule(rule: DeliveryRule): void {
    this.rule = rule;
  }

  /**
   * Access may have changed for these users, or for everyone (an agreement version published, a
   * withdrawal notice): every instance checks its sockets of theirs again at once.
   */
  accessChanged(userIds: string[] | 'all'): void {
    this.safely(() => void this.rule?.accessChanged(userIds));
    this.safely(() => this.nsp?.serverSideEmit(ACCESS_CHANGED, userIds));
  }

  /**
   * This instance's sockets in the channel's room that may hear it now (and not `also`), as a broadcast
   * operator.
   */
  private localAudience(channelId: string, also: string[] = []) {
    const nsp = this.nsp!;
    const room = channelRoom(channelId);
    const excluded = [...(this.rule?.excluded(channelId, nsp.adapter.rooms.get(room) ?? []) ?? []), ...also];
    return excluded.length ? nsp.local.to(room).except(excluded) : nsp.local.to(room);
  }

  /**
   * Messages one group commit stored: this instance's sockets hear at once, a channel's several in one
   * `messages.new` frame (framesOf), and the other instances get the whole batch in one publication (one
   * NOTIFY, or one Redis message) rather than one each.
   * The socket a message came over is not sent it back: its acknowledgement carries the stored message
   * (the SDK hands it to its own subscriptions). The sender's other devices and sockets hear it as anyone.
   */
  newMessages(sent: { item: NewMessage; senderSocketId?: string }[]): void {
    if (!this.nsp || !sent.length) return;
    this.safely(() => {
      for (const frame of framesOf(sent.map((s) => ({ item: s.item, key: s.senderSocketId })))) {
        this.emitNew(frame.channelId, frame.messages, frame.key ? [frame.key] : []);
      }
    });
    if (this.alone()) return;
    this.safely(() =>
      this.nsp?.serverSideEmit(
        NEW_MESSAGES,
        sent.map((s) => s.item),
      ),
    );
  }

  /**
   * Whether no other instance is listening, so that a batch of new messages need not be published (the
   * hot path: with the PostgreSQL adapter each publication is a NOTIFY, and over 8 KB a row of
   * socket_io_attachments besides, read back by this very instance). The PostgreSQL adapter
   * (socket.io-adapter's ClusterAdapterWithHeartbeat) keeps in `nodesMap` the instances it has heard
   * from in the last heartbeat timeout. An instance that starts announces itself at once, so those
   * already running know it before it serves a socket; it learns of them from their answer, or at the
   * latest from their next heartbeat, so it never counts itself alone in its first two heartbeat
   * intervals. Any other adapter (Redis, or one without the field) is never taken to be alone. A
   * notification missed all the same only delays: clients catch up by sequence number. Rarer events
   * (access changes, cuts, channel events) are always published.
   */
  private alone(): boolean {
    const adapter = this.nsp?.adapter as { nodesMap?: unknown; _opts?: { heartbeatInterval?: unknown } } | undefined;
    const nodes = adapter?.nodesMap;
    if (!(nodes instanceof Map) || nodes.size > 0) return false;
    const interval = adapter?._opts?.heartbeatInterval;
    return performance.now() - this.boundAt > 2 * (typeof interval === 'number' ? interval : 5000) + 500;
  }

  private deliverLocally(items: NewMessage[]): void {
    if (!this.nsp) return;
    for (const frame of framesOf(items.map((item) => ({ item, key: null })))) {
      this.emitNew(frame.channelId, frame.messages);
    }
  }

  /** One frame of a channel's new messages to this instance's sockets that may hear it (not `also`). */
  private emitNew(channelId: string, messages: NewMessage['message'][], also: string[] = []): void {
    const audience = this.localAudience(channelId, also);
    if (messages.length === 1) audience.emit('message.new', { channelId, message: messages[0] });
    else audience.emit('messages.new', { channelId, messages });
  }

  /** An event for a channel's members, on every instance, to the sockets that may hear the channel now. */
  toChannel<E extends ServerEventName>(channelId: string, event: E, payload: ServerEventPayloads[E]): void {
    if (!this.nsp) return;
    this.safely(() => this.toChannelLocally(channelId, event, payload));
    this.safely(() => this.nsp?.serverSideEmit(CHANNEL_EVENT, { channelId, event, payload }));
  }

  private toChannelLocally(channelId: string, event: ServerEventName, payload: unknown): void {
    if (!this.nsp) return;
    this.localAudience(channelId).emit(event, ...([payload] as Parameters<ServerToClientEvents[typeof event]>));
  }

  /** An event for every socket of one person, on every instance (their own read position, reminders). */
  toUser<E extends ServerEventName>(userId: string, event: E, payload: ServerEventPayloads[E]): void {
    this.safely(() =>
      this.nsp?.to(userRoom(userId)).emit(event, ...([payload] as Parameters<ServerToClientEvents[E]>)),
    );
  }

  /**
   * Puts every socket of a user into a channel's room (after they were added as a member). This
   * instance's sockets join at once, so an event sent straight after (`member.added`, the event of what
   * brought them in) reaches them: the cluster adapter joins its own sockets only after it has published
   * the join to the other instances, which is too late for an emit in the same tick.
   */
  joinChannel(userId: string, channelId: string): void {
    this.safely(() => this.nsp?.local.in(userRoom(userId)).socketsJoin(channelRoom(channelId)));
    this.safely(() => this.nsp?.in(userRoom(userId)).socketsJoin(channelRoom(channelId)));
  }

  /** Takes every socket of a user out of a channel's room: they hear nothing more from it. */
  leaveChannel(userId: string, channelId: string): void {
    this.safely(() => this.nsp?.in(userRoom(userId)).socketsLeave(channelRoom(channelId)));
  }

  /** Cuts every socket of a user (disabled leaver, withdrawn agency), on every instance. */
  disconnectUser(userId: string, reason: string): void {
    this.cut([userRoom(userId)], reason);
  }

  /** Cuts every socket of these sessions (signed out, revoked), on every instance. */
  disconnectSessions(sessionIds: string[], reason: string): void {
    this.cut(sessionIds.map(sessionRoom), reason);
  }

  /**
   * Each instance tells its own sockets in the rooms `session.revoked`, then cuts them. Through the adapter
   * an emit and a disconnect each wait for their own publication, so the disconnect could overtake the
   * emit on this very instance and the socket would be cut without hearing why: done locally, the event is
   * on the wire before the connection closes.
   */
  private cut(rooms: string[], reason: string): void {
    if (!this.nsp || !rooms.length) return;
    this.safely(() => this.cutLocally(rooms, reason));
    this.safely(() => this.nsp?.serverSideEmit(CUT, { rooms, reason }));
  }

  private cutLocally(rooms: string[], reason: string): void {
    if (!this.nsp) return;
    this.nsp.local.to(rooms).emit('session.revoked', { reason });
    this.nsp.local.in(rooms).disconnectSockets(true);
  }

  private safely(fn: () => unknown): void {
    try {
      fn();
    } catch (err) {
      this.logger.warn({ err }, 'real-time notification failed');
    }
  }
}
