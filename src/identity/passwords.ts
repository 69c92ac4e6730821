import { Inject, Injectable } from '@nestjs/common';
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../../contracts/identity.js';
import { APP_CONFIG, type AppConfig } from '../config/config.schema.js';
import { COMMON_PASSWORDS } from './common-passwords.js';

// scrypt with N=2^15 by default (PASSWORD_SCRYPT_LOG_N; OWASP's minimum recommendation), r=8, p=1: 32 MiB
// of memory per hash.
const params = (logN: number) => ({ N: 2 ** logN, r: 8, p: 1 }) as const;
const KEY_LEN = 32;

function scrypt(password: string, salt: Buffer, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCb(password.normalize('NFKC'), salt, KEY_LEN, { ...opts, maxmem: 128 * opts.N! * opts.r! * 2 }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

/** `scrypt$N$r$p$salt$key`, salt and key base64url. Parameters are stored so they can be raised later. */
export async function hashPassword(password: string, logN = 15): Promise<string> {
  const salt = randomBytes(16);
  const p = params(logN);
  const key = await scrypt(password, salt, p);
  return ['scrypt', p.N, p.r, p.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/**
 * Checks passwords at sign-in and step-up. A provider, so tests can count the key derivations it runs: an
 * attempt at an address that matches no account (or one with no password yet) must cost what any other
 * does, or the time an answer takes would tell whether the account exists.
 */
@Injectable()
export class PasswordVerifier {
  /** A fixed hash at the cost new ones are made with, checked when there is no stored hash. */
  private readonly dummyHash: string;

  constructor(@Inject(APP_CONFIG) config: Pick<AppConfig, 'PASSWORD_SCRYPT_LOG_N'>) {
    const p = params(config.PASSWORD_SCRYPT_LOG_N);
    this.dummyHash = `scrypt$${p.N}$${p.r}$${p.p}$${Buffer.alloc(16).toString('base64url')}$${Buffer.alloc(KEY_LEN).toString('base64url')}`;
  }

  async verify(password: string, stored: string | null): Promise<boolean> {
    // With no stored hash, the same work against a fixed dummy hash of the same parameters.
    const parts = (stored ?? this.dummyHash).split('$');
    if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
    const [, n, r, p, salt, key] = parts;
    const expected = Buffer.from(key, 'base64url');
    const actual = await this.derive(password, Buffer.from(salt, 'base64url'), {
      N: Number(n),
      r: Number(r),
      p: Number(p),
    });
    return stored !== null && actual.length === expected.length && timingSafeEqual(actual, expected);
  }

  /** The costly step (scrypt): run once for every password checked, whatever the address. */
  derive(password: string, salt: Buffer, params: { N: number; r: number; p: number }): Promise<Buffer> {
    return scrypt(password, salt, params);
  }
}

/** Why a password is unacceptable, or an empty list. Length and the common-password list (NCSC/ASVS). */
export function passwordProblems(password: string, context: { email?: string } = {}): string[] {
  const problems: string[] = [];
  const chars = [...password].length;
  if (chars < MIN_PASSWORD_LENGTH) problems.push(`must be at least ${MIN_PASSWORD_LENGTH} characters`);
  if (chars > MAX_PASSWORD_LENGTH) problems.push(`must be at most ${MAX_PASSWORD_LENGTH} characters`);
  if (COMMON_PASSWORDS.has(password.toLowerCase())) problems.push('is one of the most commonly used passwords');
  const local = context.email?.split('@')[0]?.toLowerCase();
  if (local && local.length >= 4 && password.toLowerCase().includes(local))
    problems.push('must not contain your e-mail name');
  return problems;
}
