import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';

/** Where a request came from, for the audit log. No personal content. */
export interface RequestMeta {
  requestId: string;
  ip: string | null;
  userAgent: string | null;
}

export function requestMeta(req: Request & { id?: unknown }): RequestMeta {
  const ua = req.headers['user-agent'];
  return {
    requestId: typeof req.id === 'string' || typeof req.id === 'number' ? String(req.id) : '',
    ip: req.ip ?? null,
    userAgent: typeof ua === 'string' ? ua.slice(0, 200) : null,
  };
}

export const Meta = createParamDecorator((_: unknown, ctx: ExecutionContext): RequestMeta =>
  requestMeta(ctx.switchToHttp().getRequest()),
);
