import path from 'node:path';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import swaggerUiDir from 'swagger-ui-dist/absolute-path.js';
import { CLI_DOWNLOAD_PATH, cliInstallCommand, cliPackageBuilt } from '../web/downloads.js';
import { cspHash, pageContentSecurityPolicy } from './security-headers.js';

/**
 * The server's only HTML: the landing page at `/` and the API documentation at `/api/docs`. Neither has
 * an inline script or style attribute; the landing page's one `<style>` element is allowed by its hash.
 */

const LANDING_CSS =
  'body{font:1.05rem/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#1b1b1b}' +
  'a{color:#0b4f9c}a:focus{outline:3px solid #fd0;outline-offset:2px}code{background:#f2f2f2;padding:0 .25em}' +
  'pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#f2f2f2;padding:.5em}';

/**
 * When the web client is not built (src/web/web-client.ts), `/` tells a person what to do: how to get
 * the command line from this server (when its package is built), and where the API is. `origin` is the
 * address the person used (escaped: the Host header is theirs to write).
 */
const landingPage = (origin: string, cli: boolean) => `<!doctype html>
<html lang="en-GB">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Strongroom</title>
<style>${LANDING_CSS}</style></head>
<body><main>
<h1>Strongroom</h1>
<p>End-to-end encrypted messaging and meeting minutes for partner agencies that have signed the
Information Sharing Agreement. This server is running.</p>
<h2>The command line</h2>
${cli ? cliInstructions(origin) : CLI_NOT_BUILT}
<h2>For developers and operators</h2>
<ul>
<li><a href="/api/docs">API documentation (OpenAPI)</a></li>
<li><a href="/api/health">Health check</a></li>
</ul>
<p>The browser interface is not built on this server. Its operator builds it with <code>npm run build:web</code>
and restarts the server.</p>
</main></body></html>`;

const cliInstructions = (origin: string) => `<p>With Node.js 20.19 or newer on your computer, install the
<code>strongroom</code> command from this server:</p>
<pre><code>${escapeHtml(cliInstallCommand(origin))}</code></pre>
<p>Then <code>strongroom login --email you@agency.example</code>, and <code>strongroom --help</code> for every
command. <a href="${CLI_DOWNLOAD_PATH}">Download the package</a> to install it another way.</p>`;

const CLI_NOT_BUILT = `<p>The command-line package is not built on this server. Its operator builds it with
<code>npm run build:cli</code>; this page then says how to install it.</p>`;

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const DOCS = '/api/docs';

/**
 * Swagger UI, served here rather than by `SwaggerModule` because its page has inline styles: this one
 * links only files. The base layout without the stand-alone preset has no top bar, whose logo is an
 * inline `<style>`; the validator badge (an image from swagger.io) is off.
 */
const DOCS_PAGE = `<!doctype html>
<html lang="en-GB">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Strongroom API</title>
<link rel="stylesheet" href="${DOCS}/swagger-ui.css">
<link rel="stylesheet" href="${DOCS}/index.css">
<link rel="icon" type="image/png" href="${DOCS}/favicon-32x32.png" sizes="32x32">
<link rel="icon" type="image/png" href="${DOCS}/favicon-16x16.png" sizes="16x16">
</head>
<body><div id="swagger-ui"></div>
<script src="${DOCS}/swagger-ui-bundle.js"></script>
<script src="${DOCS}/docs-init.js"></script>
</body></html>`;

/** Starts Swagger UI on the OpenAPI document; a file, because the page's policy refuses inline scripts. */
const DOCS_INIT = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: '${DOCS}/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
    validatorUrl: null,
  });
});
`;

/** The files of swagger-ui-dist the docs page loads; nothing else of that folder is served. */
const DOCS_ASSETS = new Set([
  'swagger-ui.css',
  'index.css',
  'swagger-ui-bundle.js',
  'favicon-32x32.png',
  'favicon-16x16.png',
]);

const LANDING_POLICY = pageContentSecurityPolicy({ styleHashes: [cspHash(LANDING_CSS)] });
// Swagger UI's stylesheet draws its icons as `data:` SVG images.
const DOCS_POLICY = pageContentSecurityPolicy({ dataImages: true });

function sendPage(res: Response, html: string, policy: string): void {
  res.setHeader('Content-Security-Policy', policy);
  res.type('html').send(html);
}

/** Answers the pages and the docs' files (GET and HEAD); every other request goes on. `cliPackageDir`: CLI_PACKAGE_DIR. */
export function htmlPages(cliPackageDir: string): RequestHandler {
  const assets = swaggerUiDir();
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    if (req.path === '/') {
      const origin = `${req.protocol}://${req.get('host') ?? 'localhost'}`;
      return sendPage(res, landingPage(origin, cliPackageBuilt(cliPackageDir)), LANDING_POLICY);
    }
    if (req.path === DOCS || req.path === `${DOCS}/`) return sendPage(res, DOCS_PAGE, DOCS_POLICY);
    if (req.path === `${DOCS}/docs-init.js`) {
      res.type('js').send(DOCS_INIT);
      return;
    }
    const file = req.path.startsWith(`${DOCS}/`) ? req.path.slice(DOCS.length + 1) : '';
    if (DOCS_ASSETS.has(file)) return res.sendFile(path.join(assets, file), (err) => err && next(err));
    next();
  };
}
