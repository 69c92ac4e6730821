import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull, type EntityManager } from 'typeorm';
import { agencyCanShare, AgenciesService } from '../agencies/agencies.service.js';
import type { Agency } from '../agencies/entities/agency.entity.js';
import { AuditService } from '../audit/audit.service.js';
import { AppError, badRequest, conflict, forbidden, notFound } from '../common/app-error.js';
import { Clock } from '../common/clock.js';
import { onUniqueViolation } from '../common/db-errors.js';
import { DomainEvents } from '../common/domain-events.js';
import type { RequestMeta } from '../common/request-context.js';
import { APP_CONFIG, type AppConfig } from '../config/config.schema.js';
import { actorOf, type AuthContext } from './auth-context.js';
import { AuthService, userView } from './auth.service.js';
import type { AcceptInvitationDto, CreateUserDto, DisableUserDto } from './dto/identity.dto.js';
import { Invitation } from './entities/invitation.entity.js';
import { type Role, User } from './entities/user.entity.js';
import { hashPassword, passwordProblems } from './passwords.js';
import { hashToken, newToken } from './tokens.js';

/** Roles an agency's own data-protection lead may give; platform-wide roles are the ISA team's. */
const AGENCY_ADMIN_GRANTABLE: readonly Role[] = ['practitioner', 'agency_admin', 'mash_worker'];

