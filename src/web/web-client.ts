import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { pageContentSecurityPolicy } from '../common/security-headers.js';

/**
 * Serves the built web client (client/web, built into `dist/web` by `npm run build:web`): its files
 * under `/assets/`, and its one page at `/` and at every other address a person may bookmark or reload
 * (`/channels/…`, `/meetings/…`), which the page's own router shows.
 *
 * The page's policy is the strict one every Strongroom page has (scripts and styles from this origin
 * only, nothing inline, requests only here, never framed), plus `'wasm-unsafe-eval'`: libsodium runs as
 * WebAssembly, which a browser compiles only with that source. It allows compiling WebAssembly, never
 * `eval` of JavaScript.
 */
export const WEB_CLIENT_POLICY = pageContentSecurityPolicy({ wasm: true });

/** Addresses that are never the page: the API, the socket, the docs, downloads and files that were not found. */
const NOT_THE_PAGE = /^\/(api|socket\.io|rt|downloads)(\/|$)/;

/** Built files carry a content hash in their name, so a browser may keep them for a year. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

/** True when `dir` holds a built web client. */
export const webClientBuilt = (dir: string) => existsSync(path.join(dir, 'index.html'));

/**
 * The handler, or null when the web client is not built (the server then shows its landing page, which
 * says how to build it). The page is read once: a rebuild needs a restart, as a new server version does.
 */
export function webClient(dir: string): RequestHandler | null {
  if (!webClientBuilt(dir)) return null;
  const root = path.resolve(dir);
  const page = readFileSync(path.join(root, 'index.html'));
  const assets = path.join(root, 'assets');
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    if (req.path.startsWith('/assets/')) return sendAsset(req, res, next, assets, req.path.slice('/assets/'.length));
    // A file name (an extension, or a dot file) is a file that is not there: a 404, not the page.
    if (NOT_THE_PAGE.test(req.path) || path.extname(req.path) || req.path.includes('/.')) return next();
    res.setHeader('Content-Security-Policy', WEB_CLIENT_POLICY);
    // The page names its files by hash: it must be fetched afresh to pick up a new version.
    res.setHeader('Cache-Control', 'no-cache');
    res.type('html').send(page);
  };
}

/** One built file, precompressed (brotli, else gzip) when the browser takes it. Nothing outside `assets`. */
function sendAsset(req: Request, res: Response, next: NextFunction, assets: string, name: string): void {
  const type = TYPES[path.extname(name)];
  if (!/^[A-Za-z0-9._-]+$/.test(name) || name.startsWith('.') || !type) return next();
  const file = path.join(assets, name);
  if (!existsSync(file)) return next();
  const accepts = String(req.headers['accept-encoding'] ?? '');
  const encoded = [
    ['br', '.br'],
    ['gzip', '.gz'],
  ].find(([coding, ext]) => new RegExp(`\\b${coding}\\b`).test(accepts) && existsSync(file + ext));
  res.setHeader('Cache-Control', IMMUTABLE);
  res.setHeader('Content-Type', type);
  res.setHeader('Vary', 'Accept-Encoding');
  if (encoded) res.setHeader('Content-Encoding', encoded[0]);
  res.sendFile(encoded ? file + encoded[1] : file, { headers: { 'Content-Type': type } }, (err) => err && next(err));
}
