/**
 * `npm run bench`: how fast Strongroom is, as ratios to references measured in the same run on the
 * same machine (absolute numbers are too noisy here). Prints a table and writes bench/results/*.json.
 * Not a test: nothing here passes or fails; docs/performance.md records the numbers and the targets.
 */
import { randomUUID } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { Server } from 'socket.io';
import {
  decryptMessage,
  encryptMessage,
  epochAnnouncementBytes,
  messageChainLink,
  epochCommitment,
  newEpochKey,
  sealEpochKey,
  signDetached,
} from '../client/sdk/crypto/channel-crypto.js';
import { generateDeviceKeys } from '../client/sdk/crypto/device-keys.js';
import { identityFromSeed, newIdentitySeed, signDevice } from '../client/sdk/crypto/identity.js';
import { DeviceTrust } from '../client/sdk/session/device-trust.js';
import { MemoryTrustStore } from '../client/sdk/store/trust-store.js';
import type { StrongroomClient } from '../client/sdk/client.js';
import { sodium } from '../client/sdk/crypto/sodium.js';
import type { SecureSession } from '../client/sdk/index.js';
import type { LoadResult, LoadTask } from './load-worker.js';
import { startBench, type Bench } from './setup.js';
import { webFirstLoad } from './web.js';

const log = (s: string) => void process.stderr.write(s);
const now = () => performance.now();
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] : NaN;
};
const median = (xs: number[]) => pct(xs, 50);
const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

/** Runs one task on a fresh client thread (bench/load-worker.ts). */
async function onClientThread<K extends LoadTask['kind']>(
  task: Extract<LoadTask, { kind: K }>,
): Promise<Extract<LoadResult, { kind: K }>> {
  const worker = new Worker(new URL('./load-worker.mjs', import.meta.url));
  try {
    return await new Promise((resolve, reject) => {
      worker.once('error', reject);
      worker.once(
        'message',
        (m: { ok: true; result: Extract<LoadResult, { kind: K }> } | { ok: false; error: string }) =>
          m.ok ? resolve(m.result) : reject(new Error(m.error)),
      );
      worker.postMessage(task);
    });
  } finally {
    await worker.terminate();
  }
}

/** Each bench device's last counter and chain link per channel: payloads are made, then sent in order. */
const chains = new Map<string, { n: number; prev: string | null }>();

async function payload(s: SecureSession, channelId: string, epoch: number, key: Uint8Array, body: string) {
  const last = chains.get(`${s.deviceId}:${channelId}`) ?? { n: 0, prev: null };
  const order = { n: last.n + 1, prev: last.prev, sentAt: new Date().toISOString() };
  const header = {
    v: 2 as const,
    channelId,
    epoch,
    senderDeviceId: s.deviceId,
    clientMessageId: randomUUID(),
    ...order,
  };
  const sealed = await encryptMessage(header, { type: 'text', body }, key, s.device.keys.ed25519.privateKey);
  chains.set(`${s.deviceId}:${channelId}`, { n: order.n, prev: await messageChainLink(header) });
  return {
    channelId,
    epoch,
    senderDeviceId: s.deviceId,
    clientMessageId: header.clientMessageId,
    nonce: sealed.nonce,
    ciphertext: sealed.ciphertext,
    signature: sealed.signature,
    ...order,
  };
}

async function channelWith(owner: SecureSession, members: { id: string }[]) {
  const channelId = await owner.createChannel({
    kind: 'locality_meeting',
    members: members.map((m) => ({ userId: m.id })),
  });
  const epoch = (await owner.client.channel(channelId)).currentEpoch;
  return { channelId, epoch, key: await owner.keyFor(channelId, epoch) };
}

