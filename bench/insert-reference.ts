/**
 * The bench's INSERT reference: what this PostgreSQL can durably commit, measured in a process of its
 * own (started by `measureInserts` in bench/references.ts), so that neither the server's event loop nor
 * its clients share its CPU time with it, as they would in a worker of the server's process.
 *
 * Rows go into `bench_insert_ref`, made `LIKE messages INCLUDING ALL`: the same columns, defaults,
 * checks and indexes (primary key, both unique keys, expiry, epoch and chain indexes), but no foreign
 * keys, so a row needs no channel, user or device behind it. Each connection writes its own channel,
 * as each bench sender does, with the bytes of a real bench message. Commits are durable: the session
 * keeps the database's `synchronous_commit`, as the server's connections do (it never sets it).
 *
 * Each measure warms up first (a cold table, cold plans and an empty WAL segment read low), then counts
 * only the commits that complete inside the measured window.
 *
 * Run: `node --import tsx bench/insert-reference.ts '<InsertPlan as JSON>'`; prints an InsertResult as
 * JSON on stdout, progress on stderr.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { now, pct, round } from './stats.js';

export interface InsertPlan {
  databaseUrl: string;
  /** One real bench message's sealed parts (base64url), so reference rows are the size of the server's. */
  row: { nonce: string; ciphertext: string; signature: string; prev: string | null };
  /** Connection counts for the throughput measures (the bench's sender counts). */
  connections: number[];
  /** Rows per INSERT statement in the batched measure (one commit per statement). */
  batchRows: number;
  /** Whether to time single-row commits on one connection (for the latency target). */
  commitLatency: boolean;
  warmupMs: number;
  measureMs: number;
}

export interface InsertThroughput {
  connections: number;
  rowsPerCommit: number;
  commitsPerSecond: number;
  rowsPerSecond: number;
}

export interface InsertResult {
  synchronousCommit: string;
  sealedBytesPerRow: number;
  warmupMs: number;
  measureMs: number;
  throughput: InsertThroughput[];
  /** One connection, single-row INSERTs back to back: each statement's time to its commit. */
  commitLatency: { p50ms: number; p99ms: number; commits: number } | null;
}

const TABLE = 'bench_insert_ref';
const log = (s: string) => void process.stderr.write(s);

/** One connection's rows: its own channel, sender and device, with the sequence counting up. */
function rowSource(plan: InsertPlan) {
  const bytes = (b64: string | null) => (b64 === null ? null : Buffer.from(b64, 'base64url'));
  const nonce = bytes(plan.row.nonce);
  const ciphertext = bytes(plan.row.ciphertext);
  const signature = bytes(plan.row.signature);
  const prev = bytes(plan.row.prev);
  const channelId = randomUUID();
  const userId = randomUUID();
  const deviceId = randomUUID();
  let seq = 0;
  return () => {
    seq++;
    return [channelId, seq, userId, deviceId, randomUUID(), nonce, ciphertext, signature, seq, prev];
  };
}

/** A prepared multi-row INSERT with the columns the server writes (created_at, expires_at, sent_at by the database). */
function insertStatement(rows: number): { name: string; text: string } {
  const per = 10;
  const values = Array.from({ length: rows }, (_, r) => {
    const p = (k: number) => `$${r * per + k}`;
    return `(${p(1)}, ${p(2)}, 1, ${p(3)}, ${p(4)}, ${p(5)}, ${p(6)}, ${p(7)}, ${p(8)}, now(), now() + interval '30 days', ${p(9)}, ${p(10)}, now())`;
  });
  return {
    // Named, so each connection parses and plans it once, as the best-behaved client would.
    name: `bench_insert_ref_${rows}`,
    text: `INSERT INTO ${TABLE} (channel_id, seq, epoch, sender_user_id, sender_device_id, client_message_id,
             nonce, ciphertext, signature, created_at, expires_at, n, prev, sent_at)
           VALUES ${values.join(', ')}`,
  };
}

