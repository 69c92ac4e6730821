import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
  type OnGatewayInit,
} from '@nestjs/websockets';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Namespace, Socket as IoSocket } from 'socket.io';
import { DataSource } from 'typeorm';
import type { Ack } from '../../contracts/errors.js';
import { socketSendSchema, type StoredMessageView } from '../../contracts/messages.js';
import type { ClientToServerEvents, ServerToClientEvents } from '../../contracts/realtime.js';
import { toErrorResponse } from '../common/all-exceptions.filter.js';
import { AppError } from '../common/app-error.js';
import type { RequestMeta } from '../common/request-context.js';
import { parseOrThrow } from '../common/zod.js';
import type { AuthContext } from '../identity/auth-context.js';
import { AuthService } from '../identity/auth.service.js';
import { MessageWriter } from '../messages/message-writer.js';
import { Notifier } from '../notifications/notifier.js';
import { channelRoom, sessionRoom, userRoom } from '../notifications/realtime-events.js';
import { ChannelsService } from '../channels/channels.service.js';

type Socket = IoSocket<ClientToServerEvents, ServerToClientEvents>;

interface SocketData {
  token: string;
  userId: string;
}

/**
 * The `/rt` namespace. A socket authenticates in the handshake through the same AuthService as HTTP,
 * and the server, never the client, puts it in rooms: its user, its session and each channel it is a
 * member of. Every inbound event authenticates again and the services re-check membership, so a
 * revoked session, a disabled user or a removed member is refused at once even on a socket that is
 * still open. Clients never name a room.
 */
@WebSocketGateway({ namespace: '/rt' })
export class RealtimeGateway implements OnGatewayInit {
  private readonly logger = new Logger(RealtimeGateway.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly auth: AuthService,
    private readonly writer: MessageWriter,
    private readonly notifier: Notifier,
    private readonly channels: ChannelsService,
  ) {}

  afterInit(nsp: Namespace<ClientToServerEvents, ServerToClientEvents>): void {
    this.notifier.bind(nsp);
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

  private meta(socket: Socket): RequestMeta {
    const ua = socket.handshake.headers['user-agent'];
    return {
      requestId: randomUUID(),
      ip: socket.handshake.address ?? null,
      userAgent: typeof ua === 'string' ? ua.slice(0, 200) : null,
    };
  }

  private async admit(socket: Socket): Promise<void> {
    const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    const auth = await this.authenticate(socket, typeof token === 'string' ? token : undefined);
    Object.assign(socket.data as SocketData, { token: token as string, userId: auth.user.id });
    const channelIds = await this.channels.channelIdsOf(this.db.manager, auth.user.id);
    await socket.join([userRoom(auth.user.id), sessionRoom(auth.session.id), ...channelIds.map(channelRoom)]);
  }

  /** The HTTP path exactly: session, user, agency party to the ISA, attestation. */
  private async authenticate(socket: Socket, token: string | undefined): Promise<AuthContext> {
    const auth = await this.auth.authenticate(token, this.meta(socket));
    await this.auth.authorise(auth, 'shared', undefined);
    return auth;
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
   * transaction that stores it, for every send in the batch at once.
   */
  @SubscribeMessage('message.send')
  send(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown): Promise<Ack<StoredMessageView>> {
    return this.handle(socket, async () => {
      const { channelId, ...dto } = parseOrThrow(socketSendSchema, body, 'message');
      const { token, userId } = socket.data as SocketData;
      const sender = { kind: 'token' as const, token, userId, meta: this.meta(socket) };
      return (await this.writer.submit(sender, channelId, dto)).message;
    });
  }
}
