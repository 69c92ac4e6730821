import { randomBytes } from 'node:crypto';
import { JobsService } from '../src/jobs/jobs.service.js';
import { secureSession } from './support/secure.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { World } from './support/world.js';

const TOKEN = randomBytes(32).toString('hex');

/** One sample's value from Prometheus' text format, or undefined when it is not there. */
function sample(text: string, name: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

/**
 * `GET /api/metrics` for operators: off without METRICS_TOKEN, refused without the token, and with it
 * the instance's sockets, sends (latency and batch sizes), jobs and database pool in Prometheus' format,
 * moving as people use the server; never a person's e-mail address or a channel id.
 */
describe('metrics for operators', () => {
  let t: TestApp;
  let w: World;
  const get = (auth?: string) =>
    fetch(`${t.baseUrl}/api/metrics`, auth ? { headers: { authorization: auth } } : undefined);

  beforeAll(async () => {
    t = await startTestApp({ env: { METRICS_TOKEN: TOKEN } });
    w = new World(t);
  });
  afterAll(() => t.close());

  it('refuses anyone without the metrics token', async () => {
    for (const auth of [undefined, 'Bearer wrong-token', `Basic ${TOKEN}`, `Bearer ${TOKEN}x`]) {
      const res = await get(auth);
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ error: { code: 'metrics_token_required' } });
    }
  });

  it('counts sockets, sends, batches, jobs and the database pool as people use the server', async () => {
    const before = await (await get(`Bearer ${TOKEN}`)).text();
    expect(sample(before, 'strongroom_sockets_connected')).toBe(0);

    await w.agreement();
    const council = await w.agency('Northshire Council');
    const a = await w.person(council, 'practitioner', 'alice');
    const b = await w.person(council, 'practitioner', 'bob');
    const sa = await secureSession(a.client, 'alice laptop', t);
    const sb = await secureSession(b.client, 'bob laptop', t);
    const channelId = await sa.createChannel({ kind: 'locality_meeting', members: [{ userId: b.id }] });
    const rt = await sb.connect();
    for (let i = 0; i < 3; i++) await sa.send(channelId, `hello ${i}`);

    await t.app.get(JobsService).runAll();

    const res = await get(`Bearer ${TOKEN}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const text = await res.text();
    expect(sample(text, 'strongroom_sockets_connected')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'strongroom_send_duration_seconds_count{outcome="stored"}')).toBe(3);
    expect(sample(text, 'strongroom_send_batch_size_count')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'strongroom_send_batch_size_sum')).toBe(3);
    expect(sample(text, 'strongroom_db_pool_connections')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'strongroom_job_last_success_timestamp_seconds{job="message-expiry"}')).toBeGreaterThan(0);
    expect(text).toMatch(/^strongroom_job_duration_seconds_count\{job="[a-z-]+"\} 1$/m);
    expect(sample(text, 'strongroom_process_resident_memory_bytes')).toBeGreaterThan(0);
    for (const secret of [a.email, b.email, channelId, 'hello']) expect(text).not.toContain(secret);
    rt.close();
    sa.close();
    sb.close();
  });
});

describe('metrics without a token configured', () => {
  it('are off: the endpoint is not there', async () => {
    const t = await startTestApp();
    try {
      const res = await fetch(`${t.baseUrl}/api/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ error: { code: 'not_found' } });
    } finally {
      await t.close();
    }
  });
});
