import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { CurrentSessionView, LogoutAllResult, SessionView } from '../../contracts/identity.js';
import { AuditService } from '../audit/audit.service.js';
import { notFound } from '../common/app-error.js';
import { Clock } from '../common/clock.js';
import { DomainEvents } from '../common/domain-events.js';
import { actorOf, type AuthContext } from './auth-context.js';
import { SessionsRepository, toSessionView } from './sessions.repository.js';
import { toUserView } from './users.repository.js';

/** A person's own sessions: listing, sign-out, sign-out everywhere; and ending all of a user's sessions. */
@Injectable()
export class SessionsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly events: DomainEvents,
    private readonly sessions: SessionsRepository,
  ) {}

  /**
   * The session that asked, as the guard just found it live (its idle expiry moved on by the asking), and
   * the CSRF token a cookie session's page needs again after a reload. Reads nothing more.
   */
  current(auth: AuthContext, csrfToken: string | null): CurrentSessionView {
    return {
      session: toSessionView(auth.session),
      user: toUserView(auth.user),
      agency: { id: auth.agency.id, name: auth.agency.name, status: auth.agency.status },
      via: csrfToken === null ? 'bearer' : 'cookie',
      csrfToken,
    };
  }

  async listSessions(auth: AuthContext): Promise<SessionView[]> {
    const sessions = await this.sessions.listLive(this.db.manager, auth.user.id, this.clock.now());
    return sessions.map((s) => toSessionView(s, auth.session.id));
  }

  async revokeSession(auth: AuthContext, sessionId: string): Promise<void> {
    await this.db.transaction(async (m) => {
      const revoked = await this.sessions.revokeOwn(m, sessionId, auth.user.id, this.clock.now(), 'revoked_by_user');
      if (!revoked) throw notFound('Session');
      await this.audit.record(m, {
        actor: actorOf(auth),
        action: 'session.revoked',
        target: { type: 'session', id: sessionId },
        details: { reason: sessionId === auth.session.id ? 'logout' : 'revoked_by_user' },
        meta: auth.meta,
      });
      await this.events.emit(m, {
        type: 'session.revoked',
        sessionIds: [sessionId],
        userId: auth.user.id,
        reason: sessionId === auth.session.id ? 'logout' : 'revoked_by_user',
      });
    });
  }

  async logoutEverywhere(auth: AuthContext): Promise<LogoutAllResult> {
    return this.db.transaction(async (m) => {
      const revoked = await this.revokeAllSessions(m, auth.user.id, 'logout_everywhere');
      await this.audit.record(m, {
        actor: actorOf(auth),
        action: 'session.revoked_all',
        details: { count: revoked.length },
        meta: auth.meta,
      });
      return { revoked: revoked.length };
    });
  }

  /** Revokes every live session of a user inside the caller's transaction; returns their ids. */
  async revokeAllSessions(m: EntityManager, userId: string, reason: string): Promise<string[]> {
    const live = await this.sessions.unrevokedIds(m, userId);
    if (live.length) {
      await this.sessions.revokeMany(m, live, this.clock.now(), reason);
      await this.events.emit(m, { type: 'session.revoked', sessionIds: live, userId, reason });
    }
    return live;
  }
}
