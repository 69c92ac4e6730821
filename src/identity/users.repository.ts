import { Injectable } from '@nestjs/common';
import { In, IsNull, type EntityManager } from 'typeorm';
import type { Role, UserView } from '../../contracts/identity.js';
import { RecoveryCode } from './entities/recovery-code.entity.js';
import { User } from './entities/user.entity.js';

export const toUserView = (
  u: Pick<
    User,
    'id' | 'agencyId' | 'email' | 'displayName' | 'role' | 'status' | 'mfaEnabledAt' | 'createdAt' | 'disabledAt'
  >,
): UserView => ({
  id: u.id,
  agencyId: u.agencyId,
  email: u.email,
  displayName: u.displayName,
  role: u.role,
  status: u.status,
  mfaEnabled: u.mfaEnabledAt !== null,
  createdAt: u.createdAt.toISOString(),
  disabledAt: u.disabledAt?.toISOString() ?? null,
});

/** What may change on a user row after creation. */
export type UserPatch = Partial<
  Pick<
    User,
    | 'status'
    | 'passwordHash'
    | 'mfaSecret'
    | 'mfaPendingSecret'
    | 'mfaEnabledAt'
    | 'mfaLastTimeStep'
    | 'disabledAt'
    | 'disabledReason'
    | 'identityPublicKey'
    | 'identityPublishedAt'
  >
>;

/** users, and the recovery codes that belong to a user's two-factor authentication. */
@Injectable()
export class UsersRepository {
  /** By e-mail address (already lower-cased), locked: sign-in spends TOTP steps and recovery codes on this row. */
  lockByEmail(m: EntityManager, email: string): Promise<User | null> {
    return m
      .getRepository(User)
      .createQueryBuilder('u')
      .setLock('pessimistic_write')
      .where('lower(u.email) = :email', { email })
      .getOne();
  }

  emailTaken(m: EntityManager, email: string): Promise<boolean> {
    return m.getRepository(User).createQueryBuilder('u').where('lower(u.email) = :email', { email }).getExists();
  }

  /** An active account by e-mail address (already lower-cased). */
  activeByEmail(m: EntityManager, email: string): Promise<User | null> {
    return m
      .getRepository(User)
      .createQueryBuilder('u')
      .where("lower(u.email) = :email AND u.status = 'active'", { email })
      .getOne();
  }

  /** What other modules check of a person (a lead worker, an approver, an assessor); null if no such user. */
  async standing(
    m: EntityManager,
    id: string,
  ): Promise<Pick<User, 'agencyId' | 'displayName' | 'role' | 'status'> | null> {
    return m
      .getRepository(User)
      .findOne({ where: { id }, select: { id: true, agencyId: true, displayName: true, role: true, status: true } });
  }

  /** The active people of an agency with one of `roles` (its data-protection leads, say), by id. */
  async activeIdsWithRole(m: EntityManager, agencyId: string, roles: Role[]): Promise<string[]> {
    const users = await m
      .getRepository(User)
      .find({ where: roles.map((role) => ({ agencyId, role, status: 'active' as const })), select: { id: true } });
    return users.map((u) => u.id).sort();
  }

  /** The active people with one of `roles` in any of `agencyIds` (every agency's admins, say), by id. */
  async activeIdsWithRoleIn(m: EntityManager, agencyIds: string[], roles: Role[]): Promise<string[]> {
    if (!agencyIds.length) return [];
    const users = await m.getRepository(User).find({
      where: roles.map((role) => ({ agencyId: In(agencyIds), role, status: 'active' as const })),
      select: { id: true },
    });
    return users.map((u) => u.id).sort();
  }

  /** The active people with one of `roles`, whatever their agency (the ISA team), by id. */
  async activeIdsWithRoleAnywhere(m: EntityManager, roles: Role[]): Promise<string[]> {
    const users = await m
      .getRepository(User)
      .find({ where: roles.map((role) => ({ role, status: 'active' as const })), select: { id: true } });
    return users.map((u) => u.id).sort();
  }

  /** Every user of an agency, whatever their status. */
  async idsOfAgency(m: EntityManager, agencyId: string): Promise<string[]> {
    const users = await m.getRepository(User).find({ where: { agencyId }, select: { id: true } });
    return users.map((u) => u.id);
  }

  byId(m: EntityManager, id: string): Promise<User | null> {
    return m.getRepository(User).findOneBy({ id });
  }

  lockById(m: EntityManager, id: string): Promise<User | null> {
    return m.getRepository(User).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  exists(m: EntityManager, id: string): Promise<boolean> {
    return m.getRepository(User).existsBy({ id });
  }

  /**
   * Active people of these agencies, by name, at most `limit`; with `nameQuery` (a text-search query of
   * name-word prefixes, user-search.ts), only those whose name matches it, through `users_name_words`.
   */
  async searchActive(
    m: EntityManager,
    agencyIds: string[],
    nameQuery: string | null,
    limit: number,
  ): Promise<Pick<User, 'id' | 'displayName' | 'role' | 'agencyId'>[]> {
    if (agencyIds.length === 0) return [];
    const rows = await m.query<{ id: string; display_name: string; role: Role; agency_id: string }[]>(
      `SELECT id, display_name, role, agency_id FROM users
        WHERE status = 'active' AND agency_id = ANY($1::uuid[])
          ${nameQuery ? "AND to_tsvector('simple', display_name) @@ to_tsquery('simple', $3)" : ''}
        ORDER BY display_name, id
        LIMIT $2`,
      nameQuery ? [agencyIds, limit, nameQuery] : [agencyIds, limit],
    );
    return rows.map((r) => ({ id: r.id, displayName: r.display_name, role: r.role, agencyId: r.agency_id }));
  }

  /** Of one agency, or of all, by display name. */
  list(m: EntityManager, agencyId?: string): Promise<User[]> {
    return m.getRepository(User).find({ where: agencyId ? { agencyId } : {}, order: { displayName: 'ASC' } });
  }

  /** Fails on `users_email_key` when a concurrent creation took the address. */
  insert(
    m: EntityManager,
    fields: Pick<User, 'agencyId' | 'email' | 'displayName' | 'role' | 'status' | 'createdBy'>,
  ): Promise<User> {
    return m.getRepository(User).save(m.create(User, fields));
  }

  async update(m: EntityManager, id: string, patch: UserPatch): Promise<void> {
    await m.getRepository(User).update({ id }, patch);
  }

  // ── recovery codes ──

  /** Spends an unused recovery code; false if there is no such unused code. */
  async useRecoveryCode(m: EntityManager, userId: string, codeHash: Buffer, now: Date): Promise<boolean> {
    const used = await m.getRepository(RecoveryCode).update({ userId, codeHash, usedAt: IsNull() }, { usedAt: now });
    return !!used.affected;
  }

  /** Replaces every recovery code of a user with these. */
  async replaceRecoveryCodes(m: EntityManager, userId: string, codeHashes: Buffer[]): Promise<void> {
    await m.getRepository(RecoveryCode).delete({ userId });
    await m.getRepository(RecoveryCode).insert(codeHashes.map((codeHash) => ({ userId, codeHash })));
  }
}
