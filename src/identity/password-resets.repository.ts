import { Injectable } from '@nestjs/common';
import { IsNull, MoreThan, type EntityManager } from 'typeorm';
import { PasswordReset } from './entities/password-reset.entity.js';

/** password_resets: single-use, short-lived tokens (stored as hashes) e-mailed to people who forgot their password. */
@Injectable()
export class PasswordResetsRepository {
  async insert(m: EntityManager, userId: string, tokenHash: Buffer, createdAt: Date, expiresAt: Date): Promise<void> {
    await m.getRepository(PasswordReset).insert({ userId, tokenHash, createdAt, expiresAt });
  }

  /** By token hash, locked: a reset is used once even when completed twice at the same moment. */
  lockByTokenHash(m: EntityManager, tokenHash: Buffer): Promise<PasswordReset | null> {
    return m.getRepository(PasswordReset).findOne({ where: { tokenHash }, lock: { mode: 'pessimistic_write' } });
  }

  /** How many resets a user was sent since a moment: at most PASSWORD_RESETS_PER_HOUR an hour. */
  countSince(m: EntityManager, userId: string, since: Date): Promise<number> {
    return m.getRepository(PasswordReset).countBy({ userId, createdAt: MoreThan(since) });
  }

  /** Spends every unused reset of a user: only the newest link works, and none after a reset or off-boarding. */
  async spendOpen(m: EntityManager, userId: string, now: Date): Promise<void> {
    await m.getRepository(PasswordReset).update({ userId, usedAt: IsNull() }, { usedAt: now });
  }
}
