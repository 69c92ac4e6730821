/**
 * The references the server's figures are divided by: what PostgreSQL commits when nothing else is in
 * the way (bench/insert-reference.ts, in a process of its own) and what socket.io relays when it does
 * nothing else (a bare relay on this process, measured by the same client thread as the server).
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Server } from 'socket.io';
import type { InsertPlan, InsertResult } from './insert-reference.js';

/**
 * Runs the INSERT reference as a child process (not a worker thread: a thread would share this
 * process's heap, collector and, through the server's event loop, its CPU time) and returns its result.
 */
export async function measureInserts(plan: InsertPlan): Promise<InsertResult> {
  const script = fileURLToPath(new URL('./insert-reference.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script, JSON.stringify(plan)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (d: string) => (out += d));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  if (code !== 0) throw new Error(`The INSERT reference process stopped with code ${code}.`);
  return JSON.parse(out) as InsertResult;
}

/** A socket.io server that only relays: no auth, no persistence, no crypto. */
export async function startRelay(): Promise<{ url: string; close(): Promise<void> }> {
  const http = createServer();
  const io = new Server(http, { serveClient: false });
  io.on('connection', (s) => {
    void s.join('room');
    s.on('send', (p: { id: string }, ack: () => void) => {
      io.to('room').emit('message.new', p);
      ack();
    });
    // The sends part's ceiling: a socket.io server that does nothing with a send but acknowledge it.
    s.on('ack', (_p: unknown, ack: (r: { ok: true }) => void) => ack({ ok: true }));
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
    close: () => io.close(),
  };
}
