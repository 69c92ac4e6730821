/**
 * `npm run bench`: how fast Strongroom is, as ratios to references measured in the same run on the
 * same machine (absolute numbers are too noisy here). Prints a table and writes bench/results/*.json.
 * Not a test: nothing here passes or fails; docs/performance.md records the numbers and the targets.
 */
import { randomUUID } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import v8 from 'node:v8';
import vm from 'node:vm';
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
import { SecureSession } from '../client/sdk/index.js';
import type { InsertResult } from './insert-reference.js';
import type { LoadResult, LoadTask, Payload } from './load-worker.js';
import { profiled } from './profile.js';
import { measureInserts, startRelay } from './references.js';
import { startBench, type Bench } from './setup.js';
import { cpuPer, machineCpu, median, now, pct, round } from './stats.js';
import { ramp, RAMP, type RampResult, type StepOutcome } from './sustained-rate.js';
import { targetVerdicts, XMPP_PEER, type TargetVerdict } from './targets.js';
import { expiryDuringSends, type ExpiryResult } from './expiry-during-sends.js';
import { idleSockets, type IdleResult } from './idle-sockets.js';
import { buildWebClient, CHROMIUM, webFirstLoad } from './web.js';

const log = (s: string) => void process.stderr.write(s);

type Result<K extends LoadTask['kind']> = Extract<LoadResult, { kind: K }>;

/**
 * A client thread (bench/load-worker.ts) that runs tasks one after another; kept across tasks when they
 * share its state (the sustained ramp's open sockets).
 */
function clientThread() {
  const worker = new Worker(new URL('./load-worker.mjs', import.meta.url));
  return {
    run<K extends LoadTask['kind']>(task: Extract<LoadTask, { kind: K }>): Promise<Result<K>> {
      return new Promise((resolve, reject) => {
        const fail = (err: Error) => reject(err);
        worker.once('error', fail);
        worker.once('message', (m: { ok: true; result: Result<K> } | { ok: false; error: string }) => {
          worker.off('error', fail);
          if (m.ok) resolve(m.result);
          else reject(new Error(m.error));
        });
        worker.postMessage(task);
      });
    },
    close: () => worker.terminate(),
  };
}

