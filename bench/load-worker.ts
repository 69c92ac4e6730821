/**
 * The bench's clients, on a thread of their own: socket.io clients that send and receive, so that the
 * server under test (on the main thread) does not also pay for its clients' work, as it would not in
 * production. The same code drives Strongroom and the bare relay, so the two are measured alike.
 */
import { createHash, randomBytes } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import { io, type Socket } from 'socket.io-client';
import { MemoryTrustStore, SecureSession, StrongroomClient, type StoredDevice } from '../client/sdk/index.js';
import { now, pct } from './stats.js';

export type LoadTask =
  | { kind: 'sends'; url: string; event: string; jobs: { token?: string; payloads: unknown[] }[] }
  | {
      kind: 'latency';
      url: string;
      event: string;
      /** `strongroom`: `message.new` carries `{ message: { clientMessageId } }`; `relay`: `{ id }`. */
      shape: 'strongroom' | 'relay';
      receiverTokens: (string | undefined)[];
      senderToken?: string;
      payloads: Payload[];
      rate: number;
      /** The first this many payloads warm up (sent at the same rate, their arrivals not counted). */
      warmUp?: number;
    }
  | {
      /**
       * Opens a sustained-rate ramp: connects one sender and the receivers and keeps them connected on
       * this thread for the `step`s that follow, until `leave`. The sockets stay open and warm between
       * steps, as they would for a sender whose rate rises.
       */
      kind: 'join';
      url: string;
      event: string;
      shape: 'strongroom' | 'relay';
      receiverTokens: (string | undefined)[];
      senderToken?: string;
    }
  | {
      /**
       * One step of the ramp: the sender sends `payloads` in order at `rate` for `seconds` (what is not
       * sent by then is not sent), each message timed from when it was due, not from when the sender got
       * round to it, to its arrival at every receiver; waits at most `deadlineMs` after the last was due.
       */
      kind: 'step';
      payloads: Payload[];
      rate: number;
      seconds: number;
      deadlineMs: number;
    }
  | { kind: 'leave' }
  | {
      /** One socket sending `payloads` at `rate`, timing each send to its acknowledgement. */
      kind: 'acks';
      url: string;
      event: string;
      token: string;
      payloads: unknown[];
      rate: number;
    }
  | {
      /** One socket sending `event` as fast as it can for `seconds`, until the server cuts it. */
      kind: 'flood';
      url: string;
      event: string;
      token: string;
      seconds: number;
    }
  | {
      /** One file of `size` random bytes uploaded through the SDK, then downloaded, never held whole. */
      kind: 'files';
      baseUrl: string;
      token: string;
      device: StoredDevice;
      channelId: string;
      size: number;
    };

/** A message as the bench sends it: Strongroom's carries a `clientMessageId`, the bare relay's an `id`. */
export type Payload = { clientMessageId: string } | { id: string };

export type LoadResult =
  | { kind: 'sends'; ms: number; failed: number }
  | { kind: 'latency'; latencies: number[] }
  | { kind: 'join' }
  | { kind: 'leave' }
  | {
      kind: 'step';
      /** Messages sent in the step's time, of `payloads.length`. */
      sent: number;
      /** Sends the server acknowledged with a refusal, and sends with no acknowledgement by the deadline. */
      refused: number;
      unacknowledged: number;
      /** Arrivals expected (sent × receivers) and arrivals within `deadlineMs` of being due. */
      expected: number;
      onTime: number;
      /** Over every expected arrival, one missing or later than the deadline counting as Infinity. */
      p50ms: number;
      p99ms: number;
      /** From due to the server's acknowledgement, over the sends acknowledged: the sender's wait, alone. */
      ackP50ms: number;
      ackP99ms: number;
    }
  | { kind: 'acks'; latencies: number[]; failed: number }
  | { kind: 'flood'; sent: number; limited: number; cut: boolean }
  | { kind: 'files'; uploadMs: number; downloadMs: number; same: boolean };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

async function connect(url: string, token: string | undefined): Promise<Socket> {
  const s = io(url, { transports: ['websocket'], auth: token ? { token } : undefined, reconnection: false });
  await new Promise<void>((resolve, reject) => {
    s.once('connect', () => resolve());
    s.once('connect_error', reject);
  });
  return s;
}

const idOf = (p: Payload) => ('id' in p ? p.id : p.clientMessageId);

/** The id a `message.new` event carries, in either shape. */
const arrivedId = (shape: 'strongroom' | 'relay', p: { id?: string; message?: { clientMessageId: string } }) =>
  shape === 'relay' ? p.id! : p.message!.clientMessageId;

