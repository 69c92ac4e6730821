import 'reflect-metadata';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createApp } from './app.factory.js';
import { AuditHeadsService } from './audit/audit-heads.service.js';
import { ConfigError, loadConfig, type AppConfig } from './config/config.schema.js';
import { startEmbeddedFor, type EmbeddedDatabase } from './database/embedded-postgres.js';
import { mailStartupNotice } from './mail/mail-mode.js';
import { printDemoCredentials, seedDemoIfEmpty } from './seed/demo-seed.js';
import { cliInstallCommand, cliPackageBuilt } from './web/downloads.js';

/** How long open requests and sockets get to finish when the server stops. */
const SHUTDOWN_GRACE_MS = 5000;

async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\nSee .env.example for every setting.\n`);
      process.exit(2);
    }
    throw err;
  }

  let embedded: EmbeddedDatabase | null = null;
  let app: NestExpressApplication | null = null;
  // Signals are handled from the first moment, so the embedded cluster is stopped even when Ctrl+C
  // comes during start-up, and a failed start never leaves a PostgreSQL server running behind it.
  let stopping = false;
  const stop = async (reason: string, code: number) => {
    if (stopping) {
      // A second Ctrl+C while stopping: the person wants out now.
      process.exit(code || 130);
    }
    stopping = true;
    process.stdout.write(`\n${reason}: stopping Strongroom…\n`);
    // A close that hangs (a half-started app, a stuck connection) must not keep PostgreSQL running.
    const closed = app?.close().catch(() => undefined);
    const gaveUp = await Promise.race([
      closed?.then(() => false) ?? false,
      new Promise<boolean>((r) => setTimeout(() => r(true), SHUTDOWN_GRACE_MS).unref()),
    ]);
    if (gaveUp)
      process.stderr.write(`The server did not close within ${SHUTDOWN_GRACE_MS / 1000}s; stopping anyway.\n`);
    await embedded?.stop().catch(() => undefined);
    process.exit(code);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => void stop(`${signal} received`, 0));
  }

  try {
    let databaseUrl = config.DATABASE_URL;
    if (!databaseUrl) {
      embedded = await startEmbeddedFor(config, (line) => process.stdout.write(`${line}\n`));
      databaseUrl = embedded.url;
    }
    app = await createApp({ config, databaseUrl });
    await serve(app, config);
  } catch (err) {
    process.stderr.write(`Strongroom failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
    await stop('Start-up failed', 1);
  }
}

/** Listens, seeds the demo where asked (never in production) and tells the person where to go. */
async function serve(app: NestExpressApplication, config: AppConfig): Promise<void> {
  await app.listen(config.PORT, config.HOST);
  const url = `http://${config.HOST === '0.0.0.0' ? 'localhost' : config.HOST}:${config.PORT}`;

  if (config.SEED_DEMO) {
    if (config.NODE_ENV === 'production') {
      process.stdout.write(
        'SEED_DEMO is ignored in production: demo accounts and their passwords are never created there.\n',
      );
    } else {
      await seedDemoIfEmpty(app, config);
      await printDemoCredentials(config, url);
    }
  }
  const mail = mailStartupNotice(config);
  if (mail) process.stdout.write(`${mail}\n`);
  if (!app.get(AuditHeadsService).signing) {
    process.stdout.write(
      'Audit log: AUDIT_SIGNING_KEY is not set, so the log’s head is not signed and partners cannot check a copy ' +
        'against it (docs/operations.md, "Audit log").\n',
    );
  }
  const cli = cliPackageBuilt(config.CLI_PACKAGE_DIR) ? `  CLI:      ${cliInstallCommand(url)}\n` : '';
  process.stdout.write(
    `\nStrongroom is running at ${url}\n  API docs: ${url}/api/docs\n  Health:   ${url}/api/health\n${cli}Press Ctrl+C to stop.\n`,
  );
}

void main();
