import { Inject, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { WebSocketGateway, type OnGatewayInit } from '@nestjs/websockets';
import type { Namespace, Socket as IoSocket } from 'socket.io';
import type { Ack } from '../../contracts/errors.js';
import { socketSendSchema, type StoredMessageView } from '../../contracts/messages.js';
import type { ClientToServerEvents, ServerToClientEvents } from '../../contracts/realtime.js';
import { toErrorResponse } from '../common/all-exceptions.filter.js';
import { AppError } from '../common/app-error.js';
import { parseOrThrow } from '../common/zod.js';
import { MessageWriter } from '../messages/message-writer.js';
import { Notifier } from '../notifications/notifier.js';
import { SessionCookies } from '../identity/session-cookie.js';
import { LiveAccess, socketMeta } from './live-access.js';
import { SocketBudget } from './socket-budget.js';
import { APP_CONFIG, type AppConfig } from '../config/config.schema.js';
import { Metrics } from '../common/metrics.js';

/** How long sockets are told the instance is closing before they are closed. */
const CLOSING_NOTICE_MS = 200;

type Socket = IoSocket<ClientToServerEvents, ServerToClientEvents>;

interface SocketData {
  token: string;
  userId: string;
}

/**
 * The `/rt` namespace. A socket is admitted by the same rule as HTTP (LiveAccess), and the server, never
 * the client, puts it in rooms: its user, its session and each channel it may use now. Every inbound
 * event authenticates again and the services re-check membership, so a revoked session, a disabled user
 * or a removed member is refused at once even on a socket that is still open; access that ends with
 * time ends for the socket at that moment too (LiveAccess). Clients never name a room.
 */
@WebSocketGateway({ namespace: '/rt' })
export class RealtimeGateway implements OnGatewayInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(RealtimeGateway.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly writer: MessageWriter,
    private readonly notifier: Notifier,
    private readonly access: LiveAccess,
    private readonly cookies: SessionCookies,
    private readonly metrics: Metrics,
  ) {}

  private nsp: Namespace<ClientToServerEvents, ServerToClientEvents> | null = null;

  afterInit(nsp: Namespace<ClientToServerEvents, ServerToClientEvents>): void {
    this.nsp = nsp;
    this.metrics.socketCount = () => nsp.sockets.size;
    this.notifier.bind(nsp);
    nsp.on('connection', (socket: Socket) => {
      this.limit(socket);
      // Straight to the handler, not through NestJS's per-event pipeline (rxjs, guards, pipes, filters: none
      // of which this event uses, and about 7 % of the server's thread while people send). As socket.io
      // calls it: one argument, then the acknowledgement; anything else is refused by the validation.
      socket.on('message.send', (...args: unknown[]) => {
        const ack = args.at(-1);
        const given = typeof ack === 'function' ? args.slice(0, -1) : args;
        const answered = this.send(socket, given.length === 1 ? given[0] : given);
        if (typeof ack === 'function') void answered.then((a) => (ack as (a: Ack<StoredMessageView>) => void)(a));
      });
    });
    nsp.use((socket, next) => {
      void this.admit(socket).then(
        () => next(),
        (err: unknown) => {
          const { status, body } = toErrorResponse(err, '');
          if (status >= 500) this.logger.warn({ err }, 'socket admission failed');
          // The client sees `connect_error` with this message and `data` in our error shape, with the
          // status HTTP would have used (a 503 is worth connecting again for; a 401 is not).
          const refusal = Object.assign(new Error(body.error.message), { data: { ...body, status } });
          next(refusal);
        },
      );
    });
  }

  /**
   * Stopping: once every send already taken is stored and acknowledged (the writer refuses new ones with
   * 503 meanwhile), each socket hears `connection.closing` (`shutting_down`: connect again, here later or
   * to another instance) and is closed, before the server itself closes.
   */
  async beforeApplicationShutdown(): Promise<void> {
    await this.writer.beforeApplicationShutdown();
    if (!this.nsp) return;
    this.nsp.local.emit('connection.closing', { reason: 'shutting_down' });
    // Sends already on the wire are still answered (503) meanwhile; after that, nothing more is taken.
    await new Promise((r) => setTimeout(r, CLOSING_NOTICE_MS));
    this.nsp.local.disconnectSockets(true);
  }

  /**
   * Every inbound event of a socket spends from its own budget (SocketBudget): one over budget is refused
   * with `rate_limited` in its acknowledgement and goes no further; a socket that goes on flooding is told
   * why and cut. Other sockets' events are not touched.
   */
  private limit(socket: Socket): void {
    const budget = new SocketBudget(this.config.SOCKET_EVENTS_PER_SECOND, this.config.SOCKET_EVENT_BURST);
    socket.use((packet, next) => {
      const verdict = budget.take();
      if (verdict === 'ok') return next();
      const ack: unknown = packet[packet.length - 1];
      if (typeof ack === 'function') {
        const refusal: Ack<never> = {
          ok: false,
          status: 429,
          error: {
            code: 'rate_limited',
            message: 'Too much at once on this connection: slow down and try again in a moment.',
            details: { retryAfterSeconds: 1 },
          },
        };
        (ack as (a: Ack<never>) => void)(refusal);
      }
      if (verdict === 'cut' && socket.connected) {
        socket.emit('connection.closing', { reason: 'rate_limited' });
        socket.disconnect(true);
      }
    });
  }

  /**
   * The HTTP rule exactly (LiveAccess): session, user, agency party to the ISA, attestation; then rooms.
   * The session is the handshake's token (the SDK in Node, the CLI) when it names one; otherwise a web
   * page's session cookie, taken only from a page of this site (SessionCookies.handshakeSession). From
   * then on the socket is its session's token, whichever way it came: the timers, re-checks, revocation
   * and every send treat both alike.
   */
  private async admit(socket: Socket): Promise<void> {
    const given = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    const token =
      given === undefined
        ? this.cookies.handshakeSession(socket.request)
        : typeof given === 'string'
          ? given
          : undefined;
    const auth = await this.access.admit(socket, token);
    Object.assign(socket.data as SocketData, { token: token as string, userId: auth.user.id });
  }

  /**
   * Runs one inbound event and turns any failure into `{ ok: false }`. `fn` must authenticate the
   * event again: through `authenticate` here, or inside the batch that stores it (sends).
   */
  private async handle<T>(socket: Socket, fn: () => Promise<T>): Promise<Ack<T>> {
    try {
      return { ok: true, data: await fn() };
    } catch (err) {
      const { status, body } = toErrorResponse(err, '');
      if (body.error.code === 'service_unavailable')
        this.logger.warn({ err }, 'socket event failed: database unavailable');
      else if (status >= 500) this.logger.error({ err }, 'socket event failed');
      // A socket whose session or access has gone is cut after hearing why.
      if (status === 401 || (err instanceof AppError && err.code === 'agency_not_signed')) {
        setImmediate(() => socket.disconnect(true));
      }
      return { ok: false, status, error: body.error };
    }
  }

  /**
   * Sends a sealed message; the acknowledgement carries the stored sequence number and comes after
   * the commit. The session, agency and membership are re-checked inside the group-commit
   * transaction that stores it, for every send in the batch at once. `submit` is called as the event is
   * dispatched, with nothing awaited before it here, so a socket's sends reach the writer in the order
   * they came and the writer keeps that order (MessageWriter). Any asynchronous step added before
   * `submit` would have to keep it too, or pipelined sends would be refused as `message_out_of_order`.
   */
  private send(socket: Socket, body: unknown): Promise<Ack<StoredMessageView>> {
    return this.handle(socket, async () => {
      const { channelId, ...dto } = parseOrThrow(socketSendSchema, body, 'message');
      const { token, userId } = socket.data as SocketData;
      // The socket is named so that it is not sent its own message back: the acknowledgement carries it.
      const sender = { kind: 'token' as const, token, userId, meta: socketMeta(socket), socketId: socket.id };
      return (await this.writer.submit(sender, channelId, dto)).message;
    });
  }
}
