import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { wipe, type StoredDevice } from '../../sdk/node.js';
import { lockAgent } from './client.js';
import type { AgentHeader } from './daemon.js';
import { agentPaths, makeAgentDir } from './paths.js';

/** How long the agent may take to start listening before `unlock` gives up on it. */
const START_TIMEOUT_MS = 30_000;

/**
 * Starts this home's unlock agent holding `device` until `until`, replacing one already running. The
 * keys go to it over a pipe; `unlock` returns once it listens, and the agent lives on detached from the
 * terminal, in its own session, until `lock`, `logout` or the time.
 */
export async function startAgent(
  env: Record<string, string | undefined>,
  who: { userId: string; email: string },
  device: StoredDevice,
  until: Date,
  storeDigest: string,
): Promise<void> {
  const { dir, socket } = agentPaths(env);
  await makeAgentDir(dir);
  await lockAgent(env);
  const header: AgentHeader = { dir, socket, ...who, until: until.toISOString(), storeDigest };
  const child = spawn(process.execPath, [fileURLToPath(new URL('./daemon.mjs', import.meta.url))], {
    detached: true,
    cwd: '/',
    stdio: ['pipe', 'pipe', 'ignore'],
    // Only what Node and tsx need: no secret the CLI was given reaches the agent through its environment.
    env: Object.fromEntries(['PATH', 'TMPDIR', 'HOME'].flatMap((k) => (process.env[k] ? [[k, process.env[k]]] : []))),
  });
  const keys = Buffer.from(JSON.stringify(device));
  const input = Buffer.concat([Buffer.from(JSON.stringify(header) + '\n'), keys]);
  await wipe(keys);
  child.stdin.end(input, () => void wipe(input));
  const said = await new Promise<string>((resolve) => {
    let out = '';
    const timer = setTimeout(() => resolve('error: it did not start in time'), START_TIMEOUT_MS);
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString('utf8');
      if (out.includes('\n')) {
        clearTimeout(timer);
        resolve(out.split('\n')[0]);
      }
    });
    child.on('exit', () => {
      clearTimeout(timer);
      resolve(out.split('\n')[0] || 'error: it stopped at once');
    });
  });
  child.stdout.destroy();
  child.unref();
  if (said !== 'ready') {
    if (child.exitCode === null) child.kill();
    throw new Error(`The unlock agent could not start: ${said.replace(/^error: /, '')}.`);
  }
}
