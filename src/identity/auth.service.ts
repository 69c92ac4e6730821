import { Inject, Injectable } from '@nestjs/common';
import type { ErrorCode } from '../../contracts/errors.js';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, IsNull, type EntityManager } from 'typeorm';
import { agencyBlockReason, AgenciesService } from '../agencies/agencies.service.js';
import { Agency } from '../agencies/entities/agency.entity.js';
import { AuditService } from '../audit/audit.service.js';
import { AppError, conflict, forbidden, notFound, tooManyRequests, unauthorized } from '../common/app-error.js';
import { Clock } from '../common/clock.js';
import { DomainEvents } from '../common/domain-events.js';
import { hydrate, selectColumns } from '../common/hydrate.js';
import { RateLimiter } from '../common/rate-limiter.js';
import type { RequestMeta } from '../common/request-context.js';
import { APP_CONFIG, type AppConfig } from '../config/config.schema.js';
import { actorOf, type AccessLevel, type AttestationState, type AuthContext } from './auth-context.js';
import type { AttestDto, LoginDto, MfaVerifyDto } from './dto/identity.dto.js';
import { Attestation } from './entities/attestation.entity.js';
import { RecoveryCode } from './entities/recovery-code.entity.js';
import { Session } from './entities/session.entity.js';
import { type Role, User } from './entities/user.entity.js';
import { verifyPassword } from './passwords.js';
import { hashToken, newRecoveryCode, newToken, normaliseRecoveryCode } from './tokens.js';
import { checkTotp, newTotpSecret, totpUri } from './totp.js';

/** The sharing advice a user confirms having read at first sign-in (ISA 8.4.1). */
export const SHARING_ADVICE_VERSION =
  'Information sharing: advice for practitioners providing safeguarding services (HM Government, May 2024)';

const TOUCH_EVERY_MS = 30_000;

export interface SessionView {
  id: string;
  stage: string;
  createdAt: Date;
  lastSeenAt: Date;
  idleExpiresAt: Date;
  absoluteExpiresAt: Date;
  ip: string | null;
  userAgent: string | null;
  current?: boolean;
}

export const userView = (u: User) => ({
  id: u.id,
  agencyId: u.agencyId,
  email: u.email,
  displayName: u.displayName,
  role: u.role,
  status: u.status,
  mfaEnabled: u.mfaEnabledAt !== null,
  createdAt: u.createdAt,
  disabledAt: u.disabledAt,
});

const sessionView = (s: Session, currentId?: string): SessionView => ({
  id: s.id,
  stage: s.stage,
  createdAt: s.createdAt,
  lastSeenAt: s.lastSeenAt,
  idleExpiresAt: s.idleExpiresAt,
  absoluteExpiresAt: s.absoluteExpiresAt,
  ip: s.ip,
  userAgent: s.userAgent,
  ...(currentId ? { current: s.id === currentId } : {}),
});

type LoginOutcome = { ok: true; token: string; session: Session; user: User } | { ok: false; error: AppError };

