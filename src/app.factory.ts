import 'reflect-metadata';
import type { NextFunction, Request, Response } from 'express';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AppModule, type AppOptions } from './app.module.js';
import { AllExceptionsFilter, sendError, toErrorResponse } from './common/all-exceptions.filter.js';
import { SystemClock } from './common/clock.js';
import { htmlPages } from './common/html-pages.js';
import { assignRequestId } from './common/request-context.js';
import { securityHeaders } from './common/security-headers.js';
import { runMigrations } from './database/data-source.js';
import { StrongroomIoAdapter } from './realtime/socket-adapter.js';
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
  app.useLogger(app.get(Logger));
  const io = new StrongroomIoAdapter(app, config, options.databaseUrl);
  await io.connect();
  app.useWebSocketAdapter(io);
  // A number of hops, never `true`: Express would then take the left-most X-Forwarded-For entry, which the caller wrote.
  app.set('trust proxy', config.TRUST_PROXY || false);
  app.disable('x-powered-by');
  // Before the body parser, so a request it refuses (malformed, too large) has an id and headers too.
  app.use(assignRequestId);
  app.use(securityHeaders);
  app.useBodyParser('json', { limit: BODY_LIMIT });
  const web = webClient(config.WEB_DIR);
  if (web) app.use(web);
  app.use(htmlPages());
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (req.path === '/api' || req.path.startsWith('/api/')) return next();
    // Nest's not-found handler covers only the `/api` prefix; anything else would get Express's HTML page.
    res.status(404).json({ error: { code: 'not_found', message: 'No such endpoint.' } });
  });
  if (config.CORS_ORIGINS.length) app.enableCors({ origin: config.CORS_ORIGINS, credentials: false });
  app.setGlobalPrefix('api');
  app.useGlobalFilters(new AllExceptionsFilter());

  const doc = new DocumentBuilder()
    .setTitle('Strongroom API')
    .setDescription(
      'End-to-end encrypted collaboration for ISA partner agencies. Errors are always ' +
        '`{"error":{"code","message","details"}}`. Authenticate with `Authorization: Bearer <token>` from `POST /api/auth/login`.',
    )
    .setVersion('1')
    .addBearerAuth()
    .build();
  // The document only: the page that shows it is `htmlPages`' (its own page has inline styles).
  SwaggerModule.setup('api/docs', app, () => SwaggerModule.createDocument(app, doc), {
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