async function connectAll(url: string, count: number): Promise<pg.Client[]> {
  return Promise.all(
    Array.from({ length: count }, async () => {
      const c = new pg.Client({ connectionString: url, application_name: 'strongroom-bench-insert-ref' });
      await c.connect();
      return c;
    }),
  );
}

/**
 * `connections` clients INSERT `rowsPerCommit` rows a statement (autocommit: one commit each) as fast
 * as they can for warm-up plus measure; returns the times (ms) of the commits inside the measure.
 */
async function hammer(plan: InsertPlan, connections: number, rowsPerCommit: number): Promise<number[]> {
  const clients = await connectAll(plan.databaseUrl, connections);
  const statement = insertStatement(rowsPerCommit);
  const start = now();
  const from = start + plan.warmupMs;
  const until = from + plan.measureMs;
  const durations: number[] = [];
  try {
    await Promise.all(
      clients.map(async (client) => {
        const next = rowSource(plan);
        while (now() < until) {
          const values = Array.from({ length: rowsPerCommit }, next).flat();
          const t0 = now();
          await client.query({ ...statement, values });
          const t1 = now();
          if (t1 >= from && t1 <= until) durations.push(t1 - t0);
        }
      }),
    );
  } finally {
    await Promise.all(clients.map((c) => c.end()));
  }
  return durations;
}

async function prepareTable(admin: pg.Client): Promise<void> {
  await admin.query(`DROP TABLE IF EXISTS ${TABLE}`);
  // LIKE copies columns, defaults, CHECKs and indexes but never foreign keys.
  await admin.query(`CREATE TABLE ${TABLE} (LIKE messages INCLUDING ALL)`);
}

async function measure(plan: InsertPlan): Promise<InsertResult> {
  const admin = new pg.Client({ connectionString: plan.databaseUrl });
  await admin.connect();
  try {
    await prepareTable(admin);
    const { rows } = await admin.query<{ synchronous_commit: string }>('SHOW synchronous_commit');
    const throughput: InsertThroughput[] = [];
    for (const connections of plan.connections) {
      for (const rowsPerCommit of [1, plan.batchRows]) {
        // Each measure starts from an empty table, as the bench's server run starts from an empty channel.
        await admin.query(`TRUNCATE ${TABLE}`);
        log(`  INSERT reference: ${connections} connections, ${rowsPerCommit} row(s) a commit…\n`);
        const commits = (await hammer(plan, connections, rowsPerCommit)).length;
        const perSecond = commits / (plan.measureMs / 1000);
        throughput.push({
          connections,
          rowsPerCommit,
          commitsPerSecond: round(perSecond, 0),
          rowsPerSecond: round(perSecond * rowsPerCommit, 0),
        });
      }
    }
    let commitLatency: InsertResult['commitLatency'] = null;
    if (plan.commitLatency) {
      await admin.query(`TRUNCATE ${TABLE}`);
      log('  INSERT reference: single-row commit latency on one connection…\n');
      const durations = await hammer(plan, 1, 1);
      commitLatency = { p50ms: round(pct(durations, 50)), p99ms: round(pct(durations, 99)), commits: durations.length };
    }
    const sealed = ['nonce', 'ciphertext', 'signature', 'prev'] as const;
    return {
      synchronousCommit: rows[0].synchronous_commit,
      sealedBytesPerRow: sealed.reduce((sum, k) => sum + Buffer.from(plan.row[k] ?? '', 'base64url').length, 0),
      warmupMs: plan.warmupMs,
      measureMs: plan.measureMs,
      throughput,
      commitLatency,
    };
  } finally {
    await admin.query(`DROP TABLE IF EXISTS ${TABLE}`).catch(() => undefined);
    await admin.end();
  }
}

const plan = JSON.parse(process.argv[2] ?? 'null') as InsertPlan | null;
if (!plan) {
  log('Usage: node --import tsx bench/insert-reference.ts <plan as JSON>\n');
  process.exit(2);
}
process.stdout.write(JSON.stringify(await measure(plan)) + '\n');
