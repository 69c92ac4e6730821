import { Injectable } from '@nestjs/common';
import { IsNull, type EntityManager } from 'typeorm';
import { Invitation } from './entities/invitation.entity.js';

/** invitations: one-time tokens (stored as hashes) with which invited people set their password. */
@Injectable()
export class InvitationsRepository {
  async insert(m: EntityManager, userId: string, tokenHash: Buffer, expiresAt: Date): Promise<void> {
    await m.getRepository(Invitation).insert({ userId, tokenHash, expiresAt });
  }

  /** By token hash, locked: an invitation is used once even when accepted twice at the same moment. */
  lockByTokenHash(m: EntityManager, tokenHash: Buffer): Promise<Invitation | null> {
    return m.getRepository(Invitation).findOne({ where: { tokenHash }, lock: { mode: 'pessimistic_write' } });
  }

  async markUsed(m: EntityManager, id: string, now: Date): Promise<void> {
    await m.getRepository(Invitation).update({ id }, { usedAt: now });
  }

  /** Spends every unused invitation of a user (an off-boarded account cannot be activated). */
  async spendOpen(m: EntityManager, userId: string, now: Date): Promise<void> {
    await m.getRepository(Invitation).update({ userId, usedAt: IsNull() }, { usedAt: now });
  }
}
