import { createHash } from 'node:crypto';
import { lstat, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { homeDir } from '../state.js';

/** A Unix socket path longer than this does not fit `sockaddr_un` (108 bytes on Linux, 104 on macOS). */
const SOCKET_PATH_MAX = 100;

/** Where the agent of one STRONGROOM_HOME listens: a 0700 folder of this user's, and the socket in it. */
export interface AgentPaths {
  dir: string;
  socket: string;
}

/**
 * The agent's socket for this CLI home. In `XDG_RUNTIME_DIR` when the system gives one (a per-user 0700
 * tmpfs, emptied at log-out), named after the home so two homes have two agents; otherwise in the home
 * itself (`<home>/agent/`). When that path is too long for a socket, a folder in the system's temporary
 * folder named after the user id and the home; such a folder could be made first by someone else,
 * which is why every user of these paths checks the folder's owner and mode before trusting it.
 */
export function agentPaths(env: Record<string, string | undefined>): AgentPaths {
  const home = homeDir(env);
  const tag = createHash('sha256').update(home).digest('hex').slice(0, 16);
  const runtime = env.XDG_RUNTIME_DIR && path.isAbsolute(env.XDG_RUNTIME_DIR) ? env.XDG_RUNTIME_DIR : null;
  const candidates = [
    ...(runtime ? [path.join(runtime, `strongroom-${tag}`)] : []),
    path.join(home, 'agent'),
    path.join(os.tmpdir(), `strongroom-${uid()}-${tag}`),
  ];
  const dir = candidates.find((d) => Buffer.byteLength(path.join(d, 'agent.sock')) <= SOCKET_PATH_MAX);
  if (!dir) throw new Error('No folder for the unlock agent has a short enough name on this computer.');
  return { dir, socket: path.join(dir, 'agent.sock') };
}

/** This process's user id; -1 where the platform has none (Windows), where the agent is not offered. */
export const uid = () => (typeof process.getuid === 'function' ? process.getuid() : -1);

/** Why a folder cannot be trusted to hold the agent's socket, or null when it can. */
export async function untrustedDir(dir: string): Promise<string | null> {
  const st = await lstat(dir).catch(() => null);
  if (!st) return 'it does not exist';
  if (st.isSymbolicLink() || !st.isDirectory()) return 'it is not a folder';
  if (st.uid !== uid()) return 'it belongs to another user';
  if ((st.mode & 0o077) !== 0) return 'other users can open it (it should be 0700)';
  return null;
}

/** Why the socket file cannot be trusted, or null when it can: a socket of this user's, 0600. */
export async function untrustedSocket(socket: string): Promise<string | null> {
  const st = await lstat(socket).catch(() => null);
  if (!st) return 'it does not exist';
  if (!st.isSocket()) return 'it is not a socket';
  if (st.uid !== uid()) return 'it belongs to another user';
  if ((st.mode & 0o077) !== 0) return 'other users can use it (it should be 0600)';
  return null;
}

/**
 * Makes the agent's folder 0700 (mkdir's mode is exact only when the umask allows it, so it is checked
 * after) and refuses one that already exists but is not this user's alone: the agent never listens, and
 * no command ever connects, in a folder someone else could have made or can enter.
 */
export async function makeAgentDir(dir: string): Promise<void> {
  await mkdir(path.dirname(dir), { recursive: true, mode: 0o700 });
  await mkdir(dir, { mode: 0o700 }).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'EEXIST') throw err;
  });
  const why = await untrustedDir(dir);
  if (why) throw new Error(`The unlock agent's folder ${dir} cannot be trusted: ${why}.`);
}
