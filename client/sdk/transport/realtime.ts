import { io, type Socket } from 'socket.io-client';
import type { RealtimeMessage } from '../types.js';
import { StrongroomApiError } from './http.js';

/** What the server emits on `/rt` (mirrors src/notifications/realtime-events.ts). */
export interface RealtimeEventMap {
  'message.new': { channelId: string; message: RealtimeMessage };
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
export type RealtimeEvent = keyof RealtimeEventMap;

type Ack<T> =
  | { ok: true; data: T }
  | { ok: false; status: number; error: { code: string; message: string; details?: Record<string, unknown> } };

/**
 * The socket.io connection to `/rt`. The token goes in the handshake; the server decides the rooms.
 * Reconnects by itself; listeners of `connected` hear every (re)connection, which is when a client
 * catches up by sequence number.
 */
export class RealtimeConnection {
  readonly socket: Socket;

  constructor(
    serverUrl: string,
    readonly token: string,
    opts: { reconnection?: boolean } = {},
  ) {
    this.socket = io(`${serverUrl.replace(/\/+$/, '')}/rt`, {
      auth: { token },
      transports: ['websocket'],
      reconnection: opts.reconnection ?? true,
      reconnectionDelay: 200,
      reconnectionDelayMax: 5000,
      autoConnect: false,
    });
  }

  /** Connects, resolving once admitted or rejecting with the server's refusal (same codes as HTTP). */
  connect(): Promise<void> {
    return new Promise((resolve, reject) => {
      const ok = () => {
        this.socket.off('connect_error', fail);
        resolve();
      };
      const fail = (err: Error & { data?: { error?: { code: string; message: string } } }) => {
        this.socket.off('connect', ok);
        const e = err.data?.error;
        reject(e ? new StrongroomApiError(401, e.code, e.message) : err);
      };
      this.socket.once('connect', ok);
      this.socket.once('connect_error', fail);
      this.socket.connect();
    });
  }

  on<E extends RealtimeEvent>(event: E, handler: (payload: RealtimeEventMap[E]) => void): () => void {
    const h = handler as (payload: unknown) => void;
    const name: string = event; // socket.io's typing of reserved event names is in the way here
    this.socket.on(name, h);
    return () => void this.socket.off(name, h);
  }

  onConnect(handler: () => void): () => void {
    this.socket.on('connect', handler);
    return () => void this.socket.off('connect', handler);
  }

  onDisconnect(handler: (reason: string) => void): () => void {
    this.socket.on('disconnect', handler);
    return () => void this.socket.off('disconnect', handler);
  }

  get connected(): boolean {
    return this.socket.connected;
  }

  /** Emits and waits for the acknowledgement; a refusal throws the same error as HTTP would. */
  async request<T>(event: string, payload: unknown, timeoutMs = 10_000): Promise<T> {
    const ack = (await this.socket.timeout(timeoutMs).emitWithAck(event, payload)) as Ack<T>;
    if (ack.ok) return ack.data;
    throw new StrongroomApiError(ack.status, ack.error.code, ack.error.message, ack.error.details);
  }

  close(): void {
    this.socket.disconnect();
  }
}
