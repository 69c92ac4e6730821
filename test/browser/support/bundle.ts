import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { root } from '../../support/server-process.js';

/**
 * Bundles `entry` (and everything it imports, libsodium included) into one ES module for the browser
 * with Vite, in `outDir`, and returns its text. Fails if our code imports a Node built-in (vite-build.ts).
 */
export async function buildBrowserBundle(entry: string, outDir: string): Promise<string> {
  const fileName = 'bundle.js';
  try {
    await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', path.join(__dirname, 'vite-build.ts'), entry, outDir, fileName],
      { cwd: root, maxBuffer: 16 * 1024 * 1024 },
    );
  } catch (err) {
    const { stderr, stdout } = err as { stderr?: string; stdout?: string };
    throw new Error(`Vite could not bundle ${path.relative(root, entry)}:\n${stderr || stdout || String(err)}`, {
      cause: err,
    });
  }
  return readFile(path.join(outDir, fileName), 'utf8');
}
