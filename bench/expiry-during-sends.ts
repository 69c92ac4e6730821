/**
 * Part 10 (`expiry`): retention while people send. A million messages past their expiry are put in the
 * database; one person's send-to-acknowledgement latency is measured idle, then again while the
 * server's own expiry job (RetentionService.expireMessages, bounded batches) deletes them.
 */
import type { SecureSession } from '../client/sdk/index.js';
import type { Bench } from './setup.js';
import { now, pct, round } from './stats.js';

type Person = { id: string; session: SecureSession };

export interface ExpiryResult {
  expiredRows: number;
  fillMs: number;
  rate: number;
  seconds: number;
  idleP50ms: number;
  idleP99ms: number;
  duringP50ms: number;
  duringP99ms: number;
  p99Ratio: number;
  failedSends: number;
  /** Whether the expiry was still running when the measured sends ended (else the overlap was shorter). */
  expiryOutlastedSends: boolean;
  expiryMs: number;
  expiryRowsPerSecond: number;
  expiryBatches: number;
  messagesDeleted: number;
  target: string;
}

export interface ExpiryBench {
  /** `count` sealed sends from one person (spread over channels as the epoch limit needs), in order. */
  payloads(count: number): Promise<unknown[]>;
  /** Send-to-acknowledgement latencies of one socket sending `payloads` at `rate` (the client thread). */
  acks(payloads: unknown[], rate: number): Promise<{ latencies: number[]; failed: number }>;
}

const CHANNELS = 100;

/** `rows` expired messages of one person, spread over CHANNELS channels of theirs, written straight in SQL. */
async function fill(b: Bench, owner: Person, rows: number, log: (s: string) => void): Promise<void> {
  const perChannel = Math.ceil(rows / CHANNELS);
  const { rows: device } = await b.pool.query<{ id: string }>(
    'SELECT id FROM devices WHERE user_id = $1 AND revoked_at IS NULL LIMIT 1',
    [owner.id],
  );
  // Bytes the size of a real bench message's: 24-byte nonce, 300-byte ciphertext, 64-byte signature.
  const nonce = Buffer.alloc(24, 1);
  const ciphertext = Buffer.alloc(300, 2);
  const signature = Buffer.alloc(64, 3);
  for (let c = 0; c < CHANNELS; c++) {
    const channelId = await owner.session.createChannel({ kind: 'locality_meeting', members: [] });
    await b.pool.query(
      `INSERT INTO messages (channel_id, seq, epoch, sender_user_id, sender_device_id, client_message_id,
                             nonce, ciphertext, signature, created_at, expires_at)
       SELECT $1, g, 1, $2, $3, gen_random_uuid(), $4, $5, $6,
              now() - interval '100 days' + g * interval '1 second', now() - interval '1 day' + g * interval '1 second'
         FROM generate_series(1, $7::int) AS g`,
      [channelId, owner.id, device[0].id, nonce, ciphertext, signature, perChannel],
    );
    await b.pool.query('UPDATE channels SET last_seq = $2 WHERE id = $1', [channelId, perChannel]);
    if ((c + 1) % 20 === 0) log(`  ${((c + 1) * perChannel).toLocaleString('en-GB')} expired rows written…\n`);
  }
  // Start both measures from a settled database: statistics current, dirty pages written out.
  await b.pool.query('VACUUM ANALYZE messages');
  await b.pool.query('CHECKPOINT');
}

export async function expiryDuringSends(
  b: Bench,
  owner: Person,
  bench: ExpiryBench,
  log: (s: string) => void,
  opts = { rows: 1_000_000, rate: 100, seconds: 10 },
): Promise<ExpiryResult> {
  log(`[10] expiry during sends: writing ${opts.rows.toLocaleString('en-GB')} expired messages…\n`);
  let t0 = now();
  await fill(b, owner, opts.rows, log);
  const fillMs = now() - t0;
  const count = opts.rate * opts.seconds;

  log(`[10] sends idle: ${opts.rate} msg/s for ${opts.seconds} s…\n`);
  const idle = await bench.acks(await bench.payloads(count), opts.rate);

  log(`[10] the same sends while the expiry job deletes them…\n`);
  const during = await bench.payloads(count);
  t0 = now();
  const ended: { at: number | null } = { at: null };
  const expiry = b.expireMessages().then((r) => {
    ended.at = now();
    return r;
  });
  const busy = await bench.acks(during, opts.rate);
  const outlasted = ended.at === null;
  const report = await expiry;
  const expiryMs = (ended.at ?? now()) - t0;
  return {
    expiredRows: opts.rows,
    fillMs: round(fillMs, 0),
    rate: opts.rate,
    seconds: opts.seconds,
    idleP50ms: round(pct(idle.latencies, 50)),
    idleP99ms: round(pct(idle.latencies, 99)),
    duringP50ms: round(pct(busy.latencies, 50)),
    duringP99ms: round(pct(busy.latencies, 99)),
    p99Ratio: round(pct(busy.latencies, 99) / pct(idle.latencies, 99)),
    failedSends: idle.failed + busy.failed,
    expiryOutlastedSends: outlasted,
    expiryMs: round(expiryMs, 0),
    expiryRowsPerSecond: round(report.messagesDeleted / (expiryMs / 1000), 0),
    expiryBatches: report.batches,
    messagesDeleted: report.messagesDeleted,
    target: 'send p99 during bulk expiry <= 2 × idle',
  };
}