/** Runs one task on a fresh client thread. */
async function onClientThread<K extends LoadTask['kind']>(task: Extract<LoadTask, { kind: K }>): Promise<Result<K>> {
  const thread = clientThread();
  try {
    return await thread.run(task);
  } finally {
    await thread.close();
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

// ── 1. persisted sends per second vs durable INSERTs ────────────────────────────────────────────────
async function serverSends(b: Bench, reader: { id: string }, senderCounts: number[], perRun: number) {
  const runs = [];
  for (const count of senderCounts) {
    const per = Math.ceil(perRun / count);
    log(`[1] persisted sends: ${count} senders × ${per} messages…\n`);
    const senders = await makePeople(b, count, (i) => `sender${count}-${i}`);
    const jobs: { token: string; payloads: Payload[] }[] = [];
    for (const s of senders) {
      const c = await channelWith(s.session, [reader]);
      const payloads = [];
      for (let i = 0; i < per; i++)
        payloads.push(await payload(s.session, c.channelId, c.epoch, c.key, `bench message ${i} `.padEnd(200, '.')));
      jobs.push({ token: s.session.client.token!, payloads });
    }
    const cpuBefore = machineCpu();
    const { ms, failed } = await profiled(`sends-${count}`, () =>
      onClientThread({ kind: 'sends', url: `${b.baseUrl}/rt`, event: 'message.send', jobs }),
    );
    const serverCpu = cpuPer(cpuBefore, machineCpu(), count * per);
    if (failed) log(`  ${failed} sends were refused\n`);

    // The same payloads, senders and socket.io client to a server that only acknowledges: what any
    // socket.io server can answer on this machine with these clients, before it does any work at all.
    const relay = await startRelay();
    const ackCpuBefore = machineCpu();
    const ackOnly = await onClientThread({
      kind: 'sends',
      url: relay.url,
      event: 'ack',
      jobs: jobs.map((j) => ({ payloads: j.payloads })),
    }).finally(() => relay.close());
    const ackOnlyCpu = cpuPer(ackCpuBefore, machineCpu(), count * per);
    runs.push({
      senders: count,
      messagesEach: per,
      serverSendsPerSecond: round((count * per) / (ms / 1000), 0),
      ackOnlyPerSecond: round((count * per) / (ackOnly.ms / 1000), 0),
      // The machine's CPU per send (server, database and clients together) and the share left idle.
      serverCpu,
      ackOnlyCpu,
    });
    for (const s of senders) s.session.close();
  }
  return runs;
}

/**
 * `count` people, eight at a time: 64 at once, on a busy machine, kept sign-ins waiting for one of the
 * server's 20 database connections past its 10 s timeout (503, and the bench stopped).
 */
async function makePeople(b: Bench, count: number, name: (i: number) => string) {
  const made = [];
  for (let i = 0; i < count; i += 8)
    made.push(...(await Promise.all(Array.from({ length: Math.min(8, count - i) }, (_, k) => b.person(name(i + k))))));
  return made;
}

/** A real bench message, sealed as the sends part seals them but never sent: the INSERT reference's row. */
async function referenceRow(b: Bench) {
  const writer = await b.person('reference-row');
  const c = await channelWith(writer.session, []);
  // The second of a chain, so it carries a link to the one before, as all but a channel's first do.
  await payload(writer.session, c.channelId, c.epoch, c.key, 'bench message 0 '.padEnd(200, '.'));
  const p = await payload(writer.session, c.channelId, c.epoch, c.key, 'bench message 1 '.padEnd(200, '.'));
  writer.session.close();
  return { nonce: p.nonce, ciphertext: p.ciphertext, signature: p.signature, prev: p.prev };
}

/**
 * The durable INSERT reference (bench/insert-reference.ts), in a process of its own while the server
 * idles: throughput at each sender count, and one connection's commit latency when the latency part runs.
 */
async function insertReference(b: Bench, connections: number[], commitLatency: boolean) {
  log('[1] INSERT reference, in its own process (2 s warm-up, 8 s measured each)…\n');
  return measureInserts({
    databaseUrl: b.databaseUrl,
    row: await referenceRow(b),
    connections,
    batchRows: 10,
    commitLatency,
    warmupMs: 2000,
    measureMs: 8000,
  });
}

/** Each server figure beside the INSERT reference at the same concurrency, with their ratios. */
function compareSends(runs: Awaited<ReturnType<typeof serverSends>>, inserts: InsertResult) {
  const at = (connections: number, rowsPerCommit: number) =>
    inserts.throughput.find((t) => t.connections === connections && t.rowsPerCommit === rowsPerCommit)!;
  return {
    reference: {
      process: 'separate',
      synchronousCommit: inserts.synchronousCommit,
      sealedBytesPerRow: inserts.sealedBytesPerRow,
      warmupMs: inserts.warmupMs,
      measureMs: inserts.measureMs,
    },
    runs: runs.map((r) => {
      const single = at(r.senders, 1);
      const batch = at(r.senders, 10);
      return {
        ...r,
        singleRowInsertsPerSecond: single.rowsPerSecond,
        ratio: round(r.serverSendsPerSecond / single.rowsPerSecond),
        tenRowBatchRowsPerSecond: batch.rowsPerSecond,
        batchRatio: round(r.serverSendsPerSecond / batch.rowsPerSecond),
        ackOnlyRatio: round(r.serverSendsPerSecond / r.ackOnlyPerSecond),
      };
    }),
    target: '>= 1.0 × single-row INSERTs at the same concurrency',
  };
}

// ── 2. send-to-receive latency vs a bare socket.io relay ────────────────────────────────────────────
type Member = { id: string; session: SecureSession };

/** People with devices, made once and shared by the parts that need channels of many members. */
function memberPool(b: Bench): (count: number) => Promise<Member[]> {
  const made: Member[] = [];
  return async (count) => {
    if (made.length < count) log(`making ${count - made.length} members with devices…\n`);
    while (made.length < count) made.push(await b.person(`member${made.length}`));
    return made.slice(0, count);
  };
}

/**
 * Each latency run, the server's and the relay's, first sends for this long at the same rate without
 * counting it: the figures are for a running server, not for its first sends (a new connection to
 * PostgreSQL, the first plans, the signature worker starting), which once held a backlog of up to 17
 * sends behind a 20 ms batch in the first run of all.
 */
const WARM_UP_SECONDS = 0.5; // with 2 s counted at 200 msg/s: 500 messages, as many as one key may carry

/**
 * `commitP99ms` is the INSERT reference's single-row commit p99 at one connection: the 20-member
 * target is 3 × (relay p99 + that), since a send must at least be relayed and committed.
 */
async function latency(
  b: Bench,
  people: (count: number) => Promise<Member[]>,
  sizes: number[],
  rate: number,
  seconds: number,
  commitP99ms: number | null,
) {
  const results = [];
  await people(Math.max(...sizes) - 1);
  const sender = await b.person('latency-sender');
  const rotation: Record<number, number> = {};
  for (const size of sizes) {
    log(`[2] latency: ${size} members at ${rate} msg/s for ${seconds}s after ${WARM_UP_SECONDS}s not counted…\n`);
    const members = await people(size - 1);
    const c = await channelWith(sender.session, members);
    // End-to-end rotation cost for this many devices, while we are here (informative).
    const r0 = now();
    await sender.session.rotate(c.channelId);
    rotation[size] = round(now() - r0, 1);
    const epoch = (await sender.session.client.channel(c.channelId)).currentEpoch;
    const key = await sender.session.keyFor(c.channelId, epoch);
    const total = rate * seconds;
    const warmUp = Math.round(rate * WARM_UP_SECONDS);
    const payloads: Payload[] = [];
    for (let i = 0; i < warmUp + total; i++)
      payloads.push(await payload(sender.session, c.channelId, epoch, key, `latency ${i} `.padEnd(200, '.')));
    const { latencies: lat } = await profiled(`latency-${size}`, () =>
      onClientThread({
        kind: 'latency',
        url: `${b.baseUrl}/rt`,
        event: 'message.send',
        shape: 'strongroom',
        receiverTokens: members.map((m) => m.session.client.token!),
        senderToken: sender.session.client.token!,
        payloads,
        rate,
        warmUp,
      }),
    );
    const delivered = lat.length / (total * members.length);
    const relay = await bareRelay(size, rate, seconds);
    const bound = size === 20 && commitP99ms !== null ? round(3 * (relay.p99 + commitP99ms)) : null;
    results.push({
      members: size,
      rate,
      p50ms: round(pct(lat, 50)),
      p99ms: round(pct(lat, 99)),
      delivered: round(delivered, 3),
      relayP50ms: round(relay.p50),
      relayP99ms: round(relay.p99),
      p99Ratio: round(pct(lat, 99) / relay.p99),
      // Issue 17: 3 × (relay p99 + single-row commit p99 at one connection), and below the XMPP peer.
      targetP99BoundMs: bound,
      target:
        size === 20 ? `p99 <= 3 × (relay p99 + commit p99 ${commitP99ms ?? '?'} ms) and < ${XMPP_PEER.p99Ms} ms` : '-',
    });
  }
  return { results, commitP99ms, rotationEndToEndMs: rotation };
}

/** The same latency measure through a socket.io server that only relays. */
async function bareRelay(size: number, rate: number, seconds: number) {
  const relay = await startRelay();
  try {
    const { latencies: lat } = await onClientThread({
      kind: 'latency',
      url: relay.url,
      event: 'send',
      shape: 'relay',
      receiverTokens: Array.from({ length: size - 1 }, () => undefined),
      payloads: relayPayloads(rate * (WARM_UP_SECONDS + seconds)),
      rate,
      warmUp: Math.round(rate * WARM_UP_SECONDS),
    });
    return { p50: pct(lat, 50), p99: pct(lat, 99) };
  } finally {
    await relay.close();
  }
}

/** The relay's messages: an id and a 300-character body. */
const relayPayloads = (count: number) =>
  Array.from({ length: count }, () => ({ id: randomUUID(), body: 'x'.repeat(300) }));

// ── 3. catch-up of 10,000 messages ──────────────────────────────────────────────────────────────────
/** Measured rounds of each side of the catch-up part, after one round of each not counted. */
const CATCH_UP_ROUNDS = 3;

async function catchUp(b: Bench) {
  const COUNT = 10_000;
  log(`[3/4] catch-up: ${COUNT} messages…\n`);
  const writer = await b.person('catchup-writer');
  const reader = await b.person('catchup-reader');
  const c = await channelWith(writer.session, [reader]);
  const { rows: ids } = await b.pool.query<{ id: string }>('SELECT id FROM users WHERE id = $1', [writer.id]);
  const rows: (string | number | null)[][] = [];
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
      p.n,
      p.prev,
      p.sentAt,
    ]);
  }
  // Bytes go as base64 text and are decoded by PostgreSQL: nonce, ciphertext, signature and the chain link.
  const bytes = new Set([6, 7, 8, 10]);
  const width = rows[0].length;
  for (let i = 0; i < rows.length; i += 1000) {
    const chunk = rows.slice(i, i + 1000);
    const values = chunk.map(
      (_, j) =>
        `(${Array.from({ length: width }, (_, k) => (bytes.has(k) ? `decode($${j * width + k + 1}, 'base64')` : `$${j * width + k + 1}`)).join(', ')}, now(), now() + interval '30 days')`,
    );
    const params = chunk.flatMap((r) =>
      r.map((v, k) => (bytes.has(k) && v !== null ? Buffer.from(String(v), 'base64url').toString('base64') : v)),
    );
    await b.pool.query(
      `INSERT INTO messages (channel_id, seq, epoch, sender_user_id, sender_device_id, client_message_id, nonce, ciphertext, signature, n, prev, sent_at, created_at, expires_at) VALUES ${values.join(',')}`,
      params,
    );
  }
  await b.pool.query('UPDATE channels SET last_seq = $2 WHERE id = $1', [c.channelId, COUNT]);

  // Each SDK round is a fresh session of the reader's device (no key, no trust, no messages cached), as
  // when someone opens the app to catch up; the reference has the key in hand.
  const sdkRound = async () => {
    const fresh = new SecureSession(reader.session.client, reader.session.device, new MemoryTrustStore());
    const t0 = now();
    const all = await fresh.readAll(c.channelId);
    // Unable to decrypt: those that came with an error, and any that did not come at all.
    return { ms: now() - t0, failures: all.filter((m) => m.error).length + Math.max(0, COUNT - all.length) };
  };
  const key = await reader.session.keyFor(c.channelId, c.epoch);
  const senderKey = writer.session.device.keys.ed25519.publicKey;
  // Reference: one raw SELECT of the same rows and the same decrypt loop, with the key already in hand.
  const rawRound = async () => {
    const t0 = now();
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
    return now() - t0;
  };
  // One round of each not counted (this thread's code and the server's query plans warm for both), then
  // CATCH_UP_ROUNDS of each, alternating, and the medians: a single pair read anywhere from 1.5 to 2.3
  // on this machine, the SDK first and cold each time.
  // Unable to decrypt: the most in any round, the uncounted one included.
  let failures = (await sdkRound()).failures;
  await rawRound();
  const sdk: number[] = [];
  const rawTimes: number[] = [];
  for (let i = 0; i < CATCH_UP_ROUNDS; i++) {
    const r = await sdkRound();
    sdk.push(r.ms);
    failures = Math.max(failures, r.failures);
    rawTimes.push(await rawRound());
  }
  const sdkMs = median(sdk);
  const rawMs = median(rawTimes);
  return {
    messages: COUNT,
    rounds: CATCH_UP_ROUNDS,
    decrypted: COUNT - failures,
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

// ── 8. max sustained rate from one sender, through the server and through the bare relay ────────────
/**
 * An epoch key serves at most 500 messages (EPOCH_MAX_MESSAGES, which configuration cannot raise);
 * past that the server refuses sends until someone rotates. A step needs more than that above
 * 100 msg/s, so its messages go round-robin to as many new channels of the same members as keep each
 * within one epoch: every member still receives every message, and every send is still a durable commit
 * before its `message.new`.
 */
const EPOCH_MAX_MESSAGES = 500;

/** A step's messages to `members`: sealed and chained as any other, spread over channels of one epoch each. */
async function strongroomPayloads(sender: Member, members: Member[], count: number) {
  const channels = [];
  for (let k = 0; k < Math.ceil(count / EPOCH_MAX_MESSAGES); k++)
    channels.push(await channelWith(sender.session, members));
  const payloads = [];
  for (let i = 0; i < count; i++) {
    const c = channels[i % channels.length];
    payloads.push(await payload(sender.session, c.channelId, c.epoch, c.key, `sustained ${i} `.padEnd(200, '.')));
  }
  return payloads;
}

/**
 * One ramp on one client thread: its sockets join once and stay open across the steps; each step's
 * messages are made (on this thread, between steps) just before it runs.
 */
async function rampThrough(
  label: string,
  join: Extract<LoadTask, { kind: 'join' }>,
  messages: (count: number) => Promise<Payload[]>,
): Promise<RampResult> {
  const thread = clientThread();
  try {
    await thread.run(join);
    return await ramp(
      label,
      async (rate, seconds) => {
        const payloads = await messages(rate * seconds);
        // The server (or the relay) runs on this thread: how busy it was while the step ran.
        const before = performance.eventLoopUtilization();
        const cpuBefore = machineCpu();
        const r = await thread.run({ kind: 'step', payloads, rate, seconds, deadlineMs: RAMP.deadlineMs });
        return {
          ...r,
          serverBusy: performance.eventLoopUtilization(before).utilization,
          machineIdle: cpuPer(cpuBefore, machineCpu(), 1)?.idleShare ?? null,
        };
      },
      log,
    );
  } finally {
    // Closed from the client's side first, so the server sees ordinary disconnects.
    await thread.run({ kind: 'leave' }).catch(() => undefined);
    await thread.close();
  }
}

/**
 * After a failed step the server may still hold queued sends: waits (at most 60 s) until the count of
 * stored messages stops moving, so the next measure does not pay for this one's backlog.
 */
async function settle(b: Bench) {
  const count = async () => (await b.pool.query<{ n: string }>('SELECT count(*) AS n FROM messages')).rows[0].n;
  let last = await count();
  for (let waited = 0; waited < 60_000; waited += 1000) {
    await new Promise((r) => setTimeout(r, 1000));
    const n = await count();
    if (n === last) return;
    last = n;
  }
}

async function sustainedRates(b: Bench, people: (count: number) => Promise<Member[]>, sizes: number[]) {
  const sender = await b.person('sustained-sender');
  const out: { members: number; strongroom: RampResult; relay: RampResult; ratio: number | null }[] = [];
  for (const size of sizes) {
    const members = await people(size - 1);
    const strongroom = await rampThrough(
      `${size} members`,
      {
        kind: 'join',
        url: `${b.baseUrl}/rt`,
        event: 'message.send',
        shape: 'strongroom',
        receiverTokens: members.map((m) => m.session.client.token!),
        senderToken: sender.session.client.token!,
      },
      (count) => strongroomPayloads(sender, members, count),
    );
    await settle(b);
    const relayServer = await startRelay();
    let relay: RampResult;
    try {
      relay = await rampThrough(
        `${size} members, bare relay`,
        {
          kind: 'join',
          url: relayServer.url,
          event: 'send',
          shape: 'relay',
          receiverTokens: Array.from({ length: size - 1 }, () => undefined),
        },
        (count) => Promise.resolve(relayPayloads(count)),
      );
    } finally {
      await relayServer.close();
    }
    const ratio =
      strongroom.lastPassingRate && relay.lastPassingRate
        ? round(strongroom.lastPassingRate / relay.lastPassingRate)
        : null;
    out.push({ members: size, strongroom, relay, ratio });
  }
  return {
    rule: `one sender from ${RAMP.startRate} msg/s (after ${RAMP.warmupSeconds} s unjudged), ×${RAMP.factor} every ${RAMP.stepSeconds} s; a step passes with ≥ ${RAMP.minSentShare * 100} % sent, nothing refused, every arrival within ${RAMP.deadlineMs / 1000} s of due, p99 ≤ ${RAMP.maxP99Ms} ms; cap ${RAMP.capRate} msg/s`,
    results: out,
  };
}

const PARTS = [
  'sends',
  'latency',
  'catchup',
  'rotation',
  'flood',
  'web',
  'files',
  'sustained',
  'idle',
  'expiry',
] as const;
type Part = (typeof PARTS)[number];

// ── 10. expiry while people send ───────────────────────────────────────────────────────────────────
async function expiryPart(b: Bench, people: (count: number) => Promise<Member[]>) {
  const owner = await b.person('expiry-owner');
  const sender = await b.person('expiry-sender');
  const members = await people(1);
  const thread = clientThread();
  try {
    return await expiryDuringSends(
      b,
      owner,
      {
        payloads: (count) => strongroomPayloads(sender, members, count),
        acks: (payloads, rate) =>
          thread.run({
            kind: 'acks',
            url: `${b.baseUrl}/rt`,
            event: 'message.send',
            token: sender.session.client.token!,
            payloads,
            rate,
          }),
      },
      log,
      { rows: Number(process.env.BENCH_EXPIRED_ROWS ?? 1_000_000), rate: 100, seconds: 10 },
    );
  } finally {
    await thread.close();
  }
}

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

/** `npm run bench` runs every part; `npm run bench -- sends latency` runs just those. */
function partsWanted(argv: string[]): Set<Part> {
  const unknown = argv.filter((a) => !PARTS.includes(a as Part));
  if (unknown.length) {
    log(`Unknown part(s): ${unknown.join(', ')}. Choose from: ${PARTS.join(', ')} (none means all).\n`);
    process.exit(2);
  }
  return new Set((argv.length ? argv : PARTS) as Part[]);
}

type Out = (s: string) => void;

function printSends(out: Out, sends: ReturnType<typeof compareSends>) {
  const ref = sends.reference;
  out(
    `1. persisted sends/s vs durable INSERTs of the same rows (${ref.sealedBytesPerRow} sealed bytes) from a separate process, synchronous_commit ${ref.synchronousCommit}, ${ref.warmupMs / 1000} s warm-up then ${ref.measureMs / 1000} s:\n`,
  );
  for (const r of sends.runs)
    out(
      `   ${String(r.senders).padEnd(3)} senders: server ${r.serverSendsPerSecond}/s; single-row INSERTs ${r.singleRowInsertsPerSecond}/s, ratio ${r.ratio} (target >= 1.0); 10-row batches ${r.tenRowBatchRowsPerSecond} rows/s, ratio ${r.batchRatio}; a socket.io server that only acknowledges ${r.ackOnlyPerSecond}/s, ratio ${r.ackOnlyRatio}\n`,
    );
  const cpu = (c: { cpuMsEach: number; idleShare: number } | null) =>
    c ? `${c.cpuMsEach} ms (machine ${Math.round(c.idleShare * 100)} % idle meanwhile)` : 'not measured here';
  for (const r of sends.runs)
    out(
      `   ${String(r.senders).padEnd(3)} senders: CPU per send, every process on the machine: server ${cpu(r.serverCpu)}; the socket.io server that only acknowledges ${cpu(r.ackOnlyCpu)}\n`,
    );
}

function printLatency(out: Out, lat: Awaited<ReturnType<typeof latency>>) {
  out(
    `2. send-to-receive latency (ms; after ${WARM_UP_SECONDS} s at the same rate not counted):\n   members  rate  p50     p99     relay p50  relay p99  p99 ratio  delivered\n`,
  );
  for (const r of lat.results) {
    const target =
      r.members === 20
        ? `  (target p99 <= 3 × (relay p99 + commit p99 ${lat.commitP99ms ?? 'not measured'}) = ${r.targetP99BoundMs ?? '?'} and < ${XMPP_PEER.p99Ms})`
        : '';
    out(
      `   ${String(r.members).padEnd(8)} ${String(r.rate).padEnd(5)} ${String(r.p50ms).padEnd(7)} ${String(r.p99ms).padEnd(7)} ${String(r.relayP50ms).padEnd(10)} ${String(r.relayP99ms).padEnd(10)} ${String(r.p99Ratio).padEnd(10)} ${r.delivered}${target}\n`,
    );
  }
  out(
    `   rotation end to end through the server: ${Object.entries(lat.rotationEndToEndMs)
      .map(([k, v]) => `${k} members ${v} ms`)
      .join(', ')}\n`,
  );
}

function printSustained(out: Out, sustained: Awaited<ReturnType<typeof sustainedRates>>) {
  const describe = (r: RampResult) => {
    const failing = r.firstFailing;
    // Steps that passed only when run again: said, so a lucky repeat is visible.
    const repeated = r.steps.filter((x) => !x.passed && x.rate !== failing?.rate).map((x) => x.rate);
    const again = repeated.length ? ` (passed on a second run: ${repeated.join(', ')})` : '';
    // Where the time went: the server's thread near fully busy, or the sends waiting with it not.
    const load = (x: StepOutcome) =>
      `server's thread busy ${Math.round(x.serverBusy * 100)} %, machine ${x.machineIdle === null ? '?' : Math.round(x.machineIdle * 100)} % idle, acknowledged within ${x.ackP99ms ?? '-'} ms at p99`;
    const passed = r.steps.find((x) => x.passed && x.rate === r.lastPassingRate);
    const atPassed = passed ? ` (${load(passed)})` : '';
    if (!failing) return `${r.lastPassingRate} msg/s passed, the cap${again}${atPassed}`;
    const runs = r.steps.filter((x) => x.rate === failing.rate).map((x) => `${x.why}; ${load(x)}`);
    return `${r.lastPassingRate ?? 'no rate'} passed${again}${atPassed}; ${failing.rate} msg/s failed ${runs.length === 1 ? 'once' : `${runs.length} times`} (${runs.join('; then ')})`;
  };
  out(`8. max sustained rate (${sustained.rule}):\n`);
  for (const r of sustained.results) {
    out(`   ${r.members} members, Strongroom: ${describe(r.strongroom)}\n`);
    out(`   ${r.members} members, bare relay: ${describe(r.relay)}; Strongroom ÷ relay ${r.ratio ?? '-'}\n`);
  }
}

function printIdle(out: Out, r: IdleResult) {
  const side = (x: IdleResult['strongroom']) =>
    `${x.connected} connected (${x.refused} refused${x.firstRefusal ? `: ${x.firstRefusal}` : ''}) in ${x.connectMs} ms, ${x.bytesPerSocket} bytes each (heap and outside it; process RSS ${x.rssBytesPerSocket})`;
  out(`9. ${r.sockets} idle sockets (${r.people} people × ${r.socketsPerPerson} sessions):\n`);
  out(`   Strongroom, authenticated: ${side(r.strongroom)}\n`);
  out(`   bare socket.io:            ${side(r.relay)}\n`);
  out(`   ratio ${r.ratio ?? '-'} (target <= 2)\n`);
}

function printExpiry(out: Out, r: ExpiryResult) {
  out(
    `10. sends at ${r.rate} msg/s for ${r.seconds} s while the expiry job deletes ${r.expiredRows.toLocaleString('en-GB')} expired messages (written in ${r.fillMs} ms):\n`,
  );
  out(
    `   send-to-acknowledgement p50/p99: idle ${r.idleP50ms}/${r.idleP99ms} ms, during expiry ${r.duringP50ms}/${r.duringP99ms} ms; p99 ratio ${r.p99Ratio} (target <= 2); refused or lost: ${r.failedSends}\n`,
  );
  out(
    `   expiry: ${r.messagesDeleted.toLocaleString('en-GB')} deleted in ${r.expiryMs} ms (${r.expiryRowsPerSecond}/s, ${r.expiryBatches} batches)${r.expiryOutlastedSends ? ', still running when the measured sends ended' : ', ended before the measured sends did'}\n`,
  );
}

function printTargets(out: Out, targets: TargetVerdict[]) {
  out('\nTargets (issue 17):\n');
  for (const t of targets)
    out(
      `   ${t.met === null ? 'not measured' : t.met ? 'met         ' : 'NOT met     '}  ${t.target}${t.measured ? `: ${t.measured}` : ''}\n`,
    );
}

async function main() {
  const want = partsWanted(process.argv.slice(2));
  const started = new Date();
  if (want.has('web') && existsSync(CHROMIUM)) buildWebClient();
  const b = await startBench(log);
  try {
    const reader = await b.person('reader');
    const pool = memberPool(b);
    const SENDERS = [16, 64];
    const runs = want.has('sends') ? await serverSends(b, reader, SENDERS, 2560) : null;
    // The reference runs once, after the server's sends and before latency, at the sender counts used.
    const inserts =
      want.has('sends') || want.has('latency')
        ? await insertReference(b, runs ? SENDERS : [], want.has('latency'))
        : null;
    const sends = runs && inserts ? compareSends(runs, inserts) : null;
    const commitP99ms = inserts?.commitLatency?.p99ms ?? null;
    const lat = want.has('latency') ? await latency(b, pool, [2, 20, 100], 200, 2, commitP99ms) : null;
    const catchup = want.has('catchup') ? await catchUp(b) : null;
    const rotation = want.has('rotation') ? await rotationCost([10, 100, 500]) : null;
    const flood = want.has('flood') ? await floodIsolation(b) : null;
    const web = want.has('web') ? await webFirstLoad(b.baseUrl, log) : null;
    const files = want.has('files') ? await fileRoundTrip(b) : null;
    const sustained = want.has('sustained') ? await sustainedRates(b, pool, [20, 100]) : null;
    // Smaller sizes for a quick look (BENCH_IDLE_SOCKETS, BENCH_EXPIRED_ROWS); the targets are for the defaults.
    const idleCount = Number(process.env.BENCH_IDLE_SOCKETS ?? 10_000);
    const idle = want.has('idle') ? await idleSockets(b, 100, idleCount, collector(), log) : null;
    const expiry = want.has('expiry') ? await expiryPart(b, pool) : null;
    const targets = targetVerdicts({
      sends: sends?.runs ?? null,
      latency20: lat?.results.find((r) => r.members === 20 && r.rate === 200) ?? null,
      sustained20: sustained?.results.find((r) => r.members === 20)?.strongroom ?? null,
      expiry,
      idle,
    });
    const report = {
      startedAt: started.toISOString(),
      node: process.version,
      cpus: (await import('node:os')).cpus().length,
      database: process.env.DATABASE_URL ? 'DATABASE_URL' : 'embedded',
      sends,
      commitLatencyAtOneConnection: inserts?.commitLatency ?? null,
      latency: lat?.results ?? null,
      rotationEndToEndMs: lat?.rotationEndToEndMs ?? null,
      catchup,
      rotation,
      flood,
      web,
      files,
      sustained,
      idle,
      expiry,
      targets,
    };
    const dir = path.join(process.cwd(), 'bench', 'results');
    await mkdir(dir, { recursive: true });
    const file = path.join(dir, `bench-${started.toISOString().replace(/[:.]/g, '-')}.json`);
    await writeFile(file, JSON.stringify(report, null, 2) + '\n');
    const out = (s: string) => void process.stdout.write(s);
    out('\nStrongroom benchmark (ratios against references measured in this run)\n\n');
    if (sends) printSends(out, sends);
    if (lat) printLatency(out, lat);
    if (catchup)
      out(
        `3. catch-up of ${catchup.messages} (median of ${catchup.rounds} rounds each, after one not counted): SDK ${catchup.sdkMs} ms, raw SELECT+decrypt ${catchup.rawSelectAndDecryptMs} ms, ratio ${catchup.ratio} (target ${catchup.target}); unable to decrypt: ${catchup.unableToDecrypt}\n`,
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
    if (sustained) printSustained(out, sustained);
    if (idle) printIdle(out, idle);
    if (expiry) printExpiry(out, expiry);
    if (targets.some((t) => t.met !== null)) printTargets(out, targets);
    out(`\nSaved ${path.relative(process.cwd(), file)}\n`);
  } finally {
    await b.close();
  }
}

await main();
process.exit(0);
