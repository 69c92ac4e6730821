import { config } from 'zod';

/**
 * Zod compiles faster object parsers with `new Function` when it may, and finds out by trying once, as
 * each object schema is built. Under a page policy without 'unsafe-eval' (the web client's) the try is
 * refused and caught, but the browser still reports it as a Content-Security-Policy violation, on every
 * page load. Parsing without compiled code is slower by a margin no page notices and reports nothing.
 *
 * A module of its own, imported first by browser.ts: imports are evaluated before the importing module's
 * body, so this must run before any schema of contracts/ is built. Never imported by the server or Node.
 */
config({ jitless: true });
