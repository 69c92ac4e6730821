/**
 * Many idle socket.io clients, in a process of their own (started by `idleSockets` in
 * bench/idle-sockets.ts): ten thousand sockets and the server's ten thousand ends would not fit under one
 * process's file-descriptor limit (20,000 here), and the server's memory is read without its clients in it.
 *
 * Run: `node --import tsx bench/idle-clients.ts`, then write an IdlePlan as one line of JSON to its
 * standard input (ten thousand tokens are too long for one argument). Connects every socket, at most
 * `concurrency` connecting at once, prints an IdleHeld as one line of JSON on stdout, then holds them
 * all open and idle until its standard input ends, when it closes them and exits.
 */
import { createInterface } from 'node:readline';
import { io, type Socket } from 'socket.io-client';
import { now, round } from './stats.js';

export interface IdlePlan {
  url: string;
  /** One entry per socket: its session token, or null for a server that asks for none (the bare relay). */
  tokens: (string | null)[];
  concurrency: number;
}

export interface IdleHeld {
  connected: number;
  refused: number;
  /** The first refusal's message, if any. */
  firstRefusal: string | null;
  connectMs: number;
}

const input = createInterface({ input: process.stdin });
const plan = JSON.parse(await new Promise<string>((resolve) => input.once('line', resolve))) as IdlePlan;
const sockets: Socket[] = [];
let refused = 0;
let firstRefusal: string | null = null;

function open(token: string | null): Promise<void> {
  const s = io(plan.url, {
    transports: ['websocket'],
    auth: token ? { token } : undefined,
    reconnection: false,
    forceNew: true,
  });
  return new Promise((resolve) => {
    s.once('connect', () => {
      sockets.push(s);
      resolve();
    });
    s.once('connect_error', (err) => {
      refused++;
      firstRefusal ??= err.message;
      s.close();
      resolve();
    });
  });
}

const t0 = now();
let next = 0;
await Promise.all(
  Array.from({ length: Math.min(plan.concurrency, plan.tokens.length) }, async () => {
    while (next < plan.tokens.length) await open(plan.tokens[next++]);
  }),
);
const held: IdleHeld = { connected: sockets.length, refused, firstRefusal, connectMs: round(now() - t0, 0) };
process.stdout.write(`${JSON.stringify(held)}\n`);

input.once('close', () => {
  for (const s of sockets) s.close();
  process.exit(0);
});
