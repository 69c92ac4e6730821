/**
 * The SDK for a web page: everything of `./index.js` (nothing in it needs Node), set up to run under the
 * web client's strict Content-Security-Policy without a violation. The web client imports this, and
 * Node code `./node.js`.
 */
import './zod-without-eval.js'; // first: before any schema is built (see the file)
export * from './index.js';
