import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type {
  AcceptInvitationInput,
  ActivatedUser,
  CreatedUser,
  CreateUserInput,
  DisabledUser,
  DisableUserInput,
  InvitationIssued,
  SearchUsersQuery,
  UserDirectoryEntry,
  UserView,
} from '../../contracts/identity.js';
import { USER_SEARCH_LIMIT } from '../../contracts/identity.js';
import { AgenciesService } from '../agencies/agencies.service.js';
import { agencyCanShare } from '../agencies/agency-rules.js';
import { AuditService } from '../audit/audit.service.js';
import { AppError, badRequest, conflict, forbidden, notFound } from '../common/app-error.js';
import { Clock } from '../common/clock.js';
import { onUniqueViolation } from '../common/db-errors.js';
import { DomainEvents } from '../common/domain-events.js';
import type { RequestMeta } from '../common/request-context.js';
import { APP_CONFIG, type AppConfig } from '../config/config.schema.js';
import { Mailer } from '../mail/mailer.service.js';
import { actorOf, type AuthContext } from './auth-context.js';
import { INVITATION_PAGE, invitationMail, linkBase, tokenLink } from './identity-mail.js';
import { InvitationsRepository } from './invitations.repository.js';
import { PasswordResetsRepository } from './password-resets.repository.js';
import { hashPassword, passwordProblems } from './passwords.js';
import { AGENCY_ADMIN_MANAGED_ROLES, agencyAdminManages } from './role-rules.js';
import { SessionsService } from './sessions.service.js';
import { hashToken, newToken } from './tokens.js';
import { namePrefixQuery } from './user-search.js';
import { toUserView, UsersRepository } from './users.repository.js';

