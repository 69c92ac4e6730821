import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Role } from '../../contracts/identity.js';
import type { Agency } from '../agencies/entities/agency.entity.js';
import type { RequestMeta } from '../common/request-context.js';
import type { Session } from './entities/session.entity.js';
import type { User } from './entities/user.entity.js';

/** The current agreement version, and whether this user has confirmed reading it (ISA 8.4.1). */
export interface AttestationState {
  current: { id: string; label: string } | null;
  attested: boolean;
}

/** Who is asking: resolved once per request (or socket event) by the same code path, in one query. */
export interface AuthContext {
  user: User;
  agency: Agency;
  session: Session;
  attestation: AttestationState;
  meta: RequestMeta;
}

/**
 * How much of the service a route needs:
 * - `public`: no session.
 * - `enrolment`: any live session, even one that still has to enrol MFA (profile, MFA enrolment, logout).
 * - `session`: a full session, whatever the agency's ISA status (session management, attestation).
 * - `shared` (default): a full session, an agency that is party to the ISA, and an attestation of the
 *   current agreement version. Everything that touches information shared between agencies.
 */
export type AccessLevel = 'public' | 'enrolment' | 'session' | 'shared';

export const ACCESS_KEY = 'strongroom:access';
export const ROLES_KEY = 'strongroom:roles';

export const Access = (level: AccessLevel) => SetMetadata(ACCESS_KEY, level);
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

export const Auth = createParamDecorator((_: unknown, ctx: ExecutionContext): AuthContext => {
  const req = ctx.switchToHttp().getRequest<{ auth?: AuthContext }>();
  if (!req.auth) throw new Error('Auth() used on a route without authentication');
  return req.auth;
});

export const actorOf = (auth: AuthContext) => ({ userId: auth.user.id, agencyId: auth.user.agencyId });
