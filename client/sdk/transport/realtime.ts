import { io, type Socket } from 'socket.io-client';
import type { Ack, ErrorCode } from '../../../contracts/errors.js';
import type {
  ClientToServerEvents,
  ServerEventName,
  ServerEventPayloads,
  ServerToClientEvents,
} from '../../../contracts/realtime.js';
import { StrongroomApiError } from './http.js';

/** What the server emits on `/rt`, by event (contracts/realtime.ts). */
export type RealtimeEventMap = ServerEventPayloads;
export type RealtimeEvent = ServerEventName;

/** The data a client event's acknowledgement carries when it succeeds. */
type AckData<E extends keyof ClientToServerEvents> = Parameters<
  Parameters<ClientToServerEvents[E]>[1]
>[0] extends infer A
  ? A extends { ok: true; data: infer T }
    ? T
    : never
  : never;

/**
 * The socket.io connection to `/rt`. The token goes in the handshake; the server decides the rooms.
 * Reconnects by itself; listeners of `connected` hear every (re)connection, which is when a client
 * catches up by sequence number.
 */
export class RealtimeConnection {
  readonly socket: Socket<ServerToClientEvents, ClientToServerEvents>;

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
      const fail = (err: Error & { data?: { error?: { code: ErrorCode; message: string } } }) => {
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
    // socket.io types a listener per event name; a generic E needs the cast back to that listener.
    const h = handler as unknown as ServerToClientEvents[E];
    this.socket.on(event, h as never);
    return () => void this.socket.off(event, h as never);
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
  async request<E extends keyof ClientToServerEvents>(
    event: E,
    payload: Parameters<ClientToServerEvents[E]>[0],
    timeoutMs = 10_000,
  ): Promise<AckData<E>> {
    // socket.io's typings cannot follow a generic event name through emitWithAck; the contract above can.
    const timed = this.socket.timeout(timeoutMs) as unknown as {
      emitWithAck(e: E, p: unknown): Promise<Ack<AckData<E>>>;
    };
    const ack = await timed.emitWithAck(event, payload);
    if (ack.ok) return ack.data;
    throw new StrongroomApiError(ack.status, ack.error.code, ack.error.message, ack.error.details);
  }

  close(): void {
    this.socket.disconnect();
  }
}
