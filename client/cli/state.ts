import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** What the CLI remembers between commands: the server and the session token, never a password. */
export interface CliSession {
  server: string;
  token: string;
  userId: string;
  email: string;
}

/** `STRONGROOM_HOME`, or `~/.strongroom`: the session file and the encrypted device key store. */
export function homeDir(env: Record<string, string | undefined>): string {
  return path.resolve(env.STRONGROOM_HOME || path.join(os.homedir(), '.strongroom'));
}

export const keyStoreDir = (env: Record<string, string | undefined>) => path.join(homeDir(env), 'keys');
const sessionFile = (env: Record<string, string | undefined>) => path.join(homeDir(env), 'session.json');

export async function loadSession(env: Record<string, string | undefined>): Promise<CliSession | null> {
  try {
    const parsed = JSON.parse(await readFile(sessionFile(env), 'utf8')) as Partial<CliSession>;
    if (typeof parsed.token !== 'string' || typeof parsed.server !== 'string') return null;
    return parsed as CliSession;
  } catch {
    return null;
  }
}

/** Saved with mode 0600 in a 0700 directory: the token is a credential. */
export async function saveSession(env: Record<string, string | undefined>, session: CliSession): Promise<void> {
  await mkdir(homeDir(env), { recursive: true, mode: 0o700 });
  await writeFile(sessionFile(env), JSON.stringify(session, null, 2) + '\n', { mode: 0o600 });
}

export async function clearSession(env: Record<string, string | undefined>): Promise<void> {
  await rm(sessionFile(env), { force: true });
}
