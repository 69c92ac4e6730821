import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { Role } from '../../contracts/identity.js';
import { requestMeta } from '../common/request-context.js';
import { ACCESS_KEY, type AccessLevel, type AuthContext, ROLES_KEY } from './auth-context.js';
import { AuthService } from './auth.service.js';

export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+([A-Za-z0-9_-]{20,200})\s*$/i.exec(header ?? '');
  return match?.[1];
}

/** Global guard: every route is `shared` unless it says otherwise, so forgetting a decorator fails closed. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (ctx.getType() !== 'http') return true;
    const targets = [ctx.getHandler(), ctx.getClass()];
    const level = this.reflector.getAllAndOverride<AccessLevel | undefined>(ACCESS_KEY, targets) ?? 'shared';
    if (level === 'public') return true;
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    const req = ctx.switchToHttp().getRequest<Request & { auth?: AuthContext }>();
    const auth = await this.auth.authenticate(bearerToken(req.headers.authorization), requestMeta(req));
    await this.auth.authorise(auth, level, roles);
    req.auth = auth;
    return true;
  }
}