/** Individually allocated accounts: creation by invitation, listing, and off-boarding of leavers. */
@Injectable()
export class UsersService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly agencies: AgenciesService,
    private readonly audit: AuditService,
    private readonly auth: AuthService,
    private readonly events: DomainEvents,
  ) {}

  /** Creates an invited account and returns the one-time invitation token to pass to the person. */
  async create(auth: AuthContext | null, dto: CreateUserDto) {
    const agencyId = dto.agencyId ?? auth?.user.agencyId;
    if (!agencyId)
      throw badRequest('validation_failed', 'Say which agency the user belongs to.', {
        fields: { agencyId: ['is required'] },
      });
    if (auth && auth.user.role === 'agency_admin') {
      if (agencyId !== auth.user.agencyId)
        throw forbidden('other_agency', 'You can only create users in your own agency.');
      if (!AGENCY_ADMIN_GRANTABLE.includes(dto.role)) {
        throw forbidden(
          'role_not_grantable',
          `Agency admins can create ${AGENCY_ADMIN_GRANTABLE.join(', ')} accounts only.`,
        );
      }
    }
    const emailTaken = () => conflict('email_taken', 'An account with that e-mail address already exists.');
    return this.db.transaction(async (m) => {
      const agency = await this.agencies.get(agencyId, m);
      if (agency.status === 'withdrawn')
        throw conflict('agency_withdrawn', `${agency.name} has withdrawn from the agreement.`);
      const taken = await m
        .getRepository(User)
        .createQueryBuilder('u')
        .where('lower(u.email) = :email', { email: dto.email })
        .getExists();
      if (taken) throw emailTaken();
      // A concurrent creation for the same address passes the check above; the unique index decides.
      const user = await m
        .getRepository(User)
        .save(
          m.create(User, {
            agencyId,
            email: dto.email,
            displayName: dto.displayName,
            role: dto.role,
            status: 'invited',
            failedLoginCount: 0,
            createdBy: auth?.user.id ?? null,
          }),
        )
        .catch(onUniqueViolation('users_email_key', emailTaken));
      const invitation = await this.issueInvitation(m, user.id);
      await this.audit.record(m, {
        actor: auth ? actorOf(auth) : null,
        action: 'user.created',
        target: { type: 'user', id: user.id },
        details: { role: user.role, agencyId },
        meta: auth?.meta,
      });
      return { user: userView(user), invitation };
    });
  }

  private async issueInvitation(m: EntityManager, userId: string) {
    const token = newToken();
    const expiresAt = new Date(this.clock.now().getTime() + this.config.INVITATION_TTL_HOURS * 3_600_000);
    await m.getRepository(Invitation).insert({ userId, tokenHash: hashToken(token), expiresAt });
    return { token, expiresAt };
  }

  /** The invited person sets their own password; the token works once, before it expires. */
  async acceptInvitation(dto: AcceptInvitationDto, meta: RequestMeta) {
    return this.db.transaction(async (m) => {
      const invitation = await m
        .getRepository(Invitation)
        .findOne({ where: { tokenHash: hashToken(dto.token) }, lock: { mode: 'pessimistic_write' } });
      const now = this.clock.now();
      if (!invitation || invitation.usedAt || invitation.expiresAt <= now) {
        throw new AppError(
          400,
          'invitation_invalid',
          'This invitation is not valid: it was used, has expired or never existed.',
        );
      }
      const user = await m.getRepository(User).findOneByOrFail({ id: invitation.userId });
      if (user.status !== 'invited')
        throw new AppError(400, 'invitation_invalid', 'This account is not awaiting activation.');
      const problems = passwordProblems(dto.password, { email: user.email });
      if (problems.length) {
        throw badRequest('weak_password', 'Choose a different password.', { fields: { password: problems } });
      }
      await m
        .getRepository(User)
        .update({ id: user.id }, { passwordHash: await hashPassword(dto.password), status: 'active' });
      await m.getRepository(Invitation).update({ id: invitation.id }, { usedAt: now });
      await this.audit.record(m, {
        actor: { userId: user.id, agencyId: user.agencyId },
        action: 'user.activated',
        target: { type: 'user', id: user.id },
        meta,
      });
      return { user: userView({ ...user, status: 'active' }) };
    });
  }

  async list(auth: AuthContext, agencyId?: string) {
    if (auth.user.role === 'agency_admin') {
      if (agencyId && agencyId !== auth.user.agencyId)
        throw forbidden('other_agency', "You can only list your own agency's users.");
      agencyId = auth.user.agencyId;
    }
    const users = await this.db.getRepository(User).find({
      where: agencyId ? { agencyId } : {},
      order: { displayName: 'ASC' },
    });
    return users.map(userView);
  }

  /** A partner directory entry by exact e-mail: active people of agencies party to the agreement only. */
  async lookup(email: string) {
    const [row] = await this.db.query<
      {
        id: string;
        display_name: string;
        role: string;
        agency_id: string;
        agency_name: string;
        agency_status: Agency['status'];
        withdrawal_effective_at: Date | null;
      }[]
    >(
      `SELECT u.id, u.display_name, u.role, u.agency_id, a.name AS agency_name, a.status AS agency_status,
              a.withdrawal_effective_at
         FROM users u JOIN agencies a ON a.id = u.agency_id
        WHERE lower(u.email) = $1 AND u.status = 'active'`,
      [email],
    );
    if (
      !row ||
      !agencyCanShare(
        { status: row.agency_status, withdrawalEffectiveAt: row.withdrawal_effective_at },
        this.clock.now(),
      )
    ) {
      throw notFound('Person');
    }
    return {
      id: row.id,
      displayName: row.display_name,
      role: row.role,
      agencyId: row.agency_id,
      agencyName: row.agency_name,
    };
  }

  /**
   * Off-boards a leaver: the account is disabled and every session ends in the same transaction, so
   * the next request on any instance is refused. Other modules react to `user.disabled`.
   */
  async disable(auth: AuthContext, userId: string, dto: DisableUserDto) {
    return this.db.transaction(async (m) => {
      const user = await m.getRepository(User).findOne({ where: { id: userId }, lock: { mode: 'pessimistic_write' } });
      if (!user) throw notFound('User');
      if (auth.user.role === 'agency_admin' && user.agencyId !== auth.user.agencyId) {
        throw forbidden('other_agency', 'You can only off-board users of your own agency.');
      }
      if (user.id === auth.user.id) throw conflict('cannot_disable_self', 'You cannot disable your own account.');
      if (user.status === 'disabled') throw conflict('already_disabled', 'This account is already disabled.');
      const now = this.clock.now();
      await m
        .getRepository(User)
        .update({ id: user.id }, { status: 'disabled', disabledAt: now, disabledReason: dto?.reason ?? null });
      const sessions = await this.auth.revokeAllSessions(m, user.id, 'user_disabled');
      await m.getRepository(Invitation).update({ userId: user.id, usedAt: IsNull() }, { usedAt: now });
      await this.audit.record(m, {
        actor: actorOf(auth),
        action: 'user.disabled',
        target: { type: 'user', id: user.id },
        details: { sessionsRevoked: sessions.length },
        meta: auth.meta,
      });
      await this.events.emit(m, { type: 'user.disabled', userId: user.id, agencyId: user.agencyId });
      return { user: userView({ ...user, status: 'disabled', disabledAt: now }), sessionsRevoked: sessions.length };
    });
  }
}