/** Individually allocated accounts: creation by invitation, listing, and off-boarding of leavers. */
@Injectable()
export class UsersService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly agencies: AgenciesService,
    private readonly audit: AuditService,
    private readonly sessions: SessionsService,
    private readonly events: DomainEvents,
    private readonly users: UsersRepository,
    private readonly invitations: InvitationsRepository,
    private readonly resets: PasswordResetsRepository,
    private readonly mailer: Mailer,
  ) {}

  /**
   * An administrator's invitation: the account as `create` makes it, and the invitation e-mailed to the person
   * with a link to the web client's invitation page (PUBLIC_URL, else the address the administrator reached
   * the server at). The token is still in the answer: when e-mail is off or fails, it is carried by hand.
   */
  async invite(auth: AuthContext, dto: CreateUserInput, requestOrigin: string): Promise<CreatedUser> {
    const created = await this.create(auth, dto);
    const { token, expiresAt } = created.invitation;
    const agency = await this.agencies.get(created.user.agencyId);
    const receipt = await this.mailer.send(
      invitationMail({
        to: created.user.email,
        displayName: created.user.displayName,
        agencyName: agency.name,
        link: tokenLink(linkBase(this.config, requestOrigin), INVITATION_PAGE, 'code', token),
        token,
        expiresAt: new Date(expiresAt),
      }),
    );
    const invitation = receipt.sent
      ? { ...created.invitation, emailed: true }
      : { ...created.invitation, emailNote: receipt.reason };
    return { ...created, invitation };
  }

  /** Creates an invited account and returns the one-time invitation token to pass to the person. */
  async create(auth: AuthContext | null, dto: CreateUserInput): Promise<CreatedUser> {
    const agencyId = dto.agencyId ?? auth?.user.agencyId;
    if (!agencyId)
      throw badRequest('validation_failed', 'Say which agency the user belongs to.', {
        fields: { agencyId: ['is required'] },
      });
    if (auth && auth.user.role === 'agency_admin') {
      if (agencyId !== auth.user.agencyId)
        throw forbidden('other_agency', 'You can only create users in your own agency.');
      if (!agencyAdminManages(dto.role)) {
        throw forbidden(
          'role_not_grantable',
          `Agency admins can create ${AGENCY_ADMIN_MANAGED_ROLES.join(', ')} accounts only.`,
        );
      }
    }
    const emailTaken = () => conflict('email_taken', 'An account with that e-mail address already exists.');
    return this.db.transaction(async (m) => {
      const agency = await this.agencies.get(agencyId, m);
      if (agency.status === 'withdrawn')
        throw conflict('agency_withdrawn', `${agency.name} has withdrawn from the agreement.`);
      if (await this.users.emailTaken(m, dto.email)) throw emailTaken();
      // A concurrent creation for the same address passes the check above; the unique index decides.
      const user = await this.users
        .insert(m, {
          agencyId,
          email: dto.email,
          displayName: dto.displayName,
          role: dto.role,
          status: 'invited',
          createdBy: auth?.user.id ?? null,
        })
        .catch(onUniqueViolation('users_email_key', emailTaken));
      const invitation = await this.issueInvitation(m, user.id);
      await this.audit.record(m, {
        actor: auth ? actorOf(auth) : null,
        action: 'user.created',
        target: { type: 'user', id: user.id },
        details: { role: user.role, agencyId },
        meta: auth?.meta,
      });
      return { user: toUserView(user), invitation };
    });
  }

  private async issueInvitation(m: EntityManager, userId: string): Promise<InvitationIssued> {
    const token = newToken();
    const expiresAt = new Date(this.clock.now().getTime() + this.config.INVITATION_TTL_HOURS * 3_600_000);
    await this.invitations.insert(m, userId, hashToken(token), expiresAt);
    return { token, expiresAt: expiresAt.toISOString(), emailed: false };
  }

  /** The invited person sets their own password; the token works once, before it expires. */
  async acceptInvitation(dto: AcceptInvitationInput, meta: RequestMeta): Promise<ActivatedUser> {
    return this.db.transaction(async (m) => {
      const invitation = await this.invitations.lockByTokenHash(m, hashToken(dto.token));
      const now = this.clock.now();
      if (!invitation || invitation.usedAt || invitation.expiresAt <= now) {
        throw new AppError(
          400,
          'invitation_invalid',
          'This invitation is not valid: it was used, has expired or never existed.',
        );
      }
      const user = await this.users.byId(m, invitation.userId);
      if (!user) throw notFound('User');
      if (user.status !== 'invited')
        throw new AppError(400, 'invitation_invalid', 'This account is not awaiting activation.');
      const problems = passwordProblems(dto.password, { email: user.email });
      if (problems.length) {
        throw badRequest('weak_password', 'Choose a different password.', { fields: { password: problems } });
      }
      await this.users.update(m, user.id, {
        passwordHash: await hashPassword(dto.password, this.config.PASSWORD_SCRYPT_LOG_N),
        status: 'active',
      });
      await this.invitations.markUsed(m, invitation.id, now);
      await this.audit.record(m, {
        actor: { userId: user.id, agencyId: user.agencyId },
        action: 'user.activated',
        target: { type: 'user', id: user.id },
        meta,
      });
      return { user: toUserView({ ...user, status: 'active' }) };
    });
  }

  async list(auth: AuthContext, agencyId?: string): Promise<UserView[]> {
    if (auth.user.role === 'agency_admin') {
      if (agencyId && agencyId !== auth.user.agencyId)
        throw forbidden('other_agency', "You can only list your own agency's users.");
      agencyId = auth.user.agencyId;
    }
    return (await this.users.list(this.db.manager, agencyId)).map(toUserView);
  }

  /** A partner directory entry by exact e-mail: active people of agencies party to the agreement only. */
  async lookup(email: string): Promise<UserDirectoryEntry> {
    const user = await this.users.activeByEmail(this.db.manager, email);
    const agency = user && (await this.agencies.get(user.agencyId));
    if (!user || !agency || !agencyCanShare(agency, this.clock.now())) throw notFound('Person');
    return {
      id: user.id,
      displayName: user.displayName,
      role: user.role,
      agencyId: user.agencyId,
      agencyName: agency.name,
    };
  }

  /**
   * Colleagues by name and/or agency, for someone starting a conversation: the same people `lookup`
   * finds (active, of agencies party to the agreement now), by name, never more than USER_SEARCH_LIMIT.
   * A name matches when it has a word starting with each word typed. An agency that is not party to the
   * agreement finds nobody, as an unknown one does: the answer does not tell them apart.
   */
  async search(q: SearchUsersQuery): Promise<UserDirectoryEntry[]> {
    const m = this.db.manager;
    const agencies = (await this.agencies.sharingAgencies(m)).filter((a) => !q.agencyId || a.id === q.agencyId);
    const names = new Map(agencies.map((a) => [a.id, a.name]));
    const found = await this.users.searchActive(m, [...names.keys()], namePrefixQuery(q.q ?? ''), USER_SEARCH_LIMIT);
    return found.map((u) => ({ ...u, agencyName: names.get(u.agencyId)! }));
  }

  /**
   * Off-boards a leaver: the account is disabled and every session ends in the same transaction, so
   * the next request on any instance is refused. Other modules react to `user.disabled`.
   */
  async disable(auth: AuthContext, userId: string, dto: DisableUserInput): Promise<DisabledUser> {
    return this.db.transaction(async (m) => {
      const user = await this.users.lockById(m, userId);
      if (!user) throw notFound('User');
      if (auth.user.role === 'agency_admin' && user.agencyId !== auth.user.agencyId) {
        throw forbidden('other_agency', 'You can only off-board users of your own agency.');
      }
      // The same line as for creating accounts: ISA admin and auditor accounts are the ISA team's.
      if (auth.user.role === 'agency_admin' && !agencyAdminManages(user.role)) {
        throw forbidden('role_not_manageable', 'Only the ISA team can disable an ISA admin or auditor account.', {
          role: user.role,
        });
      }
      if (user.id === auth.user.id) throw conflict('cannot_disable_self', 'You cannot disable your own account.');
      if (user.status === 'disabled') throw conflict('already_disabled', 'This account is already disabled.');
      const now = this.clock.now();
      await this.users.update(m, user.id, { status: 'disabled', disabledAt: now, disabledReason: dto?.reason ?? null });
      const sessions = await this.sessions.revokeAllSessions(m, user.id, 'user_disabled');
      await this.invitations.spendOpen(m, user.id, now);
      await this.resets.spendOpen(m, user.id, now);
      await this.audit.record(m, {
        actor: actorOf(auth),
        action: 'user.disabled',
        target: { type: 'user', id: user.id },
        details: { sessionsRevoked: sessions.length },
        meta: auth.meta,
      });
      await this.events.emit(m, { type: 'user.disabled', userId: user.id, agencyId: user.agencyId });
      return { user: toUserView({ ...user, status: 'disabled', disabledAt: now }), sessionsRevoked: sessions.length };
    });
  }
}
