import type { EntityManager } from 'typeorm';
import type { User } from './entities/user.entity.js';
import { hashToken, normaliseRecoveryCode } from './tokens.js';
import { checkTotp } from './totp.js';
import type { UsersRepository } from './users.repository.js';

/** What a person gave as their second factor. */
export interface GivenFactor {
  totp?: string;
  recoveryCode?: string;
}

/** A second factor that did not hold, with the words every place that asks for one uses. */
export const WRONG_FACTOR = {
  bad_totp: 'That authentication code is wrong or was already used.',
  bad_recovery_code: 'That recovery code is wrong or was already used.',
} as const;

export type FactorCheck =
  /** `timeStep` to store as the account's last used TOTP step (unchanged for a recovery code or none). */
  | { ok: true; timeStep: number | null; method: 'totp' | 'recovery_code' | 'none' }
  | { ok: false; reason: keyof typeof WRONG_FACTOR | 'mfa_missing' };

/**
 * The account's second factor, where it has one: a TOTP code not used before (its step comes back, to be
 * stored so it cannot be used again), or an unused recovery code, which this spends. An account without
 * two-factor sign-in passes with `none`. Sign-in and password reset both ask through here; each says the
 * refusal in its own words for `mfa_missing`, and counts wrong codes against its throttle.
 */
export async function checkSecondFactor(
  users: UsersRepository,
  m: EntityManager,
  user: User,
  given: GivenFactor,
  now: Date,
): Promise<FactorCheck> {
  if (!user.mfaEnabledAt || !user.mfaSecret) return { ok: true, timeStep: user.mfaLastTimeStep, method: 'none' };
  if (given.totp) {
    const step = await checkTotp(user.mfaSecret, given.totp, now, user.mfaLastTimeStep);
    return step === null ? { ok: false, reason: 'bad_totp' } : { ok: true, timeStep: step, method: 'totp' };
  }
  if (given.recoveryCode) {
    const spent = await users.useRecoveryCode(m, user.id, hashToken(normaliseRecoveryCode(given.recoveryCode)), now);
    return spent
      ? { ok: true, timeStep: user.mfaLastTimeStep, method: 'recovery_code' }
      : { ok: false, reason: 'bad_recovery_code' };
  }
  return { ok: false, reason: 'mfa_missing' };
}
