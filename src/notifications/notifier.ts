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

/** The instance-to-instance event that carries a batch of new messages (never sent to a client). */
const NEW_MESSAGES = 'strongroom:new-messages';
/** The instance-to-instance events (never sent to a client). */
interface InterServerEvents {
  [NEW_MESSAGES]: (items: NewMessage[]) => void;
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

  /** Called by the gateway once the `/rt` namespace exists. */
  bind(nsp: RtNamespace): void {
    this.nsp = nsp;
    nsp.on(NEW_MESSAGES, (items: NewMessage[]) => this.safely(() => this.deliverLocally(items)));
  }

  /**
   * Messages one group commit stored: this instance's sockets hear at once, and the other instances
   * get the whole batch in one publication (one NOTIFY, or one Redis message) rather than one each.
   */
  newMessages(items: NewMessage[]): void {
    if (!this.nsp || !items.length) return;
    this.safely(() => this.deliverLocally(items));
    this.safely(() => this.nsp?.serverSideEmit(NEW_MESSAGES, items));
  }

  private deliverLocally(items: NewMessage[]): void {
    for (const item of items) this.nsp?.local.to(channelRoom(item.channelId)).emit('message.new', item);
  }

  toChannel<E extends ServerEventName>(channelId: string, event: E, payload: ServerEventPayloads[E]): void {
    this.nsp?.to(channelRoom(channelId)).emit(event, ...([payload] as Parameters<ServerToClientEvents[E]>));
  }

  toUser<E extends ServerEventName>(userId: string, event: E, payload: ServerEventPayloads[E]): void {
    this.nsp?.to(userRoom(userId)).emit(event, ...([payload] as Parameters<ServerToClientEvents[E]>));
  }

  /** Puts every socket of a user into a channel's room (after they were added as a member). */
  joinChannel(userId: string, channelId: string): void {
    this.safely(() => this.nsp?.in(userRoom(userId)).socketsJoin(channelRoom(channelId)));
  }

  /** Takes every socket of a user out of a channel's room: they hear nothing more from it. */
  leaveChannel(userId: string, channelId: string): void {
    this.safely(() => this.nsp?.in(userRoom(userId)).socketsLeave(channelRoom(channelId)));
  }

  /** Cuts every socket of a user (disabled leaver, withdrawn agency), on every instance. */
  disconnectUser(userId: string, reason: string): void {
    this.safely(() => {
      this.nsp?.to(userRoom(userId)).emit('session.revoked', { reason });
      this.nsp?.in(userRoom(userId)).disconnectSockets(true);
    });
  }

  disconnectSessions(sessionIds: string[], reason: string): void {
    for (const id of sessionIds) {
      this.safely(() => {
        this.nsp?.to(sessionRoom(id)).emit('session.revoked', { reason });
        this.nsp?.in(sessionRoom(id)).disconnectSockets(true);
      });
    }
  }

  private safely(fn: () => unknown): void {
    try {
      fn();
    } catch (err) {
      this.logger.warn({ err }, 'real-time notification failed');
    }
  }
}
