import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { Inject, Injectable } from '@nestjs/common';
import { SESSION_COOKIE } from '../../contracts/identity.js';
import { forbidden } from '../common/app-error.js';
import { Clock } from '../common/clock.js';
import { fromOwnOrigin, requestProtocol } from '../common/request-origin.js';
import { APP_CONFIG, type AppConfig } from '../config/config.schema.js';

/** What a session token looks like (`newToken`: 32 bytes, base64url); anything else is no token. */
const TOKEN = /^[A-Za-z0-9_-]{20,200}$/;

export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+([A-Za-z0-9_-]{20,200})\s*$/i.exec(header ?? '');
  return match?.[1];
}

/**
 * The session token in a Cookie header, or undefined. Two cookies of that name (one set for a parent
 * domain by a neighbouring site, say) count as none: the server cannot tell which is the person's own,
 * and taking the wrong one would sign them in to someone else's session.
 */
export function sessionCookieOf(header: string | undefined): string | undefined {
  const values = (header ?? '')
    .split(';')
    .map((pair) => pair.trim())
    .filter((pair) => pair.startsWith(`${SESSION_COOKIE}=`))
    .map((pair) => pair.slice(SESSION_COOKIE.length + 1));
  return values.length === 1 && TOKEN.test(values[0]) ? values[0] : undefined;
}

/**
 * How a request proves its session. An `Authorization` header decides alone (the SDK in Node and the
 * CLI send one; a page on another site cannot add one without a CORS preflight), even when it is
 * malformed: a cookie the browser happens to hold never stands in for a bearer token that failed.
 */
export type Credential =
  { via: 'bearer'; token: string | undefined } | { via: 'cookie'; token: string } | { via: 'none'; token: undefined };

export function credentialOf(headers: IncomingHttpHeaders): Credential {
  if (headers.authorization !== undefined) return { via: 'bearer', token: bearerToken(headers.authorization) };
  const cookie = sessionCookieOf(headers.cookie);
  return cookie ? { via: 'cookie', token: cookie } : { via: 'none', token: undefined };
}

const CSRF_LABEL = 'strongroom csrf v1';

/**
 * A cookie session's CSRF token: HMAC-SHA-256 keyed by the session token over a fixed label. Nothing is
 * stored and no server secret is involved, so every instance derives the same token from the cookie, and
 * it dies with the session. Only whoever holds the token (the page it was given to) can know it: another
 * site's page can make the browser send the cookie's request, never read the cookie or this answer.
 */
export function csrfTokenFor(sessionToken: string): string {
  return createHmac('sha256', sessionToken).update(CSRF_LABEL, 'utf8').digest('base64url');
}

/** Whether a request's CSRF header is the session's token; compared in constant time. */
export function csrfTokenMatches(given: string | string[] | undefined, sessionToken: string): boolean {
  if (typeof given !== 'string') return false;
  const expected = Buffer.from(csrfTokenFor(sessionToken), 'utf8');
  const actual = Buffer.from(given, 'utf8');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** Methods that change nothing (RFC 9110 "safe"): every other one needs the CSRF token with a cookie. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** A request the guard let in on its session cookie carries the token here, for the routes that need it. */
export type CookieAuthenticated = IncomingMessage & { sessionCookie?: string };

/**
 * The browser's side of sessions: the cookie a `cookie` sign-in sets, the checks a request authenticated
 * by it must pass (its own site's page, its CSRF token), and the cookie's end when the session ends.
 */
@Injectable()
export class SessionCookies {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  /**
   * Sets the session cookie: HttpOnly (no script reads it), SameSite=Strict (no other site's page makes
   * the browser send it), Path=/ (the API and the socket), Secure over HTTPS (as a trusted proxy reports
   * it). It lasts until the session's absolute expiry; idle expiry is the server's to enforce.
   */
  issue(req: IncomingMessage, res: ServerResponse, token: string, expiresAt: Date): void {
    const seconds = Math.max(0, Math.floor((expiresAt.getTime() - this.clock.now().getTime()) / 1000));
    res.appendHeader('Set-Cookie', this.cookie(req, token, seconds));
  }

  /** Tells the browser to drop the session cookie (Max-Age=0). */
  clear(req: IncomingMessage, res: ServerResponse): void {
    res.appendHeader('Set-Cookie', this.cookie(req, '', 0));
  }

  /** `clear`, when the request (that has just ended its own session) was authenticated by the cookie. */
  clearIfUsed(req: CookieAuthenticated, res: ServerResponse): void {
    if (req.sessionCookie) this.clear(req, res);
  }

  /** The CSRF token of the cookie that authenticated this request, or null when a bearer token did. */
  csrfTokenOf(req: CookieAuthenticated): string | null {
    return req.sessionCookie ? csrfTokenFor(req.sessionCookie) : null;
  }

  /**
   * Refuses a request whose `Origin` names another site. Browsers send the header with every POST (and
   * with every request to another origin), so a page elsewhere cannot hide where it is: a site under the
   * same registrable domain, which SameSite does not keep out, is stopped here.
   */
  refuseOtherSites(req: IncomingMessage): void {
    if (req.headers.origin !== undefined && !fromOwnOrigin(req, this.config.TRUST_PROXY)) throw foreignOrigin();
  }

  /**
   * What a change asked for with the session cookie must carry: its own site's `Origin` when there is one,
   * and the session's CSRF token. Checked before the session is read, so a forged request costs nothing
   * and does not count as the person's use of their session.
   */
  checkChange(req: IncomingMessage, sessionToken: string): void {
    if (SAFE_METHODS.has(req.method ?? '')) return;
    this.refuseOtherSites(req);
    const given = req.headers['x-csrf-token'];
    if (given === undefined) {
      throw forbidden(
        'csrf_token_required',
        'This change came without the security code this page was given at sign-in. Reload the page and try again.',
      );
    }
    if (!csrfTokenMatches(given, sessionToken)) {
      throw forbidden(
        'csrf_token_invalid',
        'This change carried a security code that does not belong to your sign-in. Reload the page and try again.',
      );
    }
  }

  /**
   * The session cookie of a socket.io handshake, or undefined when there is none. A cookie is taken only
   * from a page of this site: browsers always send `Origin` when opening a WebSocket, and a page on
   * another site that opens one to this server would otherwise be listening with the person's session.
   */
  handshakeSession(req: IncomingMessage): string | undefined {
    const cookie = sessionCookieOf(req.headers.cookie);
    if (cookie && !fromOwnOrigin(req, this.config.TRUST_PROXY)) throw foreignOrigin();
    return cookie;
  }

  private cookie(req: IncomingMessage, value: string, maxAgeSeconds: number): string {
    const secure = requestProtocol(req, this.config.TRUST_PROXY) === 'https' ? '; Secure' : '';
    return `${SESSION_COOKIE}=${value}; Max-Age=${maxAgeSeconds}; Path=/; HttpOnly; SameSite=Strict${secure}`;
  }
}

const foreignOrigin = () =>
  forbidden(
    'foreign_origin',
    'This came from a page on another website, so it was refused. Open Strongroom at its own address and try again.',
  );
