import type { NextFunction, Request, Response } from 'express';
import { API_VERSION, API_VERSION_HEADER, MIN_CLIENT_API_VERSION } from '../../contracts/api-version.js';
import { sendError } from './all-exceptions.filter.js';

const API_PATH = /^\/api(\/|$)/;

/**
 * Every API answer says which API version this server speaks, so a client can warn that it is older
 * than the server. A request that names its own version is checked against the oldest this server
 * still serves: older, or not a version at all, is refused before anything else runs (nothing changes),
 * with words a person can act on. A request that names none (curl, a health probe) is served.
 */
export function apiVersion(req: Request, res: Response, next: NextFunction): void {
  if (!API_PATH.test(req.path)) return next();
  res.setHeader(API_VERSION_HEADER, String(API_VERSION));
  const said = req.headers[API_VERSION_HEADER.toLowerCase()];
  if (said === undefined) return next();
  const version = typeof said === 'string' && /^[0-9]{1,6}$/.test(said.trim()) ? Number(said.trim()) : null;
  if (version === null) {
    return sendError(res, 400, {
      error: {
        code: 'bad_request',
        message: `The ${API_VERSION_HEADER} header must be a whole number, the API version the client speaks.`,
      },
    });
  }
  if (version < MIN_CLIENT_API_VERSION) {
    return sendError(res, 426, {
      error: {
        code: 'client_outdated',
        message:
          'This Strongroom client is too old for this server. Update it: the server’s start page says how ' +
          '(for the command line, npm install -g <server address>/downloads/strongroom-cli.tgz).',
        details: { clientApiVersion: version, serverApiVersion: API_VERSION, oldestServed: MIN_CLIENT_API_VERSION },
      },
    });
  }
  next();
}
