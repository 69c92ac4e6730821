import type { ErrorBody, ErrorCode } from '../../contracts/errors.js';

/**
 * A domain error with a stable snake_case code. Services throw these; the one exception filter maps
 * them to the DESIGN.md §7 error shape. The status lives here so the mapping stays in one place.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export const badRequest = (code: ErrorCode, message: string, details?: Record<string, unknown>) =>
  new AppError(400, code, message, details);
export const unauthorized = (code: ErrorCode, message: string) => new AppError(401, code, message);
export const forbidden = (code: ErrorCode, message: string, details?: Record<string, unknown>) =>
  new AppError(403, code, message, details);
export const notFound = (what: string) => new AppError(404, 'not_found', `${what} was not found.`);
export const conflict = (code: ErrorCode, message: string, details?: Record<string, unknown>) =>
  new AppError(409, code, message, details);
export const tooManyRequests = (code: ErrorCode, message: string, retryAfterSeconds: number) =>
  new AppError(429, code, message, { retryAfterSeconds });

export type { ErrorBody };
