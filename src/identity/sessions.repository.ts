import { Injectable } from '@nestjs/common';
import { In, IsNull, type EntityManager } from 'typeorm';
import type { SessionStage, SessionView } from '../../contracts/identity.js';
import { Session } from './entities/session.entity.js';

export const toSessionView = (s: Session, currentId?: string): SessionView => ({
  id: s.id,
  stage: s.stage,
  createdAt: s.createdAt.toISOString(),
  lastSeenAt: s.lastSeenAt.toISOString(),
  idleExpiresAt: s.idleExpiresAt.toISOString(),
  absoluteExpiresAt: s.absoluteExpiresAt.toISOString(),
  ip: s.ip,
  userAgent: s.userAgent,
  ...(currentId ? { current: s.id === currentId } : {}),
});

/** sessions: bearer tokens (stored as hashes), their expiry and revocation. */
@Injectable()
export class SessionsRepository {
  insert(
    m: EntityManager,
    fields: Pick<
      Session,
      | 'userId'
      | 'tokenHash'
      | 'stage'
      | 'lastSeenAt'
      | 'idleExpiresAt'
      | 'absoluteExpiresAt'
      | 'ip'
      | 'userAgent'
      | 'steppedUpAt'
    >,
  ): Promise<Session> {
    return m.getRepository(Session).save(m.create(Session, fields));
  }

  /** Moves on `lastSeenAt` and `idleExpiresAt` of many sessions in one UPDATE. */
  async touch(m: EntityManager, sessions: Pick<Session, 'id' | 'lastSeenAt' | 'idleExpiresAt'>[]): Promise<void> {
    await m.query(
      `UPDATE sessions s SET last_seen_at = t.seen, idle_expires_at = t.idle
         FROM unnest($1::uuid[], $2::timestamptz[], $3::timestamptz[]) AS t(id, seen, idle)
        WHERE s.id = t.id`,
      [sessions.map((s) => s.id), sessions.map((s) => s.lastSeenAt), sessions.map((s) => s.idleExpiresAt)],
    );
  }

  /** A user's sessions that are neither revoked nor expired, newest first. */
  listLive(m: EntityManager, userId: string, now: Date): Promise<Session[]> {
    return m
      .getRepository(Session)
      .createQueryBuilder('s')
      .where(
        's.user_id = :userId AND s.revoked_at IS NULL AND s.idle_expires_at > :now AND s.absolute_expires_at > :now',
        { userId, now },
      )
      .orderBy('s.created_at', 'DESC')
      .getMany();
  }

  /** Revokes one unrevoked session of this user; false if there is none. */
  async revokeOwn(m: EntityManager, sessionId: string, userId: string, now: Date, reason: string): Promise<boolean> {
    const result = await m
      .getRepository(Session)
      .update({ id: sessionId, userId, revokedAt: IsNull() }, { revokedAt: now, revokedReason: reason });
    return !!result.affected;
  }

  /** Ids of a user's sessions not yet revoked (expired ones included). */
  async unrevokedIds(m: EntityManager, userId: string): Promise<string[]> {
    const live = await m.getRepository(Session).find({ where: { userId, revokedAt: IsNull() }, select: { id: true } });
    return live.map((s) => s.id);
  }

  async revokeMany(m: EntityManager, ids: string[], now: Date, reason: string): Promise<void> {
    await m.getRepository(Session).update({ id: In(ids) }, { revokedAt: now, revokedReason: reason });
  }

  /**
   * The session moves to `stage`. Not a step-up: completing two-factor enrolment proves only possession
   * of the session (whoever holds it chose the authenticator), never the password.
   */
  async setStage(m: EntityManager, id: string, stage: SessionStage): Promise<void> {
    await m.getRepository(Session).update({ id }, { stage });
  }

  /** The password (and second factor) were entered again for this session. */
  async steppedUp(m: EntityManager, id: string, at: Date): Promise<void> {
    await m.getRepository(Session).update({ id }, { steppedUpAt: at });
  }
}
