import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import type { Role } from '../../contracts/identity.js';
import { AppError } from '../common/app-error.js';
import { requestMeta } from '../common/request-context.js';
import { ACCESS_KEY, type AccessLevel, type AuthContext, ROLES_KEY } from './auth-context.js';
import { AuthService } from './auth.service.js';
import { credentialOf, SessionCookies, type CookieAuthenticated } from './session-cookie.js';

/** Global guard: every route is `shared` unless it says otherwise, so forgetting a decorator fails closed. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
    private readonly cookies: SessionCookies,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (ctx.getType() !== 'http') return true;
    const targets = [ctx.getHandler(), ctx.getClass()];
    const level = this.reflector.getAllAndOverride<AccessLevel | undefined>(ACCESS_KEY, targets) ?? 'shared';
    if (level === 'public') return true;
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    const req = ctx.switchToHttp().getRequest<Request & CookieAuthenticated & { auth?: AuthContext }>();
    const credential = credentialOf(req.headers);
    // A web page's session cookie goes with every request the browser makes here, whoever's page asked:
    // a change needs proof that this site's page asked for it.
    if (credential.via === 'cookie') this.cookies.checkChange(req, credential.token);
    let auth: AuthContext;
    try {
      auth = await this.auth.authenticate(credential.token, requestMeta(req));
    } catch (err) {
      // The cookie's session is over (signed out elsewhere, expired, revoked): the browser may drop it.
      if (credential.via === 'cookie' && err instanceof AppError && err.status === 401) {
        this.cookies.clear(req, ctx.switchToHttp().getResponse<Response>());
      }
      throw err;
    }
    await this.auth.authorise(auth, level, roles);
    req.auth = auth;
    if (credential.via === 'cookie') req.sessionCookie = credential.token;
    return true;
  }
}
