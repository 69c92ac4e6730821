import { io, type Socket } from 'socket.io-client';
import type { Ack, ErrorCode } from '../../../contracts/errors.js';
import type {
  ClientToServerEvents,
  ServerEventName,
  ServerEventPayloads,
  ServerToClientEvents,
} from '../../../contracts/realtime.js';
import { StrongroomApiError, StrongroomNetworkError } from './http.js';
import { Backoff, DEFAULT_RETRY, type RetryPolicy } from './retry.js';

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

/** What the server sends with a refused connection: its error body and the status HTTP would have used. */
type Refusal = Error & {
  data?: { error?: { code: ErrorCode; message: string; details?: Record<string, unknown> }; status?: number };
};

/** The server's refusal as the error HTTP would have thrown, or null when it was the network that failed. */
function refusalOf(err: Refusal): StrongroomApiError | null {
  const e = err.data?.error;
  // A server that predates the status in its refusal only ever refused a handshake for want of a session.
  return e ? new StrongroomApiError(err.data?.status ?? 401, e.code, e.message, e.details) : null;
}

/**
 * The socket.io connection to `/rt`. The token goes in the handshake; the server decides the rooms. A web
 * page in cookie mode passes `{ cookie: true }` instead of a token: the browser's session cookie goes with
 * the WebSocket handshake, which the server takes only from a page of its own site, by the handshake's
 * `Origin`. Browsers always send that when opening a WebSocket (not with a same-origin polling request),
 * one more reason this connects with WebSocket only.
 * Reconnects by itself, also after the server turned it away for the moment (5xx: its database away);
 * listeners of `connected` hear every (re)connection, which is when a client catches up by sequence
 * number. A refusal that is final (401: the session is gone) stops it.
 */
export class RealtimeConnection {
  readonly socket: Socket<ServerToClientEvents, ClientToServerEvents>;
  /** The bearer token the socket was opened with; null for a cookie session's. */
  readonly token: string | null;
  private readonly retry: RetryPolicy;
  private readonly reconnects: boolean;
  private readonly closing = new AbortController();

  constructor(
    private readonly serverUrl: string,
    credential: string | { cookie: true },
    opts: { reconnection?: boolean; retry?: RetryPolicy } = {},
  ) {
    this.token = typeof credential === 'string' ? credential : null;
    this.retry = opts.retry ?? DEFAULT_RETRY;
    this.reconnects = opts.reconnection ?? true;
    const common = {
      transports: ['websocket'],
      reconnection: this.reconnects,
      reconnectionDelay: 200,
      reconnectionDelayMax: 5000,
      autoConnect: false,
    };
    const url = `${serverUrl.replace(/\/+$/, '')}/rt`;
    this.socket =
      typeof credential === 'string'
        ? io(url, { auth: { token: credential }, ...common })
        : io(url, { ...common, withCredentials: true });
    if (this.reconnects) this.readmitAfterRefusal();
  }

  /**
   * socket.io tries again by itself after a network failure, but takes any refusal by the server as
   * final and stays down. A 5xx refusal is not final (the server could not check the session just
   * then), so this connects again, with back-off, until admitted or closed.
   */
  private readmitAfterRefusal(): void {
    let backoff: Backoff | null = null;
    this.socket.on('connect', () => (backoff = null));
    this.socket.on('connect_error', (err: Refusal) => {
      const refusal = refusalOf(err);
      if (!refusal || refusal.status < 500 || this.closing.signal.aborted) return;
      backoff ??= new Backoff({ ...this.retry, giveUpAfterMs: Infinity }, this.closing.signal);
      void backoff.wait(refusal).then((goOn) => {
        if (goOn && !this.socket.connected && !this.socket.active) this.socket.connect();
      });
    });
  }

  /**
   * Connects, resolving once admitted. A final refusal rejects at once, with the same error HTTP would
   * give (e.g. 401 `invalid_session`). While the server cannot be reached or turns the socket away for
   * the moment, it keeps trying; the first failure after the retry policy's `giveUpAfterMs` (or the
   * first of all, when made with `reconnection: false`) rejects, with that refusal or a
   * `StrongroomNetworkError`. (Every attempt ends in a connection or a failure: socket.io gives up on
   * one that hangs after its own connection timeout.)
   */
  connect(): Promise<void> {
    const deadline = Date.now() + this.retry.giveUpAfterMs;
    return new Promise((resolve, reject) => {
      const finish = (err?: Error) => {
        this.socket.off('connect', ok);
        this.socket.off('connect_error', fail);
        if (err) reject(err);
        else resolve();
      };
      const ok = () => finish();
      const fail = (err: Refusal) => {
        const refusal = refusalOf(err);
        if (refusal && refusal.status < 500) return finish(refusal);
        if (!this.reconnects || Date.now() >= deadline) {
          finish(refusal ?? new StrongroomNetworkError(this.serverUrl, err));
        }
      };
      this.socket.on('connect', ok);
      this.socket.on('connect_error', fail);
      this.socket.connect();
    });
  }

  /**
   * Listens for one event. A `message.new` listener also hears each message of a `messages.new` (several
   * of a channel stored together, in one frame), one by one in sequence order, as if each had come alone.
   */
  on<E extends RealtimeEvent>(event: E, handler: (payload: RealtimeEventMap[E]) => void): () => void {
    // socket.io types a listener per event name; a generic E needs the cast back to that listener.
    const h = handler as unknown as ServerToClientEvents[E];
    this.socket.on(event, h as never);
    if (event !== 'message.new') return () => void this.socket.off(event, h as never);
    const one = handler as (p: RealtimeEventMap['message.new']) => void;
    const several = ({ channelId, messages }: RealtimeEventMap['messages.new']) => {
      for (const message of messages) one({ channelId, message });
    };
    this.socket.on('messages.new', several);
    return () => {
      this.socket.off(event, h as never);
      this.socket.off('messages.new', several);
    };
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

  /**
   * Emits and waits for the acknowledgement; a refusal throws the same error as HTTP would. No answer
   * in time, or the socket dropping meanwhile, throws a `StrongroomNetworkError`: the event may or may
   * not have been handled (a send is then sent again under the same client message id).
   */
  async request<E extends keyof ClientToServerEvents>(
    event: E,
    payload: Parameters<ClientToServerEvents[E]>[0],
    timeoutMs = 10_000,
  ): Promise<AckData<E>> {
    // socket.io's typings cannot follow a generic event name through emitWithAck; the contract above can.
    const timed = this.socket.timeout(timeoutMs) as unknown as {
      emitWithAck(e: E, p: unknown): Promise<Ack<AckData<E>>>;
    };
    let ack: Ack<AckData<E>>;
    try {
      ack = await timed.emitWithAck(event, payload);
    } catch (err) {
      // No acknowledgement (timed out, or the socket dropped): the event may or may not have been handled.
      throw new StrongroomNetworkError(this.serverUrl, err);
    }
    if (ack.ok) return ack.data;
    throw new StrongroomApiError(ack.status, ack.error.code, ack.error.message, ack.error.details);
  }

  /** Disconnects for good: no more reconnecting. */
  close(): void {
    this.closing.abort();
    this.socket.disconnect();
  }
}
