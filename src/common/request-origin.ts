import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';

/** The first value of a header a proxy may have appended to (`https, http`), trimmed. */
function firstValue(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  const first = value?.split(',')[0].trim();
  return first || undefined;
}

/** What a Host header may hold: a name or address and a port; nothing a URL would read as more. */
const HOST = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/**
 * `https` or `http`, as Express's `req.protocol` reads it with `trust proxy` set to TRUST_PROXY hops:
 * the connection's own unless a proxy is trusted, then the proxy's `X-Forwarded-Proto`. One function
 * for HTTP requests and socket handshakes (which Express never sees), so both answer alike.
 */
export function requestProtocol(req: IncomingMessage, trustProxy: number): 'https' | 'http' {
  const own = (req.socket as Partial<TLSSocket>).encrypted ? 'https' : 'http';
  if (trustProxy <= 0) return own;
  const forwarded = firstValue(req.headers['x-forwarded-proto'])?.toLowerCase();
  return forwarded === 'https' || forwarded === 'http' ? forwarded : own;
}

/**
 * The origin (`https://strongroom.example`) this request was addressed to: its protocol and the host the
 * browser named (`Host`, or a trusted proxy's `X-Forwarded-Host`), or null when it cannot be told. No
 * setting names the server's address: a browser writes the Host header itself, and a page on another
 * site can neither change it nor add `X-Forwarded-Host` (that needs a CORS preflight this server refuses).
 */
export function ownOrigin(req: IncomingMessage, trustProxy: number): string | null {
  const host = (trustProxy > 0 ? firstValue(req.headers['x-forwarded-host']) : undefined) ?? req.headers.host;
  if (!host || !HOST.test(host)) return null;
  try {
    return new URL(`${requestProtocol(req, trustProxy)}://${host}`).origin;
  } catch {
    return null;
  }
}

/**
 * Whether the request's `Origin` header names the site it was sent to. A missing, `null` (a sandboxed
 * frame, a redirect across sites) or malformed origin is not the same origin.
 */
export function fromOwnOrigin(req: IncomingMessage, trustProxy: number): boolean {
  const given = req.headers.origin;
  const own = ownOrigin(req, trustProxy);
  if (!given || !own) return false;
  try {
    return new URL(given).origin === own;
  } catch {
    return false;
  }
}
