import { createHash } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

/**
 * Browser features no Strongroom page uses, switched off for the page and anything it embeds. A future
 * web client that needs one (a camera for a video meeting, say) turns on exactly that one, for itself.
 */
export const PERMISSIONS_POLICY = [
  'accelerometer',
  'autoplay',
  'bluetooth',
  'camera',
  'display-capture',
  'encrypted-media',
  'fullscreen',
  'geolocation',
  'gyroscope',
  'hid',
  'idle-detection',
  'magnetometer',
  'microphone',
  'midi',
  'payment',
  'picture-in-picture',
  'screen-wake-lock',
  'serial',
  'usb',
  'xr-spatial-tracking',
]
  .map((feature) => `${feature}=()`)
  .join(', ');

/**
 * The policy of every answer that is not a page (JSON, files): it may load nothing and be framed by
 * nothing, so a JSON answer that a browser was tricked into rendering can do no harm.
 */
export const API_CONTENT_SECURITY_POLICY =
  "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** A CSP source for one inline `<style>` or `<script>` element, allowed by its exact text. */
export function cspHash(inlineText: string): string {
  return `'sha256-${createHash('sha256').update(inlineText, 'utf8').digest('base64')}'`;
}

/**
 * The policy of an HTML page (the web client adds WebAssembly, src/web/web-client.ts): scripts and styles from this origin only
 * (an inline element only by its hash), no plugins, no `<base>` rewriting, never framed, forms posted
 * only here, and requests (fetch, socket.io) only to this origin.
 */
export function pageContentSecurityPolicy(
  opts: { styleHashes?: string[]; dataImages?: boolean; wasm?: boolean } = {},
): string {
  return [
    "default-src 'self'",
    opts.wasm ? "script-src 'self' 'wasm-unsafe-eval'" : "script-src 'self'",
    ["style-src 'self'", ...(opts.styleHashes ?? [])].join(' '),
    opts.dataImages ? "img-src 'self' data:" : "img-src 'self'",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
  ].join('; ');
}

/**
 * Headers on every answer, set before anything else runs (so refusals by the body parser carry them
 * too). Pages replace the Content-Security-Policy with their own (`pageContentSecurityPolicy`).
 */
export function securityHeaders(req: Request, res: Response, next: NextFunction): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Content-Security-Policy', API_CONTENT_SECURITY_POLICY);
  res.setHeader('Permissions-Policy', PERMISSIONS_POLICY);
  if (req.path.startsWith('/api/') && !req.path.startsWith('/api/docs')) res.setHeader('Cache-Control', 'no-store');
  next();
}
