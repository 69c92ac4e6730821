import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Socket } from 'socket.io';
import { DataSource } from 'typeorm';
import { ChannelsService } from '../channels/channels.service.js';
import { AppError } from '../common/app-error.js';
import { Clock } from '../common/clock.js';
import type { RequestMeta } from '../common/request-context.js';
import { APP_CONFIG, type AppConfig } from '../config/config.schema.js';
import type { AuthContext } from '../identity/auth-context.js';
import { AuthService } from '../identity/auth.service.js';
import { Notifier } from '../notifications/notifier.js';
import { channelRoom, sessionRoom, userRoom } from '../notifications/realtime-events.js';

/** What an audit entry or a log line says of a socket's request: a fresh server-made id, the address, the client. */
export function socketMeta(socket: Socket): RequestMeta {
  const ua = socket.handshake.headers['user-agent'];
  return {
    requestId: randomUUID(),
    ip: socket.handshake.address ?? null,
    userAgent: typeof ua === 'string' ? ua.slice(0, 200) : null,
  };
}

/** What this instance knows of one of its sockets: whose it is and until when it may hear what. */
interface Live {
  socket: Socket;
  token: string;
  userId: string;
  /** Until when (ms) the session may reach shared spaces at all, as last read: its expiry, a withdrawal. */
  until: number;
  /** The channels it may hear now, each until the end of that membership (Infinity when none). */
  channels: Map<string, number>;
  cancel: (() => void) | null;
  checking: Promise<void> | null;
}

/**
 * "May this session still see this channel now", for sockets: the same rule as HTTP (AuthService's
 * session, user, agency and attestation checks; channel membership with its end date), applied at
 * admission, again at the moment anything time-bound runs out (session idle or absolute expiry, an
 * observer's end date, a withdrawal taking effect), whenever access may have changed (a broadcast from
 * any instance), on every sweep, and on every delivery: a socket whose time has come hears nothing more
 * even if its timer is late. A socket that loses the session's access is told why and cut; one that
 * loses a channel leaves its room. Only this instance's own sockets are tracked here: every instance
 * applies the rule to the sockets it holds, so nothing here is needed by another instance.
 */
