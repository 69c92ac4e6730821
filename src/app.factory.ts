import 'reflect-metadata';
import type { IncomingMessage } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { API_VERSION, API_VERSION_HEADER } from '../contracts/api-version.js';
import { ATTACHMENT_CHUNK_MAX_BYTES } from '../contracts/attachments.js';
import { CSRF_HEADER, SESSION_COOKIE } from '../contracts/identity.js';
import { AppModule, type AppOptions } from './app.module.js';
import { apiVersion } from './common/api-version.js';
import { AllExceptionsFilter, sendError, toErrorResponse } from './common/all-exceptions.filter.js';
import { SystemClock } from './common/clock.js';
import { htmlPages } from './common/html-pages.js';
import { assignRequestId } from './common/request-context.js';
import { securityHeaders } from './common/security-headers.js';
import { StartupQuietLogger } from './common/startup-quiet-logger.js';
import { runMigrations } from './database/data-source.js';
import { StrongroomIoAdapter } from './realtime/socket-adapter.js';
import { cliDownload } from './web/downloads.js';
import { webClient } from './web/web-client.js';

/** JSON bodies above this are refused with 413 before they reach a handler. */
export const BODY_LIMIT = '256kb';

/**
 * Builds the whole application: the same path for `npm start`, for every integration test and for
 * a second instance in the scale-out tests. Migrations run first, under an advisory lock.
 */
export async function createApp(
  options: Omit<AppOptions, 'clock'> & Partial<Pick<AppOptions, 'clock'>>,
): Promise<NestExpressApplication> {
  await runMigrations(options.databaseUrl);
  const { config } = options;
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot({ ...options, clock: options.clock ?? new SystemClock() }),
    { bufferLogs: true, bodyParser: false, abortOnError: false },
  );
  app.useLogger(new StartupQuietLogger(app.get(Logger)));
  const io = new StrongroomIoAdapter(app, config, options.databaseUrl);
  await io.connect();
  app.useWebSocketAdapter(io);
  // A number of hops, never `true`: Express would then take the left-most X-Forwarded-For entry, which the caller wrote.
  app.set('trust proxy', config.TRUST_PROXY || false);
  app.disable('x-powered-by');
  // Before the body parser, so a request it refuses (malformed, too large) has an id and headers too.
  app.use(assignRequestId);
  app.use(securityHeaders);
  app.use(apiVersion);
  app.useBodyParser('json', { limit: BODY_LIMIT });
  // A piece of an encrypted file is bytes, not JSON: read as such on its own route only, at most one piece.
  app.useBodyParser('raw', { type: isChunkUpload, limit: ATTACHMENT_CHUNK_MAX_BYTES });
  app.use(cliDownload(config.CLI_PACKAGE_DIR));
  const web = webClient(config.WEB_DIR);
  if (web) app.use(web);
  app.use(htmlPages(config.CLI_PACKAGE_DIR));
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (req.path === '/api' || req.path.startsWith('/api/')) return next();
    // Nest's not-found handler covers only the `/api` prefix; anything else would get Express's HTML page.
    res.status(404).json({ error: { code: 'not_found', message: 'No such endpoint.' } });
  });
  if (config.CORS_ORIGINS.length)
    app.enableCors({ origin: config.CORS_ORIGINS, credentials: false, exposedHeaders: [API_VERSION_HEADER] });
  app.setGlobalPrefix('api');
  app.useGlobalFilters(new AllExceptionsFilter());

  const doc = new DocumentBuilder()
    .setTitle('Strongroom API')
    .setDescription(
      'End-to-end encrypted collaboration for ISA partner agencies. Errors are always ' +
        '`{"error":{"code","message","details"}}`. Authenticate with `Authorization: Bearer <token>` from `POST /api/auth/login`; ' +
        `a web page signs in with \`session: "cookie"\` instead and is authenticated by the \`${SESSION_COOKIE}\` cookie. ` +
        `Every answer carries \`${API_VERSION_HEADER}\` (the server's API version); a client may send its own in the same ` +
        'header, and one older than the server still serves is refused with 426 `client_outdated`.',
    )
    .setVersion(String(API_VERSION))
    .addBearerAuth()
    .addCookieAuth(SESSION_COOKIE, {
      type: 'apiKey',
      description:
        `Set by \`POST /api/auth/login\` with \`session: "cookie"\` (HttpOnly, SameSite=Strict). Used only when the ` +
        `request has no Authorization header. POST, PUT, PATCH and DELETE must carry the session's CSRF token ` +
        `(from the sign-in answer or \`GET /api/auth/session\`) in \`${CSRF_HEADER}\`, else 403 ` +
        '`csrf_token_required` or `csrf_token_invalid`; one whose `Origin` names another site is 403 `foreign_origin`.',
    })
    .build();
  // The document only: the page that shows it is `htmlPages`' (its own page has inline styles).
  SwaggerModule.setup('api/docs', app, () => withSessionCookie(SwaggerModule.createDocument(app, doc)), {
    ui: false,
    jsonDocumentUrl: 'api/docs/openapi.json',
  });

  // Body-parser errors (malformed JSON, too large) are raised before routing: answer them in our shape too.
  app.use((err: unknown, req: Request & { id?: string }, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    const { status, body } = toErrorResponse(err, String(req.id ?? ''));
    sendError(res, status, body);
  });
  return app;
}

const CHUNK_ROUTE = /^\/api\/attachments\/[^/]+\/chunks\/[^/?]+(\?|$)/;

/** A piece of a file being stored: `PUT /api/attachments/:id/chunks/:index` with an octet-stream body. */
function isChunkUpload(req: IncomingMessage): boolean {
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  return req.method === 'PUT' && type === 'application/octet-stream' && CHUNK_ROUTE.test(req.url ?? '');
}

/**
 * Every route a bearer token opens, the session cookie opens too (the one AuthGuard decides both): the
 * document says so here, in one place, rather than on every route.
 */
function withSessionCookie(document: OpenAPIObject): OpenAPIObject {
  for (const methods of Object.values(document.paths)) {
    for (const op of Object.values(methods as Record<string, { security?: Record<string, string[]>[] }>)) {
      if (op.security?.some((s) => 'bearer' in s) && !op.security.some((s) => 'cookie' in s)) {
        op.security.push({ cookie: [] });
      }
    }
  }
  return document;
}
