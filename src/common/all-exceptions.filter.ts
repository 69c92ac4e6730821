import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { ErrorCode } from '../../contracts/errors.js';
import { AppError, type ErrorBody } from './app-error.js';
import { DATABASE_RETRY_AFTER_SECONDS, isDatabaseUnavailable } from './db-unavailable.js';

const STATUS_CODES: Record<number, ErrorCode> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
};

/**
 * Maps a thrown value to a status and the DESIGN.md §7 body. The database being unavailable (down,
 * restarting, unreachable, out of connections) is a 503 `service_unavailable` with `retryAfterSeconds`:
 * the request was not at fault and may be sent again. Other unknown errors become a bare 500.
 */
export function toErrorResponse(err: unknown, requestId: string): { status: number; body: ErrorBody } {
  if (err instanceof AppError) {
    return { status: err.status, body: { error: { code: err.code, message: err.message, details: err.details } } };
  }
  // body-parser errors (malformed JSON, too large) arrive as plain errors carrying a status.
  const parserStatus = (err as { status?: unknown; type?: unknown })?.status;
  if (
    typeof parserStatus === 'number' &&
    parserStatus >= 400 &&
    parserStatus < 500 &&
    !(err instanceof HttpException)
  ) {
    const rawType = (err as { type?: unknown }).type;
    const type = typeof rawType === 'string' ? rawType : '';
    if (type === 'entity.parse.failed') {
      return {
        status: 400,
        body: { error: { code: 'malformed_json', message: 'The request body is not valid JSON.' } },
      };
    }
    if (type === 'entity.too.large') {
      return { status: 413, body: { error: { code: 'payload_too_large', message: 'The request body is too large.' } } };
    }
    return {
      status: parserStatus,
      body: { error: { code: STATUS_CODES[parserStatus] ?? 'bad_request', message: 'The request could not be read.' } },
    };
  }
  if (err instanceof HttpException) {
    const status = err.getStatus();
    if (status < 500) {
      const code = STATUS_CODES[status] ?? 'bad_request';
      const message = status === 404 ? 'No such endpoint.' : err.message;
      return { status, body: { error: { code, message } } };
    }
  }
  if (isDatabaseUnavailable(err)) {
    return {
      status: 503,
      body: {
        error: {
          code: 'service_unavailable',
          message: 'The server cannot reach its database just now. Try again in a moment.',
          details: { retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS, requestId },
        },
      },
    };
  }
  return {
    status: 500,
    body: {
      error: {
        code: 'internal_error',
        message: 'Something went wrong on the server. Quote the request id when reporting it.',
        details: { requestId },
      },
    },
  };
}

/** The only exception filter: every error leaves in the documented shape, never with a stack trace. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<Request & { id?: string }>();
    const res = ctx.getResponse<Response>();
    const requestId = String(req.id ?? '');
    const { status, body } = toErrorResponse(exception, requestId);
    if (body.error.code === 'service_unavailable') {
      this.logger.warn({ err: exception, requestId }, 'Database unavailable');
    } else if (status >= 500) {
      this.logger.error({ err: exception, requestId }, 'Unhandled error');
    }
    sendError(res, status, body);
  }
}

/** Writes an error response, with `Retry-After` when the body says how long to wait (429, 503). */
export function sendError(res: Response, status: number, body: ErrorBody): void {
  const retry = body.error.details?.retryAfterSeconds;
  if ((status === 429 || status === 503) && typeof retry === 'number') {
    res.setHeader('Retry-After', String(Math.ceil(retry)));
  }
  res.status(status).json(body);
}