/**
 * Calls `arrived` with the id of each message a socket hears: one per `message.new`, and each of a
 * `messages.new` (Strongroom's frame of several stored together), with the time the frame came.
 */
function onArrivals(r: Socket, shape: 'strongroom' | 'relay', arrived: (id: string, t: number) => void): void {
  r.on('message.new', (p: { id?: string; message?: { clientMessageId: string } }) =>
    arrived(arrivedId(shape, p), now()),
  );
  r.on('messages.new', (p: { messages: { clientMessageId: string }[] }) => {
    const t = now();
    for (const m of p.messages) arrived(m.clientMessageId, t);
  });
}

async function ack(s: Socket, event: string, payload: unknown): Promise<boolean> {
  const res = (await s.timeout(30_000).emitWithAck(event, payload)) as { ok?: boolean } | undefined;
  return res?.ok !== false;
}

async function sends(task: Extract<LoadTask, { kind: 'sends' }>): Promise<LoadResult> {
  const sockets = await Promise.all(task.jobs.map((j) => connect(task.url, j.token)));
  let failed = 0;
  const t0 = now();
  await Promise.all(
    task.jobs.map(async (j, i) => {
      for (const p of j.payloads) if (!(await ack(sockets[i], task.event, p))) failed++;
    }),
  );
  const ms = now() - t0;
  for (const s of sockets) s.close();
  return { kind: 'sends', ms, failed };
}

async function latency(task: Extract<LoadTask, { kind: 'latency' }>): Promise<LoadResult> {
  const arrivals = new Map<string, number[]>();
  const receivers = await Promise.all(task.receiverTokens.map((t) => connect(task.url, t)));
  for (const r of receivers) {
    onArrivals(r, task.shape, (id, t) => {
      const list = arrivals.get(id) ?? [];
      list.push(t);
      arrivals.set(id, list);
    });
  }
  const sender = await connect(task.url, task.senderToken);
  const sent = new Map<string, number>();
  const acks: Promise<unknown>[] = [];
  const t0 = now();
  for (let i = 0; i < task.payloads.length; i++) {
    await sleep(t0 + (i * 1000) / task.rate - now());
    const p = task.payloads[i];
    sent.set(idOf(p), now());
    acks.push(ack(sender, task.event, p).catch(() => false));
  }
  await Promise.all(acks);
  await sleep(1000);
  const latencies: number[] = [];
  const counted = new Set(task.payloads.slice(task.warmUp ?? 0).map(idOf));
  for (const [id, t] of sent) if (counted.has(id)) for (const a of arrivals.get(id) ?? []) latencies.push(a - t);
  for (const s of [...receivers, sender]) s.close();
  return { kind: 'latency', latencies };
}

/**
 * Sends `count` messages at `rate` from `t0`, for at most `seconds`: when the sender falls behind it
 * catches up in a burst rather than sleeping (a timer cannot fire more often than every millisecond,
 * which would cap the rate at about 1,000 a second). Returns how many it sent.
 */
async function paced(count: number, rate: number, seconds: number, t0: number, send: (i: number) => void) {
  const until = t0 + seconds * 1000;
  let i = 0;
  while (i < count && now() < until) {
    const due = Math.min(count, Math.floor(((now() - t0) * rate) / 1000) + 1);
    while (i < due) send(i++);
    const wait = t0 + (i * 1000) / rate - now();
    // Yield either way, so the receivers' arrivals on this thread are timed when they come.
    await (wait > 1 ? sleep(wait) : new Promise((r) => setImmediate(r)));
  }
  return i;
}

/** The ramp's open sockets (between `join` and `leave`), and what the current step listens for. */
let ramp: {
  event: string;
  receivers: Socket[];
  sender: Socket;
  /** Called with each arrival's id and time; replaced by each step, so a late straggler is ignored. */
  arrived: (id: string, t: number) => void;
} | null = null;

async function join(task: Extract<LoadTask, { kind: 'join' }>): Promise<LoadResult> {
  const receivers = await Promise.all(task.receiverTokens.map((t) => connect(task.url, t)));
  const sender = await connect(task.url, task.senderToken);
  const open = { event: task.event, receivers, sender, arrived: (_id: string, _t: number) => undefined };
  for (const r of receivers) onArrivals(r, task.shape, (id, t) => open.arrived(id, t));
  ramp = open;
  return { kind: 'join' };
}

function leave(): LoadResult {
  for (const s of [...(ramp?.receivers ?? []), ...(ramp ? [ramp.sender] : [])]) s.close();
  ramp = null;
  return { kind: 'leave' };
}

