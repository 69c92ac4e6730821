import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { ErrorCode } from '../../contracts/errors.js';
import type {
  PasswordResetCompleteInput,
  PasswordResetDone,
  PasswordResetRequested,
  PasswordResetRequestInput,
} from '../../contracts/identity.js';
import { AuditService } from '../audit/audit.service.js';
import { AppError, badRequest } from '../common/app-error.js';
import { Clock } from '../common/clock.js';
import { RateLimiter } from '../common/rate-limiter.js';
import type { RequestMeta } from '../common/request-context.js';
import { APP_CONFIG, type AppConfig } from '../config/config.schema.js';
import { Mailer, type MailMessage } from '../mail/mailer.service.js';
import type { User } from './entities/user.entity.js';
import { linkBase, PASSWORD_RESET_PAGE, passwordResetMail, tokenLink } from './identity-mail.js';
import { hashPassword, passwordProblems } from './passwords.js';
import { PasswordResetsRepository } from './password-resets.repository.js';
import { SessionsService } from './sessions.service.js';
import { SignInThrottleService } from './sign-in-throttle.service.js';
import { checkSecondFactor, WRONG_FACTOR } from './second-factor.js';
import { hashToken, newToken } from './tokens.js';
import { UsersRepository } from './users.repository.js';

type Outcome<T> = { ok: true; value: T } | { ok: false; error: AppError };

const HOUR = 3_600_000;

/**
 * Password resets by e-mail: a request answers the same for every address, and an active account's gets a
 * single-use link that works for PASSWORD_RESET_TTL_MINUTES; completing one needs the second factor when
 * the account has one, sets the password under the invitation's rules and ends every session of the account.
 * Every step is audited, refusals included (their events commit though the request is refused).
 */