/** Sign-in, sessions, MFA and attestation: who someone is and what their session may reach. */
@Injectable()
export class AuthService {
  private authSql: string | undefined;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly agencies: AgenciesService,
    private readonly audit: AuditService,
    private readonly rateLimiter: RateLimiter,
    private readonly events: DomainEvents,
  ) {}

  /**
   * Resolves a bearer token to its user, agency and session: the single path used by HTTP and
   * sockets alike. Reads the database every time (one query), so a disabled user or revoked session
   * is refused on the very next request, on every instance.
   */
  async authenticate(token: string | undefined, meta: RequestMeta): Promise<AuthContext> {
    const [result] = await this.authenticateMany(this.db.manager, [{ token, meta }]);
    if (result instanceof AppError) throw result;
    return result;
  }

  /**
   * `authenticate` for many tokens in one query (group-committed sends re-check every sender this
   * way): each answer is the context, or the error `authenticate` would throw. Idle expiry moves on
   * at most every TOUCH_EVERY_MS per session, in one UPDATE for all of them.
   */
  async authenticateMany(
    m: EntityManager,
    requests: { token: string | undefined; meta: RequestMeta }[],
  ): Promise<(AuthContext | AppError)[]> {
    const now = this.clock.now();
    const hashed = requests.map((r) => (r.token ? hashToken(r.token) : null));
    const hashes = hashed.filter((h) => h !== null);
    const found = new Map<string, { session: Session; user: User; agency: Agency; attestation: AttestationState }>();
    if (hashes.length) {
      const rows = await m.query<Record<string, unknown>[]>(this.authenticateSql(), [hashes]);
      for (const row of rows) {
        const session = hydrate(this.db, Session, 's', row);
        found.set(session.tokenHash.toString('hex'), {
          session,
          user: hydrate(this.db, User, 'u', row),
          agency: hydrate(this.db, Agency, 'a', row),
          attestation: {
            current: row.cur_id ? { id: row.cur_id as string, label: row.cur_label as string } : null,
            attested: row.attested as boolean,
          },
        });
      }
    }
    const touch: Session[] = [];
    const results = requests.map(({ meta }, i): AuthContext | AppError => {
      const hash = hashed[i];
      if (!hash) return unauthorized('unauthenticated', 'Sign in first: this needs a bearer token.');
      const hit = found.get(hash.toString('hex'));
      if (!hit || hit.session.revokedAt) {
        return unauthorized('invalid_session', 'This session has ended or was revoked. Sign in again.');
      }
      const { session, user, agency, attestation } = hit;
      if (session.idleExpiresAt <= now || session.absoluteExpiresAt <= now) {
        return unauthorized('session_expired', 'This session has expired. Sign in again.');
      }
      if (user.status !== 'active') return unauthorized('account_disabled', 'This account is disabled.');
      if (now.getTime() - session.lastSeenAt.getTime() > TOUCH_EVERY_MS && !touch.includes(session)) {
        session.lastSeenAt = now;
        session.idleExpiresAt = new Date(
          Math.min(now.getTime() + this.config.SESSION_IDLE_MINUTES * 60_000, session.absoluteExpiresAt.getTime()),
        );
        touch.push(session);
      }
      return { user, agency, session, attestation, meta };
    });
    if (touch.length) {
      await m.query(
        `UPDATE sessions s SET last_seen_at = t.seen, idle_expires_at = t.idle
           FROM unnest($1::uuid[], $2::timestamptz[], $3::timestamptz[]) AS t(id, seen, idle)
          WHERE s.id = t.id`,
        [touch.map((s) => s.id), touch.map((s) => s.lastSeenAt), touch.map((s) => s.idleExpiresAt)],
      );
    }
    return results;
  }

  /** Session, user, agency, current agreement and this user's attestation of it: one query, built once. */
  private authenticateSql(): string {
    this.authSql ??= `
      SELECT ${selectColumns(this.db, Session, 's')}, ${selectColumns(this.db, User, 'u')},
             ${selectColumns(this.db, Agency, 'a')}, cur.id AS cur_id, cur.label AS cur_label,
             EXISTS (SELECT 1 FROM attestations t WHERE t.user_id = u.id AND t.agreement_version_id = cur.id) AS attested
        FROM sessions s
        JOIN users u ON u.id = s.user_id
        JOIN agencies a ON a.id = u.agency_id
        LEFT JOIN LATERAL (
          SELECT v.id, v.label FROM agreement_versions v ORDER BY v.published_on DESC, v.created_at DESC LIMIT 1
        ) cur ON true
       WHERE s.token_hash = ANY ($1::bytea[])`;
    return this.authSql;
  }

  /**
   * Why this session may not reach shared spaces (ISA: a signatory agency, a full session, the
   * current agreement attested), or null if it may. Reads nothing: `authenticate` fetched it all.
   */
  sharedRefusal(auth: AuthContext): AppError | null {
    if (auth.session.stage !== 'full') return this.enrolmentRefusal();
    const reason = agencyBlockReason(auth.agency, this.clock.now());
    if (reason) return forbidden('agency_not_signed', reason, { agencyStatus: auth.agency.status });
    const { current, attested } = auth.attestation;
    if (current && !attested) {
      return forbidden(
        'attestation_required',
        `Confirm you have read agreement version ${current.label} and the information-sharing advice before using shared spaces.`,
        { agreementVersionId: current.id, agreementVersion: current.label },
      );
    }
    return null;
  }

  private enrolmentRefusal(): AppError {
    return forbidden(
      'mfa_enrolment_required',
      'Your role requires two-factor authentication: enrol an authenticator first.',
    );
  }

  /** Enforces an access level and role list; throws the 403 that explains what is missing. */
  async authorise(auth: AuthContext, level: AccessLevel, roles: Role[] | undefined): Promise<void> {
    if (level !== 'enrolment' && auth.session.stage !== 'full') throw this.enrolmentRefusal();
    if (level === 'shared') {
      const refusal = this.sharedRefusal(auth);
      if (refusal) throw refusal;
    }
    if (roles && !roles.includes(auth.user.role)) {
      await this.audit.recordAlone({
        actor: actorOf(auth),
        action: 'access.denied',
        outcome: 'denied',
        details: { role: auth.user.role, required: roles.join(',') },
        meta: auth.meta,
      });
      throw forbidden('forbidden_role', `This needs one of these roles: ${roles.join(', ')}.`);
    }
  }

  private hasAttested(userId: string, agreementVersionId: string): Promise<boolean> {
    return this.db.getRepository(Attestation).existsBy({ userId, agreementVersionId });
  }

  async login(dto: LoginDto, meta: RequestMeta) {
    await this.rateLimiter.hit(
      `login:${meta.ip ?? 'unknown'}`,
      this.config.LOGIN_RATE_LIMIT_PER_MINUTE,
      60,
      'Too many sign-in attempts from this address. Wait a minute and try again.',
    );
    const outcome = await this.db.transaction((m) => this.attemptLogin(m, dto, meta));
    if (!outcome.ok) throw outcome.error;
    const agency = await this.agencies.get(outcome.user.agencyId);
    return {
      token: outcome.token,
      session: sessionView(outcome.session),
      user: userView(outcome.user),
      agency: { id: agency.id, name: agency.name, status: agency.status },
    };
  }

  /** Runs in one transaction; failures are returned (not thrown) so their counters and audit commit. */
  private async attemptLogin(m: EntityManager, dto: LoginDto, meta: RequestMeta): Promise<LoginOutcome> {
    const now = this.clock.now();
    const user = await m
      .getRepository(User)
      .createQueryBuilder('u')
      .setLock('pessimistic_write')
      .where('lower(u.email) = :email', { email: dto.email })
      .getOne();
    const fail = async (code: ErrorCode, message: string, reason: string, count = true): Promise<LoginOutcome> => {
      if (user && count) await this.countFailure(m, user, now);
      await this.audit.record(m, {
        actor: user ? { userId: user.id, agencyId: user.agencyId } : null,
        action: 'auth.login',
        outcome: 'failure',
        details: { reason },
        meta,
      });
      return { ok: false, error: new AppError(401, code, message) };
    };

    if (user?.lockedUntil && user.lockedUntil > now) {
      const seconds = Math.ceil((user.lockedUntil.getTime() - now.getTime()) / 1000);
      await this.audit.record(m, {
        actor: { userId: user.id, agencyId: user.agencyId },
        action: 'auth.login',
        outcome: 'denied',
        details: { reason: 'locked_out' },
        meta,
      });
      return {
        ok: false,
        error: tooManyRequests('account_locked', `Too many failed sign-ins. Try again in ${seconds} seconds.`, seconds),
      };
    }
    const passwordOk = await verifyPassword(dto.password, user?.passwordHash ?? null);
    if (!user || !passwordOk || user.status !== 'active') {
      return fail(
        'invalid_credentials',
        'The e-mail address or password is wrong.',
        user ? (passwordOk ? `status_${user.status}` : 'bad_password') : 'unknown_email',
        !!user,
      );
    }
    let timeStep: number | null = user.mfaLastTimeStep;
    if (user.mfaEnabledAt && user.mfaSecret) {
      if (dto.totp) {
        const step = await checkTotp(user.mfaSecret, dto.totp, now, user.mfaLastTimeStep);
        if (step === null)
          return fail('invalid_mfa_code', 'That authentication code is wrong or was already used.', 'bad_totp');
        timeStep = step;
      } else if (dto.recoveryCode) {
        const used = await m
          .getRepository(RecoveryCode)
          .update(
            { userId: user.id, codeHash: hashToken(normaliseRecoveryCode(dto.recoveryCode)), usedAt: IsNull() },
            { usedAt: now },
          );
        if (!used.affected)
          return fail('invalid_mfa_code', 'That recovery code is wrong or was already used.', 'bad_recovery_code');
      } else {
        return {
          ok: false,
          error: new AppError(401, 'mfa_required', 'Enter the code from your authenticator app (or a recovery code).', {
            methods: ['totp', 'recovery_code'],
          }),
        };
      }
    }
    const needsEnrolment = this.config.MFA_REQUIRED_ROLES.includes(user.role) && !user.mfaEnabledAt;
    await m
      .getRepository(User)
      .update({ id: user.id }, { failedLoginCount: 0, lockedUntil: null, mfaLastTimeStep: timeStep });
    const token = newToken();
    const session = await m.getRepository(Session).save(
      m.create(Session, {
        userId: user.id,
        tokenHash: hashToken(token),
        stage: needsEnrolment ? 'mfa_enrolment' : 'full',
        lastSeenAt: now,
        idleExpiresAt: new Date(now.getTime() + this.config.SESSION_IDLE_MINUTES * 60_000),
        absoluteExpiresAt: new Date(now.getTime() + this.config.SESSION_ABSOLUTE_HOURS * 3_600_000),
        ip: meta.ip,
        userAgent: meta.userAgent,
      }),
    );
    await this.audit.record(m, {
      actor: { userId: user.id, agencyId: user.agencyId },
      action: 'auth.login',
      target: { type: 'session', id: session.id },
      details: { mfa: user.mfaEnabledAt ? (dto.totp ? 'totp' : 'recovery_code') : 'none', stage: session.stage },
      meta,
    });
    return { ok: true, token, session, user };
  }

  /** Progressive lock-out: from the threshold on, each failure doubles the wait (1 min, 2, 4 … up to 1 h). */
  private async countFailure(m: EntityManager, user: User, now: Date): Promise<void> {
    const failures = user.failedLoginCount + 1;
    const over = failures - this.config.LOCKOUT_THRESHOLD;
    const lockedUntil = over >= 0 ? new Date(now.getTime() + Math.min(60, 2 ** over) * 60_000) : null;
    await m.getRepository(User).update({ id: user.id }, { failedLoginCount: failures, lockedUntil });
  }

  async me(auth: AuthContext) {
    const now = this.clock.now();
    const current = await this.agencies.currentAgreement();
    const attested = current ? await this.hasAttested(auth.user.id, current.id) : true;
    const reasons: string[] = [];
    const blocked = agencyBlockReason(auth.agency, now);
    if (blocked) reasons.push(blocked);
    if (auth.session.stage !== 'full')
      reasons.push('Your role requires two-factor authentication: enrol an authenticator.');
    if (!attested && current)
      reasons.push(`Confirm you have read agreement version ${current.label} and the information-sharing advice.`);
    return {
      user: userView(auth.user),
      agency: this.agencyView(auth.agency),
      session: sessionView(auth.session),
      mfa: {
        enabled: auth.user.mfaEnabledAt !== null,
        required: this.config.MFA_REQUIRED_ROLES.includes(auth.user.role),
      },
      attestation: {
        required: !attested,
        agreementVersionId: current?.id ?? null,
        agreementVersion: current?.label ?? null,
        adviceVersion: SHARING_ADVICE_VERSION,
      },
      access: { canShare: reasons.length === 0, reasons },
    };
  }

  private agencyView(a: Agency) {
    return {
      id: a.id,
      name: a.name,
      sector: a.sector,
      status: a.status,
      withdrawalEffectiveAt: a.withdrawalEffectiveAt,
    };
  }

  async attest(auth: AuthContext, dto: AttestDto) {
    return this.db.transaction(async (m) => {
      const current = await this.agencies.currentAgreement(m);
      if (!current || current.id !== dto.agreementVersionId) {
        throw conflict('not_current_agreement', 'Attest to the current agreement version.', {
          currentAgreementVersionId: current?.id ?? null,
        });
      }
      // Idempotent even when the same person attests twice at once (a double click): ON CONFLICT waits for
      // the other transaction and then does nothing, so only the first attestation is stored and audited.
      const inserted = await m.query<{ id: string }[]>(
        `INSERT INTO attestations (user_id, agreement_version_id, advice_version, attested_at)
         VALUES ($1, $2, $3, $4) ON CONFLICT (user_id, agreement_version_id) DO NOTHING RETURNING id`,
        [auth.user.id, current.id, SHARING_ADVICE_VERSION, this.clock.now()],
      );
      const attestation = await m
        .getRepository(Attestation)
        .findOneByOrFail({ userId: auth.user.id, agreementVersionId: current.id });
      if (!inserted.length) return attestation;
      await this.audit.record(m, {
        actor: actorOf(auth),
        action: 'user.attested',
        target: { type: 'agreement_version', id: current.id },
        details: { agreementVersion: current.label },
        meta: auth.meta,
      });
      return attestation;
    });
  }

  async startMfaEnrolment(auth: AuthContext) {
    if (auth.user.mfaEnabledAt) throw conflict('mfa_already_enabled', 'Two-factor authentication is already enabled.');
    const secret = newTotpSecret();
    await this.db.transaction(async (m) => {
      await m.getRepository(User).update({ id: auth.user.id }, { mfaPendingSecret: secret });
      await this.audit.record(m, { actor: actorOf(auth), action: 'mfa.enrolment_started', meta: auth.meta });
    });
    return { secret, otpauthUrl: totpUri(auth.user.email, secret) };
  }

  async completeMfaEnrolment(auth: AuthContext, dto: MfaVerifyDto) {
    return this.db.transaction(async (m) => {
      const user = await m
        .getRepository(User)
        .findOne({ where: { id: auth.user.id }, lock: { mode: 'pessimistic_write' } });
      if (!user) throw notFound('User');
      if (user.mfaEnabledAt) throw conflict('mfa_already_enabled', 'Two-factor authentication is already enabled.');
      if (!user.mfaPendingSecret) throw conflict('mfa_not_started', 'Start enrolment first (mfa enrol).');
      const step = await checkTotp(user.mfaPendingSecret, dto.code, this.clock.now(), null);
      if (step === null) {
        throw new AppError(
          400,
          'invalid_mfa_code',
          'That code does not match. Check the time on your device and try the next code.',
        );
      }
      await m.getRepository(User).update(
        { id: user.id },
        {
          mfaSecret: user.mfaPendingSecret,
          mfaPendingSecret: null,
          mfaEnabledAt: this.clock.now(),
          mfaLastTimeStep: step,
        },
      );
      await m.getRepository(RecoveryCode).delete({ userId: user.id });
      const codes = Array.from({ length: 10 }, newRecoveryCode);
      await m
        .getRepository(RecoveryCode)
        .insert(codes.map((c) => ({ userId: user.id, codeHash: hashToken(normaliseRecoveryCode(c)) })));
      await m.getRepository(Session).update({ id: auth.session.id }, { stage: 'full' });
      await this.audit.record(m, { actor: actorOf(auth), action: 'mfa.enabled', meta: auth.meta });
      return { enabled: true, recoveryCodes: codes };
    });
  }

  async listSessions(auth: AuthContext): Promise<SessionView[]> {
    const now = this.clock.now();
    const sessions = await this.db
      .getRepository(Session)
      .createQueryBuilder('s')
      .where(
        's.user_id = :userId AND s.revoked_at IS NULL AND s.idle_expires_at > :now AND s.absolute_expires_at > :now',
        {
          userId: auth.user.id,
          now,
        },
      )
      .orderBy('s.created_at', 'DESC')
      .getMany();
    return sessions.map((s) => sessionView(s, auth.session.id));
  }

  async revokeSession(auth: AuthContext, sessionId: string): Promise<void> {
    await this.db.transaction(async (m) => {
      const result = await m
        .getRepository(Session)
        .update(
          { id: sessionId, userId: auth.user.id, revokedAt: IsNull() },
          { revokedAt: this.clock.now(), revokedReason: 'revoked_by_user' },
        );
      if (!result.affected) throw notFound('Session');
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

  async logoutEverywhere(auth: AuthContext): Promise<{ revoked: number }> {
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
    const live = await m.getRepository(Session).find({ where: { userId, revokedAt: IsNull() }, select: { id: true } });
    if (live.length) {
      await m
        .getRepository(Session)
        .update({ id: In(live.map((s) => s.id)) }, { revokedAt: this.clock.now(), revokedReason: reason });
      await this.events.emit(m, { type: 'session.revoked', sessionIds: live.map((s) => s.id), userId, reason });
    }
    return live.map((s) => s.id);
  }
}
