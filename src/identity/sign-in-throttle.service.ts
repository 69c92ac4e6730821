import { createHash } from 'node:crypto';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { ClearedSignInThrottle, SignInThrottlesView } from '../../contracts/identity.js';
import { AuditService } from '../audit/audit.service.js';
import { AppError, notFound, tooManyRequests } from '../common/app-error.js';
import { Clock } from '../common/clock.js';
import { JobRegistry } from '../common/jobs.js';
import { APP_CONFIG, type AppConfig } from '../config/config.schema.js';
import { actorOf, type AuthContext } from './auth-context.js';
import {
  addressAfterFailure,
  afterFailure,
  pairAfterFailure,
  waitMs,
  type Lanes,
  type ThrottlePolicies,
} from './sign-in-throttle.js';
import { signInSource } from './sign-in-source.js';
import { SignInThrottlesRepository, type LaneKeys } from './sign-in-throttles.repository.js';
import { UsersRepository } from './users.repository.js';

const MINUTE = 60_000;

/** One attempt's lanes as they stood when it was let through or refused. */
export interface Admission {
  keys: LaneKeys;
  lanes: Lanes;
  /** How long the attempt must wait; 0 when it may go ahead. */
  waitMs: number;
}

/**
 * The e-mail address as it is counted: a SHA-256, so that addresses matching no account (mistypings of
 * someone's real address, an attacker's list) are not kept. Not a secret: it hides the list, not one guess.
 */
export const addressKey = (email: string) =>
  createHash('sha256').update(`strongroom sign-in address\n${email.toLowerCase()}`).digest('hex');

/** "45 seconds", "3 minutes", "2 hours": how long to wait, in words. */
export function waitInWords(seconds: number): string {
  const say = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  if (seconds < 120) return say(seconds, 'second');
  if (seconds < 2 * 3600) return say(Math.ceil(seconds / 60), 'minute');
  return say(Math.ceil(seconds / 3600), 'hour');
}

/**
 * Sign-in throttling, kept in PostgreSQL so every instance applies the same counts (rules in
 * `sign-in-throttle.ts`). Sign-in and step-up call `admit` first, then `failed` or `succeeded`, all in
 * their own transaction; ISA admins see and clear throttling here too.
 */
@Injectable()
export class SignInThrottleService implements OnModuleInit {
  readonly policies: ThrottlePolicies;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly clock: Clock,
    private readonly jobs: JobRegistry,
    private readonly audit: AuditService,
    private readonly repo: SignInThrottlesRepository,
    private readonly users: UsersRepository,
  ) {
    const sourceMax = config.LOGIN_SOURCE_MAX_DELAY_MINUTES * MINUTE;
    this.policies = {
      address: {
        free: config.LOGIN_ACCOUNT_FREE_FAILURES,
        firstDelayMs: MINUTE,
        maxDelayMs: config.LOGIN_ACCOUNT_MAX_DELAY_MINUTES * MINUTE,
        forgiveMs: 60 * MINUTE,
      },
      source: {
        free: config.LOGIN_SOURCE_FREE_FAILURES,
        firstDelayMs: MINUTE,
        maxDelayMs: sourceMax,
        forgiveMs: 15 * MINUTE,
      },
      pair: { free: 0, firstDelayMs: MINUTE, maxDelayMs: sourceMax, forgiveMs: 60 * MINUTE },
    };
  }

  onModuleInit(): void {
    this.jobs.register('sign-in-throttle-prune', () => this.prune());
  }

  /** What an attempt at `email` from `ip` is counted against. */
  keysFor(email: string, ip: string | null): LaneKeys {
    const address = addressKey(email);
    const source = signInSource(ip);
    return { address, source, pair: `${address} ${source}` };
  }

  /**
   * Takes the address's lock for the rest of the transaction and says whether the attempt may go ahead.
   * The same work and the same answer whether or not the address belongs to anyone.
   */
  async admit(m: EntityManager, keys: LaneKeys, now: Date): Promise<Admission> {
    await this.repo.lockAddress(m, keys.address);
    const lanes = await this.repo.lanes(m, keys);
    return { keys, lanes, waitMs: waitMs(lanes, this.policies, now) };
  }

  /** The refusal for an attempt that must wait: 429 with Retry-After, the same for every address. */
  refusal(admission: Admission, message: string): AppError {
    const seconds = Math.max(1, Math.ceil(admission.waitMs / 1000));
    return tooManyRequests('too_many_attempts', `${message} Try again in ${waitInWords(seconds)}.`, seconds);
  }

  /** Counts a failed attempt in every lane; `userId` is the account the address belongs to, if any. */
  async failed(m: EntityManager, { keys, lanes }: Admission, userId: string | null, now: Date): Promise<void> {
    const address = addressAfterFailure(lanes.address, this.policies.address, now);
    await this.repo.save(m, 'address', keys.address, address, userId);
    const pair = pairAfterFailure(lanes.pair, address, this.policies.pair, now);
    if (pair) await this.repo.save(m, 'pair', keys.pair, pair);
    const source = await this.repo.lockSource(m, keys.source, now);
    await this.repo.save(m, 'source', keys.source, afterFailure(source, this.policies.source, now));
  }

  /**
   * The right password (and second factor): the address's count starts afresh, and so does this source at
   * it. The source's own count stays: one good account must not wash away a source's guesses at others.
   */
  async succeeded(m: EntityManager, { keys }: Admission): Promise<void> {
    await this.repo.deleteLane(m, 'address', keys.address);
    await this.repo.deleteLane(m, 'pair', keys.pair);
  }

  /** Who is held back now, and until when (ISA admins). */
  async current(): Promise<SignInThrottlesView> {
    const now = this.clock.now();
    const m = this.db.manager;
    return {
      accounts: await this.repo.throttledAccounts(m, now),
      sources: await this.repo.throttledSources(m, now),
      otherAddresses: await this.repo.otherThrottledAddresses(m, now),
    };
  }

  /** Forgets an account's failed sign-ins, and every source's failures at it (ISA admins; audited). */
  clearAccount(auth: AuthContext, userId: string): Promise<ClearedSignInThrottle> {
    return this.db.transaction(async (m) => {
      const user = await this.users.byId(m, userId);
      if (!user) throw notFound('The account');
      const address = addressKey(user.email);
      await this.repo.lockAddress(m, address);
      const cleared = await this.repo.deleteAddress(m, address);
      await this.audit.record(m, {
        actor: actorOf(auth),
        action: 'auth.sign_in_throttle_cleared',
        target: { type: 'user', id: user.id },
        details: { cleared },
        meta: auth.meta,
      });
      return { userId: user.id, cleared };
    });
  }

  async prune(): Promise<void> {
    const now = this.clock.now();
    const p = this.policies;
    await this.db.transaction(async (m) => {
      await this.repo.prune(m, 'address', now, p.address.forgiveMs, p.address.maxDelayMs);
      await this.repo.prune(m, 'source', now, p.source.forgiveMs, 0);
      await this.repo.prune(m, 'pair', now, p.pair.forgiveMs, 0);
    });
  }
}