// ── 1. persisted sends per second vs raw INSERTs ────────────────────────────────────────────────────
async function sendsPerSecond(b: Bench, reader: { id: string }, senderCounts: number[], perRun: number) {
  const runs = [];
  let sample: Awaited<ReturnType<typeof payload>> | null = null;
  for (const count of senderCounts) {
    const per = Math.ceil(perRun / count);
    log(`[1/4] persisted sends: ${count} senders × ${per} messages…\n`);
    const senders = await Promise.all(Array.from({ length: count }, (_, i) => b.person(`sender${count}-${i}`)));
    const jobs = [];
    for (const s of senders) {
      const c = await channelWith(s.session, [reader]);
      const payloads = [];
      for (let i = 0; i < per; i++)
        payloads.push(await payload(s.session, c.channelId, c.epoch, c.key, `bench message ${i} `.padEnd(200, '.')));
      jobs.push({ token: s.session.client.token!, payloads });
    }
    sample ??= jobs[0].payloads[0];
    const { ms, failed } = await onClientThread({ kind: 'sends', url: `${b.baseUrl}/rt`, event: 'message.send', jobs });
    if (failed) log(`  ${failed} sends were refused\n`);

    runs.push({ senders: count, messagesEach: per, serverSendsPerSecond: round((count * per) / (ms / 1000), 0) });
    for (const s of senders) s.session.close();
  }

  // Reference: the same rows as single-row INSERTs, one commit each, over 16 connections.
  const CONNECTIONS = 16;
  const PER = Math.ceil(perRun / CONNECTIONS);
  const { rows } = await b.pool.query<{ channel_id: string; sender_user_id: string; sender_device_id: string }>(
    'SELECT channel_id, sender_user_id, sender_device_id FROM messages LIMIT 1',
  );
  const proto = rows[0];
  const t0 = now();
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async (_, conn) => {
      const client = await b.pool.connect();
      try {
        for (let i = 0; i < PER; i++) {
          await client.query(
            `INSERT INTO messages (channel_id, seq, epoch, sender_user_id, sender_device_id, client_message_id, nonce, ciphertext, signature, created_at, expires_at)
           VALUES ($1, $2, 1, $3, $4, $5, $6, $7, $8, now(), now() + interval '1 day')`,
            [
              proto.channel_id,
              1_000_000 + conn * 10_000 + i,
              proto.sender_user_id,
              proto.sender_device_id,
              randomUUID(),
              Buffer.from(sample!.nonce, 'base64url'),
              Buffer.from(sample!.ciphertext, 'base64url'),
              Buffer.from(sample!.signature, 'base64url'),
            ],
          );
        }
      } finally {
        client.release();
      }
    }),
  );
  const rawRate = (CONNECTIONS * PER) / ((now() - t0) / 1000);
  return {
    rawConnections: CONNECTIONS,
    rawInsertsPerSecond: round(rawRate, 0),
    runs: runs.map((r) => ({ ...r, ratio: round(r.serverSendsPerSecond / rawRate) })),
    target: '>= 1.0',
  };
}

// ── 2. send-to-receive latency vs a bare socket.io relay ────────────────────────────────────────────
async function latency(b: Bench, sizes: number[], rate: number, seconds: number) {
  const results = [];
  const pool: { id: string; session: SecureSession }[] = [];
  const max = Math.max(...sizes);
  log(`[2/4] latency: making ${max} members with devices…\n`);
  for (let i = 0; i < max - 1; i++) pool.push(await b.person(`member${i}`));
  const sender = await b.person('latency-sender');
  const rotation: Record<number, number> = {};
  for (const size of sizes) {
    log(`[2/4] latency: ${size} members at ${rate} msg/s for ${seconds}s…\n`);
    const members = pool.slice(0, size - 1);
    const c = await channelWith(sender.session, members);
    // End-to-end rotation cost for this many devices, while we are here (informative).
    const r0 = now();
    await sender.session.rotate(c.channelId);
    rotation[size] = round(now() - r0, 1);
    const epoch = (await sender.session.client.channel(c.channelId)).currentEpoch;
    const key = await sender.session.keyFor(c.channelId, epoch);
    const total = rate * seconds;
    const payloads = [];
    for (let i = 0; i < total; i++)
      payloads.push(await payload(sender.session, c.channelId, epoch, key, `latency ${i} `.padEnd(200, '.')));
    const { latencies: lat } = await onClientThread({
      kind: 'latency',
      url: `${b.baseUrl}/rt`,
      event: 'message.send',
      shape: 'strongroom',
      receiverTokens: members.map((m) => m.session.client.token!),
      senderToken: sender.session.client.token!,
      payloads,
      rate,
    });
    const delivered = lat.length / (total * members.length);
    const relay = await bareRelay(size, rate, seconds);
    results.push({
      members: size,
      rate,
      p50ms: round(pct(lat, 50)),
      p99ms: round(pct(lat, 99)),
      delivered: round(delivered, 3),
      relayP50ms: round(relay.p50),
      relayP99ms: round(relay.p99),
      p99Ratio: round(pct(lat, 99) / relay.p99),
      target: size === 20 ? '<= 3' : '-',
    });
  }
  return { results, rotationEndToEndMs: rotation };
}

