import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { writePrivateFile } from '../sdk/node.js';
import { homeDir } from './state.js';

/** Where this person's Strongroom is, remembered from the first time it was given (`~/.strongroom/server.json`). */
export interface SavedServer {
  server: string;
  /** True when the person said `--insecure` for this plain-http address: it is not refused again. */
  insecure?: boolean;
}

const serverFile = (env: Record<string, string | undefined>) => path.join(homeDir(env), 'server.json');

export async function loadSavedServer(env: Record<string, string | undefined>): Promise<SavedServer | null> {
  try {
    const parsed = JSON.parse(await readFile(serverFile(env), 'utf8')) as Partial<SavedServer>;
    return typeof parsed.server === 'string' ? { server: parsed.server, insecure: parsed.insecure === true } : null;
  } catch {
    return null;
  }
}

export async function saveServer(env: Record<string, string | undefined>, saved: SavedServer): Promise<void> {
  const body: SavedServer = saved.insecure ? saved : { server: saved.server };
  await writePrivateFile(serverFile(env), JSON.stringify(body, null, 2) + '\n');
}

/** Addresses that never leave this computer: plain http to them is not readable on any network. */
const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/** Why an address cannot be used, in words for the person, or the address made regular (no trailing slash). */
export type CheckedAddress = { ok: true; url: string } | { ok: false; problem: string };

/**
 * A server address as typed: `https://…` anywhere; `http://…` only to this computer (localhost, 127.x,
 * [::1]) unless `insecure`, since over plain http a password, the session token and every change can be
 * read and altered by anyone on the network between. End-to-end encryption keeps the contents safe, but
 * not the sign-in. A bare name (`strongroom.council.example`) is taken as https.
 */
export function checkServerAddress(typed: string, insecure: boolean): CheckedAddress {
  const text = typed.trim();
  if (!text) return { ok: false, problem: 'The server address is empty.' };
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`);
  } catch {
    return { ok: false, problem: `"${text}" is not a web address (try https://strongroom.your-council.example).` };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { ok: false, problem: `"${text}" is not a web address: it must start with https://.` };
  }
  if (url.username || url.password || url.search || url.hash) {
    return {
      ok: false,
      problem: `"${text}" has more than a server address in it: give just https://name (and a path, if any).`,
    };
  }
  if (url.protocol === 'http:' && !LOOPBACK.test(url.hostname) && !insecure) {
    return {
      ok: false,
      problem:
        `${url.origin} is plain http: your password and session could be read on the way. Use its https:// ` +
        'address, or, only on a network you trust (a test server), add --insecure.',
    };
  }
  return { ok: true, url: url.href.replace(/\/+$/, '') };
}
