import type { LoggerService } from '@nestjs/common';

/**
 * Nest's own start-up narration: one line per module initialised and per route mapped (about 160 at the
 * time of writing). Useful when debugging routing, noise otherwise: at `info` it buried the demo logins
 * that `npm start` prints. These contexts' `log` lines are logged at `debug` instead; their warnings and
 * errors are untouched.
 */
export const FRAMEWORK_START_CONTEXTS: ReadonlySet<string> = new Set([
  'NestFactory',
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'WebSocketsController',
  'NestApplication',
]);

/** The context Nest passes as the last argument of a log call (a string), if any. */
function contextOf(params: unknown[]): string | undefined {
  const last = params[params.length - 1];
  return typeof last === 'string' ? last : undefined;
}

/** Wraps the application's logger (nestjs-pino's) and moves Nest's start-up narration down to `debug`. */
export class StartupQuietLogger implements LoggerService {
  constructor(private readonly inner: LoggerService) {}

  log(message: unknown, ...params: unknown[]): void {
    const context = contextOf(params);
    if (context && FRAMEWORK_START_CONTEXTS.has(context) && this.inner.debug) this.inner.debug(message, ...params);
    else this.inner.log(message, ...params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.inner.error(message, ...params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.inner.warn(message, ...params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.inner.debug?.(message, ...params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.inner.verbose?.(message, ...params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    if (this.inner.fatal) this.inner.fatal(message, ...params);
    else this.inner.error(message, ...params);
  }
}