/** A socket.io server that only relays: no auth, no persistence, no crypto. */
async function bareRelay(size: number, rate: number, seconds: number) {
  const http = createServer();
  const io = new Server(http, { serveClient: false });
  io.on('connection', (s) => {
    void s.join('room');
    s.on('send', (p: { id: string }, ack: () => void) => {
      io.to('room').emit('message.new', p);
      ack();
    });
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const { latencies: lat } = await onClientThread({
    kind: 'latency',
    url,
    event: 'send',
    shape: 'relay',
    receiverTokens: Array.from({ length: size - 1 }, () => undefined),
    payloads: Array.from({ length: rate * seconds }, () => ({ id: randomUUID(), body: 'x'.repeat(300) })),
    rate,
  });
  await io.close();
  return { p50: pct(lat, 50), p99: pct(lat, 99) };
}

// ── 3. catch-up of 10,000 messages ──────────────────────────────────────────────────────────────────
async function catchUp(b: Bench) {
  const COUNT = 10_000;
  log(`[3/4] catch-up: ${COUNT} messages…\n`);
  const writer = await b.person('catchup-writer');
  const reader = await b.person('catchup-reader');
  const c = await channelWith(writer.session, [reader]);
  const { rows: ids } = await b.pool.query<{ id: string }>('SELECT id FROM users WHERE id = $1', [writer.id]);
  const rows: unknown[][] = [];
  for (let i = 1; i <= COUNT; i++) {
    const p = await payload(writer.session, c.channelId, c.epoch, c.key, `catch-up message ${i}`);
    rows.push([
      c.channelId,
      i,
      c.epoch,
      ids[0].id,
      writer.session.deviceId,
      p.clientMessageId,
      p.nonce,
      p.ciphertext,
      p.signature,
    ]);
  }
  for (let i = 0; i < rows.length; i += 1000) {
    const chunk = rows.slice(i, i + 1000);
    const values = chunk.map(
      (_, j) =>
        `($${j * 9 + 1}, $${j * 9 + 2}, $${j * 9 + 3}, $${j * 9 + 4}, $${j * 9 + 5}, $${j * 9 + 6}, decode($${j * 9 + 7}, 'base64'), decode($${j * 9 + 8}, 'base64'), decode($${j * 9 + 9}, 'base64'), now(), now() + interval '30 days')`,
    );
    const params = chunk.flatMap((r) =>
      r.map((v, k) => (k >= 6 ? Buffer.from(String(v), 'base64url').toString('base64') : v)),
    );
    await b.pool.query(
      `INSERT INTO messages (channel_id, seq, epoch, sender_user_id, sender_device_id, client_message_id, nonce, ciphertext, signature, created_at, expires_at) VALUES ${values.join(',')}`,
      params,
    );
  }
  await b.pool.query('UPDATE channels SET last_seq = $2 WHERE id = $1', [c.channelId, COUNT]);

  let t0 = now();
  const all = await reader.session.readAll(c.channelId);
  const sdkMs = now() - t0;
  const failures = all.filter((m) => m.error).length;

  // Reference: one raw SELECT of the same rows and the same decrypt loop, with the key already in hand.
  const key = await reader.session.keyFor(c.channelId, c.epoch);
  const senderKey = writer.session.device.keys.ed25519.publicKey;
  t0 = now();
  const { rows: raw } = await b.pool.query<{
    seq: string;
    epoch: number;
    sender_device_id: string;
    client_message_id: string;
    nonce: Buffer;
    ciphertext: Buffer;
    signature: Buffer;
    n: number;
    prev: Buffer | null;
    sent_at: Date;
  }>(
    'SELECT seq, epoch, sender_device_id, client_message_id, nonce, ciphertext, signature, n, prev, sent_at FROM messages WHERE channel_id = $1 ORDER BY seq',
    [c.channelId],
  );
  for (const r of raw) {
    await decryptMessage(
      {
        header: {
          v: 2,
          channelId: c.channelId,
          epoch: r.epoch,
          senderDeviceId: r.sender_device_id,
          clientMessageId: r.client_message_id,
          n: r.n,
          prev: r.prev ? r.prev.toString('base64url') : null,
          sentAt: r.sent_at.toISOString(),
        },
        nonce: r.nonce.toString('base64url'),
        ciphertext: r.ciphertext.toString('base64url'),
        signature: r.signature.toString('base64url'),
      },
      key,
      senderKey,
    );
  }
  const rawMs = now() - t0;
  return {
    messages: COUNT,
    decrypted: all.length - failures,
    unableToDecrypt: failures,
    sdkMs: round(sdkMs, 0),
    rawSelectAndDecryptMs: round(rawMs, 0),
    ratio: round(sdkMs / rawMs),
    target: '<= 2',
  };
}

// ── 4. rotation cost in the SDK vs raw seals, and checking a channel's devices on first contact ──────
async function rotationCost(sizes: number[]) {
  log('[4/4] rotation cost…\n');
  const s = await sodium();
  const channelId = randomUUID();
  const opener = { id: randomUUID(), keys: await generateDeviceKeys() };
  const out = [];
  for (const n of sizes) {
    // n devices of n people, each signed by its owner's identity key, as the server lists them.
    const claims = await Promise.all(
      Array.from({ length: n }, async () => {
        const identity = await identityFromSeed(await newIdentitySeed());
        const keys = await generateDeviceKeys();
        const d = {
          deviceId: randomUUID(),
          userId: randomUUID(),
          x25519PublicKey: keys.x25519.publicKey,
          ed25519PublicKey: keys.ed25519.publicKey,
        };
        return { ...d, identityPublicKey: identity.publicKey, identitySignature: await signDevice(identity, d) };
      }),
    );
    // First contact: a client that has met none of them checks every key and identity signature.
    const firstContact: number[] = [];
    let trust = new DeviceTrust({} as StrongroomClient, new MemoryTrustStore(), () => new Date());
    for (let rep = 0; rep < 3; rep++) {
      trust = new DeviceTrust({} as StrongroomClient, new MemoryTrustStore(), () => new Date());
      const t0 = now();
      for (const c of claims) await trust.check(c);
      firstContact.push(now() - t0);
    }
    const sdk: number[] = [];
    const raw: number[] = [];
    const me = { deviceId: opener.id, x25519PrivateKey: opener.keys.x25519.privateKey };
    for (let rep = 0; rep < 5; rep++) {
      // What ChannelKeys.rotate does once the devices are known: check each (cached), a fresh key, one
      // bound envelope per device, the commitment and the signed announcement.
      let t0 = now();
      for (const c of claims) await trust.check(c);
      const key = await newEpochKey();
      await Promise.all(claims.map((c) => sealEpochKey(key, channelId, 2, c, me)));
      const commitment = await epochCommitment(key, channelId, 2);
      await signDetached(
        epochAnnouncementBytes({
          channelId,
          epoch: 2,
          openerDeviceId: opener.id,
          recipientDeviceIds: claims.map((c) => c.deviceId),
          withheldDeviceIds: [],
          commitment,
        }),
        opener.keys.ed25519.privateKey,
      );
      sdk.push(now() - t0);
      const msg = s.randombytes_buf(85);
      const pks = claims.map((c) => s.from_base64(c.x25519PublicKey, s.base64_variants.URLSAFE_NO_PADDING));
      t0 = now();
      for (const pk of pks) s.crypto_box_seal(msg, pk);
      raw.push(now() - t0);
    }
    out.push({
      devices: n,
      sdkMs: round(median(sdk)),
      rawSealsMs: round(median(raw)),
      ratio: round(median(sdk) / median(raw)),
      target: n === 100 ? '<= 1.2' : '-',
      firstContactCheckMs: round(median(firstContact)),
    });
  }
  return out;
}

// ── 7. a 25 MiB file up and down, with the server's memory watched ──────────────────────────────────
/**
 * A full garbage collection on demand, for reading live memory rather than garbage not yet collected
 * (the flag is set at run time, so `npm run bench` needs no option of its own).
 */
function collector(): () => void {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

async function fileRoundTrip(b: Bench) {
  const SIZE = 25 * 1024 * 1024;
  const MiB = 1024 * 1024;
  log('[7] a 25 MiB encrypted file uploaded and downloaded, twice: timed, then with the server’s memory sampled…\n');
  const owner = await b.person('files-owner');
  const { channelId } = await channelWith(owner.session, []);
  const task = {
    kind: 'files' as const,
    baseUrl: b.baseUrl,
    token: owner.session.client.token!,
    device: owner.session.device,
    channelId,
    size: SIZE,
  };
  // The client runs on its own thread: this thread's heap and buffers are the server's alone.
  const timed = await onClientThread(task);
  const gc = collector();
  // What the server holds: heap and buffers just after a full collection, so garbage not yet collected
  // does not count. Sampled every 250 ms through a second round trip.
  const live = () => {
    gc();
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  const baseline = live();
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, live())), 250);
  let sampled;
  try {
    sampled = await onClientThread(task);
  } finally {
    clearInterval(sampler);
  }
  return {
    fileMiB: SIZE / MiB,
    uploadMs: round(timed.uploadMs, 0),
    downloadMs: round(timed.downloadMs, 0),
    uploadMiBps: round(SIZE / MiB / (timed.uploadMs / 1000), 1),
    downloadMiBps: round(SIZE / MiB / (timed.downloadMs / 1000), 1),
    intact: timed.same && sampled.same,
    serverBaselineMiB: round(baseline / MiB, 1),
    serverPeakGrowthMiB: round((peak - baseline) / MiB, 1),
    growthToFileRatio: round((peak - baseline) / SIZE),
    target: 'growth <= 0.25 of the file',
  };
}

const PARTS = ['sends', 'latency', 'catchup', 'rotation', 'flood', 'web', 'files'] as const;
type Part = (typeof PARTS)[number];

/** `npm run bench` runs every part; `npm run bench -- sends latency` runs just those. */
// ── 5. one socket flooding: another person's send latency, against the same with nobody flooding ─────
async function floodIsolation(b: Bench) {
  const RATE = 20;
  const SECONDS = 4;
  log(`[5/5] flood isolation: ${RATE} sends/s measured, idle and while another socket floods…\n`);
  // The bench's own instance lifts the socket budget for the throughput parts; this one keeps the defaults.
  const instance = await b.instance({});
  try {
    const measured = await b.person('flood-measured');
    const flooder = await b.person('flood-flooder');
    const c = await channelWith(measured.session, []);
    const make = async () => {
      const out = [];
      for (let i = 0; i < RATE * SECONDS; i++)
        out.push(await payload(measured.session, c.channelId, c.epoch, c.key, `flood ${i} `.padEnd(200, '.')));
      return out;
    };
    const url = `${instance.baseUrl}/rt`;
    const token = measured.session.client.token!;
    const idle = await onClientThread({
      kind: 'acks',
      url,
      event: 'message.send',
      token,
      payloads: await make(),
      rate: RATE,
    });
    const busyPayloads = await make();
    const [busy, fl] = await Promise.all([
      onClientThread({ kind: 'acks', url, event: 'message.send', token, payloads: busyPayloads, rate: RATE }),
      onClientThread({
        kind: 'flood',
        url,
        event: 'message.send',
        token: flooder.session.client.token!,
        seconds: SECONDS,
      }),
    ]);
    return {
      rate: RATE,
      idleP50ms: round(median(idle.latencies)),
      idleP99ms: round(pct(idle.latencies, 99)),
      floodP50ms: round(median(busy.latencies)),
      floodP99ms: round(pct(busy.latencies, 99)),
      p50Ratio: round(median(busy.latencies) / median(idle.latencies)),
      failed: idle.failed + busy.failed,
      flooderSent: fl.sent,
      flooderRefused: fl.limited,
      flooderCut: fl.cut,
      target: 'p50 ratio <= 2',
    };
  } finally {
    await instance.close();
  }
}

function partsWanted(argv: string[]): Set<Part> {
  const unknown = argv.filter((a) => !PARTS.includes(a as Part));
  if (unknown.length) {
    log(`Unknown part(s): ${unknown.join(', ')}. Choose from: ${PARTS.join(', ')} (none means all).\n`);
    process.exit(2);
  }
  return new Set((argv.length ? argv : PARTS) as Part[]);
}

async function main() {
  const want = partsWanted(process.argv.slice(2));
  const started = new Date();
  const b = await startBench(log);
  try {
    const reader = await b.person('reader');
    const sends = want.has('sends') ? await sendsPerSecond(b, reader, [16, 64], 2560) : null;
    const lat = want.has('latency') ? await latency(b, [2, 20, 100], 200, 2) : null;
    const catchup = want.has('catchup') ? await catchUp(b) : null;
    const rotation = want.has('rotation') ? await rotationCost([10, 100, 500]) : null;
    const flood = want.has('flood') ? await floodIsolation(b) : null;
    const web = want.has('web') ? await webFirstLoad(b.baseUrl, log) : null;
    const files = want.has('files') ? await fileRoundTrip(b) : null;
    const report = {
      startedAt: started.toISOString(),
      node: process.version,
      cpus: (await import('node:os')).cpus().length,
      database: process.env.DATABASE_URL ? 'DATABASE_URL' : 'embedded',
      sends,
      latency: lat?.results ?? null,
      rotationEndToEndMs: lat?.rotationEndToEndMs ?? null,
      catchup,
      rotation,
      flood,
      web,
      files,
    };
    const dir = path.join(process.cwd(), 'bench', 'results');
    await mkdir(dir, { recursive: true });
    const file = path.join(dir, `bench-${started.toISOString().replace(/[:.]/g, '-')}.json`);
    await writeFile(file, JSON.stringify(report, null, 2) + '\n');
    const out = (s: string) => void process.stdout.write(s);
    out('\nStrongroom benchmark (ratios against references measured in this run)\n\n');
    if (sends) {
      out(
        `1. persisted sends/s vs raw single-row INSERTs at ${sends.rawConnections} connections (${sends.rawInsertsPerSecond}/s):\n`,
      );
      for (const r of sends.runs)
        out(
          `   ${String(r.senders).padEnd(3)} senders: server ${r.serverSendsPerSecond}/s, ratio ${r.ratio} (target ${sends.target})\n`,
        );
    }
    if (lat) {
      out(
        '2. send-to-receive latency (ms):\n   members  rate  p50     p99     relay p50  relay p99  p99 ratio  delivered\n',
      );
      for (const r of lat.results)
        out(
          `   ${String(r.members).padEnd(8)} ${String(r.rate).padEnd(5)} ${String(r.p50ms).padEnd(7)} ${String(r.p99ms).padEnd(7)} ${String(r.relayP50ms).padEnd(10)} ${String(r.relayP99ms).padEnd(10)} ${String(r.p99Ratio).padEnd(10)} ${r.delivered}${r.members === 20 ? '  (target p99 ratio <= 3)' : ''}\n`,
        );
      out(
        `   rotation end to end through the server: ${Object.entries(lat.rotationEndToEndMs)
          .map(([k, v]) => `${k} members ${v} ms`)
          .join(', ')}\n`,
      );
    }
    if (catchup)
      out(
        `3. catch-up of ${catchup.messages}: SDK ${catchup.sdkMs} ms, raw SELECT+decrypt ${catchup.rawSelectAndDecryptMs} ms, ratio ${catchup.ratio} (target ${catchup.target}); unable to decrypt: ${catchup.unableToDecrypt}\n`,
      );
    if (rotation) {
      out('4. rotation (trust check, bound envelopes, commitment, signature) vs raw seals (ms):\n');
      for (const r of rotation)
        out(
          `   ${String(r.devices).padEnd(4)} devices: SDK ${r.sdkMs}, raw ${r.rawSealsMs}, ratio ${r.ratio}${r.devices === 100 ? ' (target <= 1.2)' : ''}; first contact (check every identity signature) ${r.firstContactCheckMs}\n`,
        );
    }
    if (flood)
      out(
        `5. one socket flooding (${flood.flooderSent} events, ${flood.flooderRefused} refused, cut: ${flood.flooderCut}): another person's send-to-acknowledgement p50 ${flood.floodP50ms} ms vs ${flood.idleP50ms} ms idle, ratio ${flood.p50Ratio} (target <= 2); p99 ${flood.floodP99ms} vs ${flood.idleP99ms}\n`,
      );
    if (web)
      out(
        `6. web first load (cold, median of 6 loads): app shell ${web.app.shellBytesCompressed} B compressed (${web.app.shellBytesUncompressed} B), ready to type in ${web.app.interactiveMedianMs} ms (p90 ${web.app.interactiveP90Ms}); bare Vite + Preact page ${web.bare.shellBytesCompressed} B, ${web.bare.interactiveMedianMs} ms; ratios: bytes ${web.bytesRatio}, time ${web.interactiveRatio}\n`,
      );
    if (files)
      out(
        `7. a ${files.fileMiB} MiB encrypted file: up ${files.uploadMs} ms (${files.uploadMiBps} MiB/s), down ${files.downloadMs} ms (${files.downloadMiBps} MiB/s), intact: ${files.intact}; server's live heap and buffers grew at most ${files.serverPeakGrowthMiB} MiB over ${files.serverBaselineMiB} MiB, ratio to the file ${files.growthToFileRatio} (target ${files.target})\n`,
      );
    out(`\nSaved ${path.relative(process.cwd(), file)}\n`);
  } finally {
    await b.close();
  }
}

await main();
process.exit(0);
