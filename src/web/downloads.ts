import { statSync } from 'node:fs';
import path from 'node:path';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { sendError } from '../common/all-exceptions.filter.js';

/** Where the server offers the command-line package, and the name `npm run build:cli` gives it. */
export const CLI_DOWNLOAD_PATH = '/downloads/strongroom-cli.tgz';
const CLI_TARBALL = 'strongroom-cli.tgz';

/** The install command a person types, for a server reached at `origin` (`https://host`). */
export const cliInstallCommand = (origin: string) => `npm install -g ${origin}${CLI_DOWNLOAD_PATH}`;

/**
 * Serves the installable command-line package (scripts/build-cli.mjs builds it into `dir`, dist/cli) at
 * `/downloads/strongroom-cli.tgz`, so a practitioner installs the CLI from their own server with one
 * command and no repository. It is looked up on every request: a rebuild is offered at once, and a
 * server without the package answers in the documented error shape, saying what the operator does.
 * Never cached for long (`no-cache` with an ETag): after an upgrade, the next install gets the new one.
 */
export function cliDownload(dir: string): RequestHandler {
  const file = path.resolve(dir, CLI_TARBALL);
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.path !== CLI_DOWNLOAD_PATH) return next();
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    if (!cliPackageBuilt(dir)) {
      return sendError(res, 404, {
        error: {
          code: 'not_found',
          message:
            'The command-line package is not on this server yet. Its operator builds it with `npm run build:cli` ' +
            '(npm start and the Docker image do this); then try again.',
        },
      });
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('Content-Disposition', `attachment; filename="${CLI_TARBALL}"`);
    res.sendFile(file, { headers: { 'Content-Type': 'application/gzip' } }, (err) => err && next(err));
  };
}

/** True when `dir` holds the built command-line package. */
export function cliPackageBuilt(dir: string): boolean {
  try {
    return statSync(path.resolve(dir, CLI_TARBALL)).isFile();
  } catch {
    return false;
  }
}