@Injectable()
export class PasswordResetService {
  private readonly log = new Logger('PasswordReset');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly rateLimiter: RateLimiter,
    private readonly mailer: Mailer,
    private readonly users: UsersRepository,
    private readonly resets: PasswordResetsRepository,
    private readonly sessions: SessionsService,
    private readonly throttle: SignInThrottleService,
  ) {}

  /** The one answer to every reset request, whatever the address. */
  private answer(): PasswordResetRequested {
    if (this.mailer.mode === 'off') {
      return {
        message:
          'This server does not send e-mail, so a password cannot be reset here. Ask your agency’s administrator.',
      };
    }
    return {
      message:
        'If an active account has that address, a link to choose a new password is on its way to it. ' +
        `The link works once, within ${this.config.PASSWORD_RESET_TTL_MINUTES} minutes.`,
    };
  }

  /**
   * The same answer, at once, for every address: the e-mail goes after the answer, so how long the answer
   * takes does not tell whether the address has an account. Requests are limited per network address (429),
   * and an account gets at most PASSWORD_RESETS_PER_HOUR e-mails an hour (more are quietly not sent).
   */
  async request(dto: PasswordResetRequestInput, meta: RequestMeta): Promise<PasswordResetRequested> {
    await this.rateLimiter.hit(
      `password-reset:${meta.ip ?? 'unknown'}`,
      this.config.LOGIN_RATE_LIMIT_PER_MINUTE,
      60,
      'Too many password reset requests from this address. Wait a minute and try again.',
    );
    const mail = await this.db.transaction((m) => this.issue(m, dto.email, meta));
    if (mail) {
      void this.mailer.send(mail).then((receipt) => {
        if (!receipt.sent) this.log.warn(`A password reset e-mail was not sent: ${receipt.reason}`);
      });
    }
    return this.answer();
  }

  private async issue(m: EntityManager, email: string, meta: RequestMeta): Promise<MailMessage | null> {
    const now = this.clock.now();
    const user = await this.users.lockByEmail(m, email);
    const record = (outcome: 'success' | 'failure' | 'denied', reason?: string) =>
      this.audit.record(m, {
        actor: user ? { userId: user.id, agencyId: user.agencyId } : null,
        action: 'auth.password_reset_requested',
        target: user ? { type: 'user', id: user.id } : null,
        outcome,
        details: reason ? { reason } : {},
        meta,
      });
    if (this.mailer.mode === 'off') {
      await record('denied', 'email_off');
      return null;
    }
    if (!user) {
      await record('failure', 'unknown_email');
      return null;
    }
    if (user.status !== 'active') {
      await record('denied', `status_${user.status}`);
      return null;
    }
    const recent = await this.resets.countSince(m, user.id, new Date(now.getTime() - HOUR));
    if (recent >= this.config.PASSWORD_RESETS_PER_HOUR) {
      await record('denied', 'too_many_resets');
      return null;
    }
    // Only the newest link works: asking again makes the earlier ones useless.
    await this.resets.spendOpen(m, user.id, now);
    const token = newToken();
    const minutes = this.config.PASSWORD_RESET_TTL_MINUTES;
    await this.resets.insert(m, user.id, hashToken(token), now, new Date(now.getTime() + minutes * 60_000));
    await record('success');
    const link = tokenLink(linkBase(this.config), PASSWORD_RESET_PAGE, 'token', token);
    return passwordResetMail({ to: user.email, link, token, minutes });
  }

  /** Sets the new password with the e-mailed token; refusals commit their audit event (and throttle count). */
  async complete(dto: PasswordResetCompleteInput, meta: RequestMeta): Promise<PasswordResetDone> {
    await this.rateLimiter.hit(
      `password-reset-complete:${meta.ip ?? 'unknown'}`,
      this.config.LOGIN_RATE_LIMIT_PER_MINUTE,
      60,
      'Too many attempts to reset a password from this address. Wait a minute and try again.',
    );
    const outcome = await this.db.transaction((m) => this.attempt(m, dto, meta));
    if (!outcome.ok) throw outcome.error;
    return outcome.value;
  }

  private async attempt(
    m: EntityManager,
    dto: PasswordResetCompleteInput,
    meta: RequestMeta,
  ): Promise<Outcome<PasswordResetDone>> {
    const now = this.clock.now();
    const reset = await this.resets.lockByTokenHash(m, hashToken(dto.token));
    const user = reset && (await this.users.lockById(m, reset.userId));
    const actor = user ? { userId: user.id, agencyId: user.agencyId } : null;
    const refuse = async (
      status: number,
      code: ErrorCode,
      message: string,
      reason: string,
    ): Promise<Outcome<PasswordResetDone>> => {
      await this.audit.record(m, {
        actor,
        action: 'auth.password_reset_completed',
        target: user ? { type: 'user', id: user.id } : null,
        outcome: status === 401 || status === 429 ? 'denied' : 'failure',
        details: { reason },
        meta,
      });
      return { ok: false, error: new AppError(status, code, message) };
    };
    if (!reset || !user) {
      return refuse(
        400,
        'password_reset_invalid',
        'This password reset link is not valid. Ask for a new one.',
        'unknown_token',
      );
    }
    // Before the link's own state: off-boarding spends the link too, and the person should hear why.
    if (user.status !== 'active') {
      return refuse(
        403,
        'account_disabled',
        'This account is disabled, so its password cannot be reset. Ask your agency’s administrator.',
        `status_${user.status}`,
      );
    }
    if (reset.usedAt) {
      return refuse(
        400,
        'password_reset_invalid',
        'This password reset link was already used (or a newer one was sent). Ask for a new one if you still need it.',
        'used',
      );
    }
    if (reset.expiresAt <= now) {
      return refuse(
        400,
        'password_reset_invalid',
        `This password reset link has expired: each works for ${this.config.PASSWORD_RESET_TTL_MINUTES} minutes. Ask for a new one.`,
        'expired',
      );
    }
    const problems = passwordProblems(dto.newPassword, { email: user.email });
    if (problems.length) {
      // Checked first, so nothing is spent (not a recovery code either): the same link works with a better one.
      const weak = badRequest('weak_password', 'Choose a different password.', { fields: { newPassword: problems } });
      return { ok: false, error: weak };
    }
    const factor = await this.secondFactor(m, user, dto, meta, now);
    if (!factor.ok) return factor;
    await this.users.update(m, user.id, {
      passwordHash: await hashPassword(dto.newPassword, this.config.PASSWORD_SCRYPT_LOG_N),
      mfaLastTimeStep: factor.value,
    });
    await this.resets.spendOpen(m, user.id, now);
    const revoked = await this.sessions.revokeAllSessions(m, user.id, 'password_reset');
    await this.audit.record(m, {
      actor,
      action: 'auth.password_reset_completed',
      target: { type: 'user', id: user.id },
      details: {
        sessionsRevoked: revoked.length,
        mfa: user.mfaEnabledAt ? (dto.totp ? 'totp' : 'recovery_code') : 'none',
      },
      meta,
    });
    return { ok: true, value: { email: user.email, sessionsRevoked: revoked.length } };
  }

  /**
   * The account's second factor, when it has one: a reset link alone (someone who reads the person's mail)
   * must not be enough. Wrong codes count against sign-in throttling at the account's address and the
   * caller's source, as at sign-in, so the link cannot be used to guess codes either. Returns the TOTP step.
   */
  private async secondFactor(
    m: EntityManager,
    user: User,
    dto: PasswordResetCompleteInput,
    meta: RequestMeta,
    now: Date,
  ): Promise<Outcome<number | null>> {
    if (!user.mfaEnabledAt || !user.mfaSecret) return { ok: true, value: user.mfaLastTimeStep };
    const actor = { userId: user.id, agencyId: user.agencyId };
    const admission = await this.throttle.admit(m, this.throttle.keysFor(user.email, meta.ip), now);
    const refuse = async (error: AppError, reason: string, outcome: 'failure' | 'denied', count: boolean) => {
      if (count) await this.throttle.failed(m, admission, user.id, now);
      await this.audit.record(m, {
        actor,
        action: 'auth.password_reset_completed',
        target: { type: 'user', id: user.id },
        outcome,
        details: { reason },
        meta,
      });
      return { ok: false as const, error };
    };
    if (admission.waitMs > 0) {
      return refuse(this.throttle.refusal(admission, 'Too many wrong codes.'), 'throttled', 'denied', false);
    }
    const factor = await checkSecondFactor(this.users, m, user, dto, now);
    if (factor.ok) {
      await this.throttle.succeeded(m, admission);
      return { ok: true, value: factor.timeStep };
    }
    if (factor.reason !== 'mfa_missing') {
      const wrong = new AppError(401, 'invalid_mfa_code', WRONG_FACTOR[factor.reason]);
      return refuse(wrong, factor.reason, 'failure', true);
    }
    const needed = new AppError(
      401,
      'mfa_required',
      'Your account has two-factor sign-in: enter the code from your authenticator app (or a recovery code) too.',
      { methods: ['totp', 'recovery_code'] },
    );
    return refuse(needed, 'mfa_missing', 'denied', false);
  }
}
