import { chmod, lstat, rm } from 'node:fs/promises';
import { connect, createServer, type Socket } from 'node:net';
import { wipe } from '../../sdk/node.js';
import type { AgentRequest, AgentStatus } from './client.js';
import { makeAgentDir, untrustedDir } from './paths.js';

/**
 * What `strongroom unlock` hands its agent on standard input: this header as one JSON line, then the
 * unlocked device record (JSON bytes) to the end. Never on the command line or in the environment, which
 * other users can read through the process list.
 */
export interface AgentHeader {
  dir: string;
  socket: string;
  userId: string;
  email: string;
  /** When the agent wipes the keys and exits (ISO date-time). */
  until: string;
  /** SHA-256 of the key store file the keys came from: they are served only while it is unchanged. */
  storeDigest: string;
}

/** A request line longer than this is not one of ours. */
const REQUEST_MAX = 4096;
/** How often the agent checks its socket is still there (a removed home, or another agent took its place). */
const WATCH_MS = 2000;

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const all = Buffer.concat(chunks);
  for (const c of chunks) c.fill(0);
  return all;
}

async function main(): Promise<void> {
  const input = await readStdin();
  const nl = input.indexOf(10);
  const header = JSON.parse(input.subarray(0, nl).toString('utf8')) as AgentHeader;
  // The keys live in this one buffer, and nowhere else in this process: it is wiped when the agent stops.
  const device = Buffer.alloc(input.length - nl - 1);
  input.copy(device, 0, nl + 1);
  await wipe(input);
  const until = Date.parse(header.until);
  const status: AgentStatus = { userId: header.userId, email: header.email, until: header.until, pid: process.pid };

  await makeAgentDir(header.dir);
  if (await listening(header.socket)) throw new Error('another unlock agent is running');
  await rm(header.socket, { force: true });

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await wipe(device);
    server.close();
    // Only our own socket: another agent may have taken the name since.
    const st = await lstat(header.socket).catch(() => null);
    if (st && st.ino === socketIno) await rm(header.socket, { force: true });
    process.exit(0);
  };

  const answer = (conn: Socket, request: AgentRequest) => {
    if (Date.now() >= until) {
      conn.end(JSON.stringify({ ok: false, reason: 'expired' }) + '\n');
      void stop();
      return;
    }
    if (request.op === 'status') conn.end(JSON.stringify({ ok: true, status }) + '\n');
    else if (request.op === 'lock') {
      conn.end(JSON.stringify({ ok: true }) + '\n', () => void stop());
    } else if (request.op === 'keys' && request.userId !== header.userId) {
      conn.end(JSON.stringify({ ok: false, reason: 'other_user' }) + '\n');
    } else if (request.op === 'keys' && request.storeDigest !== header.storeDigest) {
      conn.end(JSON.stringify({ ok: false, reason: 'store_changed' }) + '\n');
    } else if (request.op === 'keys') {
      const reply = Buffer.concat([Buffer.from('{"ok":true,"device":'), device, Buffer.from('}\n')]);
      conn.end(reply, () => void wipe(reply));
    } else conn.end(JSON.stringify({ ok: false, reason: 'unknown' }) + '\n');
  };

  const server = createServer((conn) => {
    let buf = Buffer.alloc(0);
    conn.setTimeout(10_000, () => conn.destroy());
    conn.on('error', () => conn.destroy());
    conn.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      const end = buf.indexOf(10);
      if (end < 0 && buf.length <= REQUEST_MAX) return;
      conn.removeAllListeners('data');
      let request: AgentRequest;
      try {
        request = JSON.parse(buf.subarray(0, end).toString('utf8')) as AgentRequest;
      } catch {
        conn.destroy();
        return;
      }
      answer(conn, request);
    });
  });

  // The socket is made 0600 from the start (no moment when it is looser), then set again to be sure.
  const umask = process.umask(0o177);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(header.socket, () => resolve());
  });
  process.umask(umask);
  await chmod(header.socket, 0o600);
  const socketIno = (await lstat(header.socket)).ino;

  setTimeout(() => void stop(), Math.max(0, until - Date.now()));
  setInterval(() => {
    void (async () => {
      const st = await lstat(header.socket).catch(() => null);
      if (!st || st.ino !== socketIno || (await untrustedDir(header.dir))) await stop();
    })();
  }, WATCH_MS);
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => void stop());
  // Closing the terminal that ran `unlock` does not lock, as with ssh-agent: `lock` or the time does.
  process.on('SIGHUP', () => undefined);

  process.stdout.write('ready\n');
  process.stdout.end();
}

/** Whether something answers on `socket`. */
function listening(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const c = connect(socket);
    c.on('connect', () => {
      c.destroy();
      resolve(true);
    });
    c.on('error', () => resolve(false));
  });
}

main().catch((err: unknown) => {
  process.stdout.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
