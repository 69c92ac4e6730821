import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { MfaEnabled, MfaEnrolment, MfaVerifyInput } from '../../contracts/identity.js';
import { AuditService } from '../audit/audit.service.js';
import { AppError, conflict, notFound } from '../common/app-error.js';
import { Clock } from '../common/clock.js';
import { actorOf, type AuthContext } from './auth-context.js';
import { SessionsRepository } from './sessions.repository.js';
import { hashToken, newRecoveryCode, normaliseRecoveryCode } from './tokens.js';
import { checkTotp, newTotpSecret, totpUri } from './totp.js';
import { UsersRepository } from './users.repository.js';

/** Two-factor enrolment: a pending TOTP secret, then a code that proves it, then recovery codes. */
@Injectable()
export class MfaService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly users: UsersRepository,
    private readonly sessions: SessionsRepository,
  ) {}

  async startMfaEnrolment(auth: AuthContext): Promise<MfaEnrolment> {
    if (auth.user.mfaEnabledAt) throw conflict('mfa_already_enabled', 'Two-factor authentication is already enabled.');
    const secret = newTotpSecret();
    await this.db.transaction(async (m) => {
      await this.users.update(m, auth.user.id, { mfaPendingSecret: secret });
      await this.audit.record(m, { actor: actorOf(auth), action: 'mfa.enrolment_started', meta: auth.meta });
    });
    return { secret, otpauthUrl: totpUri(auth.user.email, secret) };
  }

  /** Enables MFA, issues ten recovery codes (replacing any) and makes this enrolment session a full one. */
  async completeMfaEnrolment(auth: AuthContext, dto: MfaVerifyInput): Promise<MfaEnabled> {
    return this.db.transaction(async (m) => {
      const user = await this.users.lockById(m, auth.user.id);
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
      await this.users.update(m, user.id, {
        mfaSecret: user.mfaPendingSecret,
        mfaPendingSecret: null,
        mfaEnabledAt: this.clock.now(),
        mfaLastTimeStep: step,
      });
      const codes = Array.from({ length: 10 }, newRecoveryCode);
      await this.users.replaceRecoveryCodes(
        m,
        user.id,
        codes.map((c) => hashToken(normaliseRecoveryCode(c))),
      );
      await this.sessions.setStage(m, auth.session.id, 'full');
      await this.audit.record(m, { actor: actorOf(auth), action: 'mfa.enabled', meta: auth.meta });
      return { enabled: true, recoveryCodes: codes };
    });
  }
}
