import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { ErrorCode } from '../../contracts/errors.js';
import type { LoginInput, LoginResult, StepUpInput, StepUpView } from '../../contracts/identity.js';
import { AgenciesService } from '../agencies/agencies.service.js';
import { AuditService } from '../audit/audit.service.js';
import { AppError } from '../common/app-error.js';
import { Clock } from '../common/clock.js';
import { RateLimiter } from '../common/rate-limiter.js';
import type { RequestMeta } from '../common/request-context.js';
import { APP_CONFIG, type AppConfig } from '../config/config.schema.js';
import type { Session } from './entities/session.entity.js';
import type { User } from './entities/user.entity.js';
import type { AuthContext } from './auth-context.js';
import { PasswordVerifier } from './passwords.js';
import { SessionsRepository, toSessionView } from './sessions.repository.js';
import { SignInThrottleService } from './sign-in-throttle.service.js';
import { checkSecondFactor, WRONG_FACTOR } from './second-factor.js';
import { hashToken, newToken } from './tokens.js';
import { toUserView, UsersRepository } from './users.repository.js';

type LoginOutcome = { ok: true; token: string; session: Session; user: User } | { ok: false; error: AppError };

/** Sign-in: rate limit, throttling, password, second factor, and a new session. */
@Injectable()
export class LoginService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly agencies: AgenciesService,
    private readonly audit: AuditService,
    private readonly rateLimiter: RateLimiter,
    private readonly users: UsersRepository,
    private readonly sessions: SessionsRepository,
    private readonly throttle: SignInThrottleService,
    private readonly passwords: PasswordVerifier,
  ) {}

  async login(dto: LoginInput, meta: RequestMeta): Promise<LoginResult> {
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
      session: toSessionView(outcome.session),
      user: toUserView(outcome.user),
      agency: { id: agency.id, name: agency.name, status: agency.status },
    };
  }

  /**
   * Runs in one transaction; failures are returned (not thrown) so their counts and audit commit. Every
   * address gets the same treatment, known or not: the same throttling, the same password work, the same
   * answer, so nothing here tells whether an account exists.
   */
  private async attemptLogin(m: EntityManager, dto: LoginInput, meta: RequestMeta): Promise<LoginOutcome> {
    const now = this.clock.now();
    const admission = await this.throttle.admit(m, this.throttle.keysFor(dto.email, meta.ip), now);
    const user = await this.users.lockByEmail(m, dto.email);
    const actor = user ? { userId: user.id, agencyId: user.agencyId } : null;
    if (admission.waitMs > 0) {
      await this.audit.record(m, {
        actor,
        action: 'auth.login',
        outcome: 'denied',
        details: { reason: 'throttled' },
        meta,
      });
      return { ok: false, error: this.throttle.refusal(admission, 'Too many failed sign-in attempts.') };
    }
    const fail = async (code: ErrorCode, message: string, reason: string): Promise<LoginOutcome> => {
      await this.throttle.failed(m, admission, user?.id ?? null, now);
      await this.audit.record(m, { actor, action: 'auth.login', outcome: 'failure', details: { reason }, meta });
      return { ok: false, error: new AppError(401, code, message) };
    };

    const passwordOk = await this.passwords.verify(dto.password, user?.passwordHash ?? null);
    if (!user || !passwordOk || user.status !== 'active') {
      return fail(
        'invalid_credentials',
        'The e-mail address or password is wrong.',
        user ? (passwordOk ? `status_${user.status}` : 'bad_password') : 'unknown_email',
      );
    }
    const factor = await checkSecondFactor(this.users, m, user, dto, now);
    if (!factor.ok) {
      if (factor.reason !== 'mfa_missing') return fail('invalid_mfa_code', WRONG_FACTOR[factor.reason], factor.reason);
      return {
        ok: false,
        error: new AppError(401, 'mfa_required', 'Enter the code from your authenticator app (or a recovery code).', {
          methods: ['totp', 'recovery_code'],
        }),
      };
    }
    const needsEnrolment = this.config.MFA_REQUIRED_ROLES.includes(user.role) && !user.mfaEnabledAt;
    await this.throttle.succeeded(m, admission);
    await this.users.update(m, user.id, { mfaLastTimeStep: factor.timeStep });
    const token = newToken();
    const session = await this.sessions.insert(m, {
      userId: user.id,
      tokenHash: hashToken(token),
      stage: needsEnrolment ? 'mfa_enrolment' : 'full',
      lastSeenAt: now,
      idleExpiresAt: new Date(now.getTime() + this.config.SESSION_IDLE_MINUTES * 60_000),
      absoluteExpiresAt: new Date(now.getTime() + this.config.SESSION_ABSOLUTE_HOURS * 3_600_000),
      ip: meta.ip,
      userAgent: meta.userAgent,
      steppedUpAt: now,
    });
    await this.audit.record(m, {
      actor: { userId: user.id, agencyId: user.agencyId },
      action: 'auth.login',
      target: { type: 'session', id: session.id },
      details: { mfa: factor.method, stage: session.stage },
      meta,
    });
    return { ok: true, token, session, user };
  }

  /**
   * The password again, and the authenticator code when the account has two-factor sign-in: the
   * session may then add a device for `STEP_UP_MINUTES`. Wrong answers are throttled with sign-in's, at the
   * account's address and the caller's source, so a stolen session cannot guess the password here either.
   */
  async stepUp(auth: AuthContext, dto: StepUpInput, meta: RequestMeta): Promise<StepUpView> {
    await this.rateLimiter.hit(
      `step-up:${auth.user.id}`,
      this.config.LOGIN_RATE_LIMIT_PER_MINUTE,
      60,
      'Too many attempts to confirm your password. Wait a minute and try again.',
    );
    const outcome = await this.db.transaction(
      async (m): Promise<{ ok: true; at: Date } | { ok: false; error: AppError }> => {
        const now = this.clock.now();
        const admission = await this.throttle.admit(m, this.throttle.keysFor(auth.user.email, meta.ip), now);
        const user = (await this.users.lockById(m, auth.user.id))!;
        const refuse = async (code: ErrorCode, message: string, reason: string) => {
          await this.throttle.failed(m, admission, user.id, now);
          await this.audit.record(m, {
            actor: { userId: user.id, agencyId: user.agencyId },
            action: 'auth.step_up',
            outcome: 'failure',
            details: { reason },
            meta,
          });
          return { ok: false as const, error: new AppError(401, code, message) };
        };
        if (admission.waitMs > 0) {
          await this.audit.record(m, {
            actor: { userId: user.id, agencyId: user.agencyId },
            action: 'auth.step_up',
            outcome: 'denied',
            details: { reason: 'throttled' },
            meta,
          });
          return { ok: false, error: this.throttle.refusal(admission, 'Too many wrong attempts.') };
        }
        if (!(await this.passwords.verify(dto.password, user.passwordHash))) {
          return refuse('invalid_credentials', 'That password is wrong.', 'bad_password');
        }
        // Step-up takes the authenticator's code only: a recovery code is for when the device is lost.
        const factor = await checkSecondFactor(this.users, m, user, { totp: dto.totp }, now);
        if (!factor.ok) {
          if (factor.reason !== 'mfa_missing')
            return refuse('invalid_mfa_code', WRONG_FACTOR[factor.reason], factor.reason);
          return {
            ok: false,
            error: new AppError(401, 'mfa_required', 'Enter the code from your authenticator app too.'),
          };
        }
        await this.throttle.succeeded(m, admission);
        await this.users.update(m, user.id, { mfaLastTimeStep: factor.timeStep });
        await this.sessions.steppedUp(m, auth.session.id, now);
        await this.audit.record(m, {
          actor: { userId: user.id, agencyId: user.agencyId },
          action: 'auth.step_up',
          target: { type: 'session', id: auth.session.id },
          meta,
        });
        return { ok: true, at: now };
      },
    );
    if (!outcome.ok) throw outcome.error;
    return { steppedUpUntil: new Date(outcome.at.getTime() + this.config.STEP_UP_MINUTES * 60_000).toISOString() };
  }
}