async function step(task: Extract<LoadTask, { kind: 'step' }>): Promise<LoadResult> {
  if (!ramp) throw new Error('A step needs the ramp joined first.');
  const { event, receivers, sender } = ramp;
  const index = new Map(task.payloads.map((p, i) => [idOf(p), i]));
  const latencies: number[] = [];
  const t0 = now();
  const dueAt = (i: number) => t0 + (i * 1000) / task.rate;
  ramp.arrived = (id, t) => {
    const i = index.get(id);
    if (i !== undefined) latencies.push(t - dueAt(i));
  };
  let refused = 0;
  let acknowledged = 0;
  const ackLatencies: number[] = [];
  const sent = await paced(task.payloads.length, task.rate, task.seconds, t0, (i) =>
    sender.emit(event, task.payloads[i], (res?: { ok?: boolean }) => {
      ackLatencies.push(now() - dueAt(i));
      acknowledged++;
      if (res?.ok === false) refused++;
    }),
  );
  const expected = sent * receivers.length;
  const deadline = dueAt(sent - 1) + task.deadlineMs;
  while (now() < deadline && (latencies.length < expected || acknowledged < sent)) await sleep(20);
  ramp.arrived = () => undefined;
  const onTime = latencies.filter((l) => l <= task.deadlineMs);
  const all = [...onTime, ...Array<number>(Math.max(0, expected - onTime.length)).fill(Infinity)];
  return {
    kind: 'step',
    sent,
    refused,
    unacknowledged: sent - acknowledged,
    expected,
    onTime: onTime.length,
    p50ms: pct(all, 50),
    p99ms: pct(all, 99),
    ackP50ms: pct(ackLatencies, 50),
    ackP99ms: pct(ackLatencies, 99),
  };
}

async function acks(task: Extract<LoadTask, { kind: 'acks' }>): Promise<LoadResult> {
  const s = await connect(task.url, task.token);
  const latencies: number[] = [];
  let failed = 0;
  const t0 = now();
  for (let i = 0; i < task.payloads.length; i++) {
    await sleep(t0 + (i * 1000) / task.rate - now());
    const sent = now();
    if (await ack(s, task.event, task.payloads[i])) latencies.push(now() - sent);
    else failed++;
  }
  s.close();
  return { kind: 'acks', latencies, failed };
}

async function flood(task: Extract<LoadTask, { kind: 'flood' }>): Promise<LoadResult> {
  const s = await connect(task.url, task.token);
  let sent = 0;
  let limited = 0;
  let cut = false;
  s.on('disconnect', () => (cut = true));
  const until = now() + task.seconds * 1000;
  while (now() < until && !cut) {
    for (let i = 0; i < 50; i++) {
      sent++;
      s.emit(task.event, {}, (a: { ok?: boolean; error?: { code?: string } }) => {
        if (a?.error?.code === 'rate_limited') limited++;
      });
    }
    await new Promise((r) => setImmediate(r));
  }
  s.close();
  return { kind: 'flood', sent, limited, cut };
}

async function files(task: Extract<LoadTask, { kind: 'files' }>): Promise<LoadResult> {
  const session = new SecureSession(
    new StrongroomClient(task.baseUrl, task.token),
    task.device,
    new MemoryTrustStore(),
  );
  const sent = createHash('sha256');
  async function* source(): AsyncGenerator<Uint8Array> {
    for (let left = task.size; left > 0; left -= 256 * 1024) {
      const piece = randomBytes(Math.min(256 * 1024, left));
      sent.update(piece);
      yield await Promise.resolve(piece);
    }
  }
  let t0 = now();
  const ref = await session.uploadFile(task.channelId, source(), { name: 'bench.bin', size: task.size });
  const uploadMs = now() - t0;
  const got = createHash('sha256');
  t0 = now();
  for await (const piece of session.downloadFile(ref)) got.update(piece);
  const downloadMs = now() - t0;
  return { kind: 'files', uploadMs, downloadMs, same: sent.digest('hex') === got.digest('hex') };
}

const run = (task: LoadTask): Promise<LoadResult> => {
  switch (task.kind) {
    case 'sends':
      return sends(task);
    case 'latency':
      return latency(task);
    case 'join':
      return join(task);
    case 'step':
      return step(task);
    case 'leave':
      return Promise.resolve(leave());
    case 'acks':
      return acks(task);
    case 'flood':
      return flood(task);
    case 'files':
      return files(task);
  }
};

parentPort?.on('message', (task: LoadTask) => {
  void run(task).then(
    (result) => parentPort!.postMessage({ ok: true, result }),
    (err: unknown) => parentPort!.postMessage({ ok: false, error: String(err) }),
  );
});