@Injectable()
export class LiveAccess implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(LiveAccess.name);
  private readonly live = new Map<string, Live>();
  private sweep: NodeJS.Timeout | null = null;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly auth: AuthService,
    private readonly channels: ChannelsService,
    private readonly notifier: Notifier,
  ) {}

  onApplicationBootstrap(): void {
    this.notifier.useDeliveryRule({
      excluded: (channelId, socketIds) => this.excluded(channelId, socketIds),
      accessChanged: (userIds) => this.recheck(userIds),
    });
    const every = this.config.LIVE_ACCESS_SWEEP_SECONDS;
    if (every > 0) {
      this.sweep = setInterval(() => void this.recheck('all'), every * 1000);
      this.sweep.unref();
    }
  }

  onApplicationShutdown(): void {
    if (this.sweep) clearInterval(this.sweep);
    for (const l of this.live.values()) l.cancel?.();
    this.live.clear();
  }

  /**
   * Admits a socket as HTTP would admit a request (throws the same refusal), then puts it in the rooms
   * of its user, its session and each channel it may use now, and sets its timer.
   */
  async admit(socket: Socket, token: string | undefined): Promise<AuthContext> {
    const auth = await this.authenticate(token, socket, true);
    const memberships = await this.channels.liveMemberships(this.db.manager, auth.user.id);
    await socket.join([
      userRoom(auth.user.id),
      sessionRoom(auth.session.id),
      ...memberships.map((x) => channelRoom(x.channelId)),
    ]);
    const l: Live = {
      socket,
      token: token as string,
      userId: auth.user.id,
      until: this.deadline(auth),
      channels: new Map(memberships.map((x) => [x.channelId, x.endsAt?.getTime() ?? Infinity])),
      cancel: null,
      checking: null,
    };
    this.live.set(socket.id, l);
    socket.once('disconnect', () => this.forget(socket.id));
    this.arm(l);
    return auth;
  }

  /** The sockets of `socketIds` (in a channel's room here) that must not hear it: their time has come. */
  private excluded(channelId: string, socketIds: Iterable<string>): string[] {
    const now = this.clock.now().getTime();
    const out: string[] = [];
    for (const id of socketIds) {
      const l = this.live.get(id);
      if (!l) continue;
      if (l.until <= now || (l.channels.get(channelId) ?? Infinity) <= now) {
        out.push(id);
        void this.check(l);
      }
    }
    return out;
  }

  /** Checks again the sockets of these users (or all of this instance's), e.g. when access may have changed. */
  private async recheck(userIds: readonly string[] | 'all'): Promise<void> {
    const which = [...this.live.values()].filter((l) => userIds === 'all' || userIds.includes(l.userId));
    for (const l of which) await this.check(l);
  }

  private forget(socketId: string): void {
    this.live.get(socketId)?.cancel?.();
    this.live.delete(socketId);
  }

  /**
   * The HTTP rule: session, user, agency party to the ISA, current agreement attested. Admission is the
   * person connecting and counts as use of the session; a re-check is the server's own and does not
   * (an open socket must not keep an idle session alive).
   */
  private async authenticate(token: string | undefined, socket: Socket, touch = false): Promise<AuthContext> {
    const auth = await this.auth.authenticate(token, socketMeta(socket), { touch });
    await this.auth.authorise(auth, 'shared', undefined);
    return auth;
  }

  /** When the session's access runs out by itself: its idle or absolute expiry, or its agency's withdrawal. */
  private deadline(auth: AuthContext): number {
    const ends = [auth.session.idleExpiresAt.getTime(), auth.session.absoluteExpiresAt.getTime()];
    const withdrawal = auth.agency.withdrawalEffectiveAt;
    if (auth.agency.status === 'notice_given' && withdrawal) ends.push(withdrawal.getTime());
    return Math.min(...ends);
  }

  /** Sets the socket's timer for the first moment something it may hear runs out. */
  private arm(l: Live): void {
    l.cancel?.();
    l.cancel = null;
    const next = Math.min(l.until, ...l.channels.values());
    if (Number.isFinite(next)) l.cancel = this.clock.at(new Date(next), () => void this.check(l));
  }

  /**
   * Applies the rule to one socket now: cut with the reason when the session may no longer reach shared
   * spaces; otherwise leave the rooms of channels it may no longer use, join those it may, and set the
   * timer again. One check at a time per socket.
   */
  private check(l: Live): Promise<void> {
    l.checking ??= this.checkNow(l)
      .catch((err: unknown) => this.logger.warn({ err }, 'could not check a socket’s access; the sweep will try again'))
      .finally(() => (l.checking = null));
    return l.checking;
  }

  private async checkNow(l: Live): Promise<void> {
    if (!this.live.has(l.socket.id)) return;
    let auth: AuthContext;
    try {
      auth = await this.authenticate(l.token, l.socket);
    } catch (err) {
      if (err instanceof AppError && (err.status === 401 || err.status === 403)) {
        this.cut(l, err.code);
        return;
      }
      // The database is unreachable, say: keep the socket out of everything time-bound until it answers.
      this.logger.warn({ err }, 'could not check a socket’s access; the sweep will try again');
      return;
    }
    const memberships = await this.channels.liveMemberships(this.db.manager, l.userId);
    const now = new Map(memberships.map((x) => [x.channelId, x.endsAt?.getTime() ?? Infinity]));
    // The removal itself tells the member (`member.removed`, from whichever instance made it).
    for (const channelId of l.channels.keys()) if (!now.has(channelId)) await l.socket.leave(channelRoom(channelId));
    const joined = [...now.keys()].filter((id) => !l.channels.has(id));
    if (joined.length) await l.socket.join(joined.map(channelRoom));
    l.channels = now;
    l.until = this.deadline(auth);
    this.arm(l);
  }

  /** Tells the socket why, then cuts it: it may not reconnect with this session. */
  private cut(l: Live, reason: string): void {
    this.forget(l.socket.id);
    l.socket.emit('session.revoked', { reason });
    l.socket.disconnect(true);
  }
}
