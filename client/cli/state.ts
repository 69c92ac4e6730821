import { readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { writePrivateFile } from '../sdk/node.js';

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

/** Saved 0600 in a 0700 home every time, whatever the modes were: the token is a credential. */
export async function saveSession(env: Record<string, string | undefined>, session: CliSession): Promise<void> {
  await writePrivateFile(sessionFile(env), JSON.stringify(session, null, 2) + '\n');
}

export async function clearSession(env: Record<string, string | undefined>): Promise<void> {
  await rm(sessionFile(env), { force: true });
}
