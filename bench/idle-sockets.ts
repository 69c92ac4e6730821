/**
 * Part 9 (`idle`): many authenticated idle sockets on one instance, and what each costs the server in
 * memory, beside a bare socket.io server holding as many. The clients run in a process of their own
 * (bench/idle-clients.ts); the server's memory is read on this thread just after a full collection.
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { SecureSession } from '../client/sdk/index.js';
import type { IdleHeld, IdlePlan } from './idle-clients.js';
import { startRelay } from './references.js';
import type { Bench } from './setup.js';
import { round } from './stats.js';

export interface IdleSide extends IdleHeld {
  /** Growth of this thread's V8 heap plus memory outside it (socket buffers), per connected socket. */
  bytesPerSocket: number;
  /** Growth of the whole process's resident memory, per connected socket (informative). */
  rssBytesPerSocket: number;
}

export interface IdleResult {
  sockets: number;
  people: number;
  socketsPerPerson: number;
  strongroom: IdleSide;
  relay: IdleSide;
  ratio: number | null;
  target: string;
}

/** A signed-in person with a device (the bench's members). */
type Person = { id: string; session: SecureSession };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Holds `tokens.length` idle sockets open against `url` from a child process; returns a closer. */
async function hold(url: string, tokens: (string | null)[]): Promise<{ held: IdleHeld; release: () => Promise<void> }> {
  const script = fileURLToPath(new URL('./idle-clients.ts', import.meta.url));
  const plan: IdlePlan = { url, tokens, concurrency: 50 };
  const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  child.stdin.write(`${JSON.stringify(plan)}\n`);
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  const lines = createInterface({ input: child.stdout });
  const first = await Promise.race([
    new Promise<string>((resolve) => lines.once('line', resolve)),
    exited.then((code) => {
      throw new Error(`The idle clients' process stopped with code ${code} before connecting.`);
    }),
  ]);
  return {
    held: JSON.parse(first) as IdleHeld,
    release: async () => {
      child.stdin.end();
      await exited;
    },
  };
}

/** This thread's live memory (heap and outside it) and the process's resident set, after a full collection. */
function memory(gc: () => void) {
  gc();
  gc();
  const m = process.memoryUsage();
  return { live: m.heapUsed + m.external, rss: m.rss };
}

async function measure(url: string, tokens: (string | null)[], gc: () => void): Promise<IdleSide> {
  const before = memory(gc);
  const { held, release } = await hold(url, tokens);
  try {
    // Whatever the server does for a socket after admitting it (rooms, timers) has settled.
    await sleep(3000);
    const after = memory(gc);
    const n = Math.max(1, held.connected);
    return {
      ...held,
      bytesPerSocket: round((after.live - before.live) / n, 0),
      rssBytesPerSocket: round((after.rss - before.rss) / n, 0),
    };
  } finally {
    await release();
    await sleep(1000);
  }
}

/**
 * Each person signs in as many times as they have sockets here (a session per socket, as separate
 * devices and tabs would have): their session's row copied under new tokens, so that ten thousand
 * sessions do not cost ten thousand password hashes. Every copy is a real session the server checks.
 */
async function sessionsFor(b: Bench, people: Person[], perPerson: number): Promise<string[]> {
  const { rows: cols } = await b.pool.query<{ column_name: string }>(
    `SELECT column_name FROM information_schema.columns
      WHERE table_schema = 'public' AND table_name = 'sessions' AND column_name NOT IN ('id', 'token_hash')`,
  );
  const columns = cols.map((c) => c.column_name).join(', ');
  const tokens: string[] = [];
  const sources: string[] = [];
  const hashes: Buffer[] = [];
  for (const p of people) {
    const source = createHash('sha256').update(p.session.client.token!, 'utf8').digest();
    for (let i = 0; i < perPerson; i++) {
      const token = randomBytes(32).toString('base64url');
      tokens.push(token);
      sources.push(source.toString('hex'));
      hashes.push(createHash('sha256').update(token, 'utf8').digest());
    }
  }
  for (let i = 0; i < tokens.length; i += 2000)
    await b.pool.query(
      `INSERT INTO sessions (token_hash, ${columns})
       SELECT t.hash, ${cols.map((c) => `s.${c.column_name}`).join(', ')}
         FROM unnest($1::bytea[], $2::text[]) AS t (hash, source)
         JOIN sessions s ON s.token_hash = decode(t.source, 'hex')`,
      [hashes.slice(i, i + 2000), sources.slice(i, i + 2000)],
    );
  return tokens;
}

/**
 * The part's own `peopleCount` people, made for it: a socket joins the room of every channel its person
 * is in, so people who had been through the other parts (the sustained ramps alone put each of nineteen
 * in about 160 channels) would make a socket cost what those parts left behind, not what this
 * part says it measures.
 */
export async function idleSockets(
  b: Bench,
  peopleCount: number,
  count: number,
  gc: () => void,
  log: (s: string) => void,
): Promise<IdleResult> {
  const perPerson = Math.ceil(count / peopleCount);
  log(`[9] idle sockets: making ${peopleCount} people with devices…\n`);
  const people: Person[] = [];
  for (let i = 0; i < peopleCount; i++) people.push(await b.person(`idle${i}`));
  log(`[9] idle sockets: ${people.length} people × ${perPerson} sessions, each person in a channel of ten…\n`);
  for (let i = 0; i + 1 < people.length; i += 10) {
    const group = people.slice(i, i + 10);
    await group[0].session.createChannel({
      kind: 'locality_meeting',
      members: group.slice(1).map((p) => ({ userId: p.id })),
    });
  }
  const tokens = (await sessionsFor(b, people, perPerson)).slice(0, count);
  log(`[9] ${tokens.length} authenticated sockets held open on the server…\n`);
  const strongroom = await measure(`${b.baseUrl}/rt`, tokens, gc);
  log(`[9] ${tokens.length} sockets held open on a bare socket.io server…\n`);
  const relay = await startRelay();
  let bare: IdleSide;
  try {
    bare = await measure(
      relay.url,
      tokens.map(() => null),
      gc,
    );
  } finally {
    await relay.close();
  }
  return {
    sockets: tokens.length,
    people: people.length,
    socketsPerPerson: perPerson,
    strongroom,
    relay: bare,
    ratio: bare.bytesPerSocket > 0 ? round(strongroom.bytesPerSocket / bare.bytesPerSocket) : null,
    target: 'memory per idle socket <= 2 × bare socket.io',
  };
}
