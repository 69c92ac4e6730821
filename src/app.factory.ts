import 'reflect-metadata';
import type { NextFunction, Request, Response } from 'express';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AppModule, type AppOptions } from './app.module.js';
import { AllExceptionsFilter, sendError, toErrorResponse } from './common/all-exceptions.filter.js';
import { SystemClock } from './common/clock.js';
import { runMigrations } from './database/data-source.js';
import { StrongroomIoAdapter } from './realtime/socket-adapter.js';

/** JSON bodies above this are refused with 413 before they reach a handler. */
export const BODY_LIMIT = '256kb';

/** Until the browser UI lands, `/` tells a person where they are and where to go. */
const LANDING_PAGE = `<!doctype html>
<html lang="en-GB">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Strongroom</title>
<style>body{font:1.05rem/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#1b1b1b}
a{color:#0b4f9c}a:focus{outline:3px solid #fd0;outline-offset:2px}code{background:#f2f2f2;padding:0 .25em}</style></head>
<body><main>
<h1>Strongroom</h1>
<p>End-to-end encrypted messaging and meeting minutes for partner agencies that have signed the
Information Sharing Agreement. This server is running.</p>
<ul>
<li><a href="/api/docs">API documentation (OpenAPI)</a></li>
<li><a href="/api/health">Health check</a></li>
</ul>
<p>Sign in with the command-line client: <code>npx strongroom login</code>. The browser interface is on its way.</p>
</main></body></html>`;

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
  app.set('trust proxy', config.TRUST_PROXY);
  app.disable('x-powered-by');
  app.useBodyParser('json', { limit: BODY_LIMIT });
  app.use((req: Request, res: Response, next: NextFunction) => {
    res.setHeader('X-Request-Id', String((req as Request & { id?: string }).id ?? ''));
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('X-Frame-Options', 'DENY');
    if (req.path.startsWith('/api/') && !req.path.startsWith('/api/docs')) res.setHeader('Cache-Control', 'no-store');
    next();
  });
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (req.path === '/api' || req.path.startsWith('/api/')) return next();
    if ((req.method === 'GET' || req.method === 'HEAD') && req.path === '/') {
      res.type('html').send(LANDING_PAGE);
      return;
    }
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
  SwaggerModule.setup('api/docs', app, () => SwaggerModule.createDocument(app, doc), {
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
