import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { Role } from '../../contracts/identity.js';
import { agencyBlockReason } from '../agencies/agency-rules.js';
import { AuditService } from '../audit/audit.service.js';
import { AppError, forbidden, unauthorized } from '../common/app-error.js';
import { Clock } from '../common/clock.js';
import type { RequestMeta } from '../common/request-context.js';
import { APP_CONFIG, type AppConfig } from '../config/config.schema.js';
import { actorOf, type AccessLevel, type AuthContext } from './auth-context.js';
import { AuthenticationReadModel, type AuthenticationRow } from './authentication.read-model.js';
import type { Session } from './entities/session.entity.js';
import { SessionsRepository } from './sessions.repository.js';
import { hashToken } from './tokens.js';

const TOUCH_EVERY_MS = 30_000;

/**
 * Who is asking and what their session may reach: the single path by which HTTP requests, socket
 * handshakes and group-committed sends authenticate and are authorised. Sign-in is LoginService's job,
 * session management SessionsService's, enrolment MfaService's.
 */
@Injectable()
export class AuthService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly readModel: AuthenticationReadModel,
    private readonly sessions: SessionsRepository,
  ) {}

  /**
   * Resolves a bearer token to its user, agency and session: the single path used by HTTP and
   * sockets alike. Reads the database every time (one query), so a disabled user or revoked session
   * is refused on the very next request, on every instance.
   */
  async authenticate(
    token: string | undefined,
    meta: RequestMeta,
    opts: { touch: boolean } = { touch: true },
  ): Promise<AuthContext> {
    const [result] = await this.authenticateMany(this.db.manager, [{ token, meta }], opts);
    if (result instanceof AppError) throw result;
    return result;
  }

  /**
   * `authenticate` for many tokens in one query (group-committed sends re-check every sender this
   * way): each answer is the context, or the error `authenticate` would throw. Idle expiry moves on
   * at most every TOUCH_EVERY_MS per session, in one UPDATE for all of them, unless `touch` is false:
   * the server re-checking an open socket on its own (LiveAccess) is not the person doing anything, and
   * must not keep an idle session alive.
   */
  async authenticateMany(
    m: EntityManager,
    requests: { token: string | undefined; meta: RequestMeta }[],
    { touch: moveIdleExpiry }: { touch: boolean } = { touch: true },
  ): Promise<(AuthContext | AppError)[]> {
    const now = this.clock.now();
    const hashed = requests.map((r) => (r.token ? hashToken(r.token) : null));
    const hashes = hashed.filter((h) => h !== null);
    const found = hashes.length ? await this.readModel.byTokenHashes(m, hashes) : new Map<string, AuthenticationRow>();
    const touch: Session[] = [];
    const results = requests.map(({ meta }, i): AuthContext | AppError => {
      const hash = hashed[i];
      if (!hash) return unauthorized('unauthenticated', 'Sign in first: this needs a bearer token.');
      const hit = found.get(hash.toString('hex'));
      if (!hit || hit.session.revokedAt) {
        return unauthorized('invalid_session', 'This session has ended or was revoked. Sign in again.');
      }
      const { session, user, agency, attestation } = hit;
      if (session.idleExpiresAt <= now || session.absoluteExpiresAt <= now) {
        return unauthorized('session_expired', 'This session has expired. Sign in again.');
      }
      if (user.status !== 'active') return unauthorized('account_disabled', 'This account is disabled.');
      if (moveIdleExpiry && now.getTime() - session.lastSeenAt.getTime() > TOUCH_EVERY_MS && !touch.includes(session)) {
        session.lastSeenAt = now;
        session.idleExpiresAt = new Date(
          Math.min(now.getTime() + this.config.SESSION_IDLE_MINUTES * 60_000, session.absoluteExpiresAt.getTime()),
        );
        touch.push(session);
      }
      return { user, agency, session, attestation, meta };
    });
    if (touch.length) await this.sessions.touch(m, touch);
    return results;
  }

  /**
   * Why this session may not reach shared spaces (ISA: a signatory agency, a full session, the
   * current agreement attested), or null if it may. Reads nothing: `authenticate` fetched it all.
   */
  sharedRefusal(auth: AuthContext): AppError | null {
    if (auth.session.stage !== 'full') return enrolmentRefusal();
    const reason = agencyBlockReason(auth.agency, this.clock.now());
    if (reason) return forbidden('agency_not_signed', reason, { agencyStatus: auth.agency.status });
    const { current, attested } = auth.attestation;
    if (current && !attested) {
      return forbidden(
        'attestation_required',
        `Confirm you have read agreement version ${current.label} and the information-sharing advice before using shared spaces.`,
        { agreementVersionId: current.id, agreementVersion: current.label },
      );
    }
    return null;
  }

  /** Enforces an access level and role list; throws the 403 that explains what is missing. */
  async authorise(auth: AuthContext, level: AccessLevel, roles: Role[] | undefined): Promise<void> {
    if (level !== 'enrolment' && auth.session.stage !== 'full') throw enrolmentRefusal();
    if (level === 'shared') {
      const refusal = this.sharedRefusal(auth);
      if (refusal) throw refusal;
    }
    if (roles && !roles.includes(auth.user.role)) {
      await this.audit.recordAlone({
        actor: actorOf(auth),
        action: 'access.denied',
        outcome: 'denied',
        details: { role: auth.user.role, required: roles.join(',') },
        meta: auth.meta,
      });
      throw forbidden('forbidden_role', `This needs one of these roles: ${roles.join(', ')}.`);
    }
  }
}

const enrolmentRefusal = (): AppError =>
  forbidden('mfa_enrolment_required', 'Your role requires two-factor authentication: enrol an authenticator first.');
