import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

/** Where a request came from, for the audit log. No personal content. */
export interface RequestMeta {
  /** The server's own id for this request: a random UUID, never anything the client sent. */
  requestId: string;
  /** The client's `X-Request-Id`, when well-formed: kept beside the server's id, never in its place. */
  clientRequestId?: string | null;
  ip: string | null;
  userAgent: string | null;
}

/** What a client's own request id may look like to be kept: short, and safe in logs, headers and JSON. */
const CLIENT_REQUEST_ID = /^[A-Za-z0-9_.:-]{1,64}$/;

/** The client's `X-Request-Id` if it is one well-formed value, else null (ignored, never refused). */
export function clientRequestIdOf(headers: IncomingHttpHeaders): string | null {
  const given = headers['x-request-id'];
  return typeof given === 'string' && CLIENT_REQUEST_ID.test(given) ? given : null;
}

/**
 * The first middleware of every request: gives it the server's own id (`req.id`, which the logger and
 * the error filter read too) and answers it in `X-Request-Id`. A client-supplied id never takes its
 * place: the audit log's request ids are the server's, so a client cannot make two events look like
 * one request, or tie its own label to someone else's.
 */
export function assignRequestId(req: Request & { id?: unknown }, res: Response, next: NextFunction): void {
  const id = randomUUID();
  req.id = id;
  res.setHeader('X-Request-Id', id);
  next();
}

export function requestMeta(req: Request & { id?: unknown }): RequestMeta {
  const ua = req.headers['user-agent'];
  return {
    requestId: typeof req.id === 'string' ? req.id : '',
    clientRequestId: clientRequestIdOf(req.headers),
    ip: req.ip ?? null,
    userAgent: typeof ua === 'string' ? ua.slice(0, 200) : null,
  };
}

export const Meta = createParamDecorator((_: unknown, ctx: ExecutionContext): RequestMeta =>
  requestMeta(ctx.switchToHttp().getRequest()),
);
