import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

export const root = path.join(__dirname, '..', '..');
export const serverMain = path.join(root, 'dist/src/main.js');

/**
 * Builds the server once per test run (`npm run build`, as `npm start` does), however many test files
 * need the real process: the first to ask builds, under a lock directory, and leaves a stamp naming the
 * run (the global setup's process id); the others wait for the stamp.
 */
export async function ensureBuilt(): Promise<void> {
  const run = process.env.STRONGROOM_TEST_RUN ?? String(process.ppid);
  const stamp = path.join(root, 'dist', '.built-for-test-run');
  const lock = path.join(root, '.test-build.lock');
  for (;;) {
    if ((await readFile(stamp, 'utf8').catch(() => '')) === run) return;
    try {
      await mkdir(lock);
    } catch {
      await new Promise((r) => setTimeout(r, 500)); // another test file is building
      continue;
    }
    try {
      if ((await readFile(stamp, 'utf8').catch(() => '')) === run) return;
      await promisify(execFile)('npm', ['run', 'build', '--silent'], { cwd: root });
      await writeFile(stamp, run);
      return;
    } finally {
      await rm(lock, { recursive: true, force: true });
    }
  }
}

/** A server process, as `npm start` runs it, with its output kept. */
export interface ServerProcess {
  child: ChildProcess;
  /** Resolves with the output so far once `until` has appeared in it. */
  ready: Promise<string>;
  exited: Promise<number | null>;
  output(): string;
}

/**
 * Runs the built server with this environment (and nothing else of the test's), until `until` appears;
 * by default this checkout's dist/src/main.js, or `args` in `cwd` (another install of it).
 */
export function startServerProcess(
  env: Record<string, string>,
  until: string,
  { cwd = root, args = [serverMain] }: { cwd?: string; args?: string[] } = {},
): ServerProcess {
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ready = new Promise<string>((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d.toString();
      if (out.includes(until)) resolve(out);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => reject(new Error(`server exited (${code}) before "${until}":\n${out}`)));
  });
  ready.catch(() => undefined); // a test that expects an early exit never awaits `ready`
  return { child, ready, exited, output: () => out };
}
