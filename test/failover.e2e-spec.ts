import net from 'node:net';
import { MemoryTrustStore, SecureSession, StrongroomClient, type StoredDevice } from '../client/sdk/index.js';
import { freePort } from './support/free-port.js';
import { secureSession } from './support/secure.js';
import { ensureBuilt, startServerProcess, type ServerProcess } from './support/server-process.js';
import { createDatabase, FakeClock, startInstance, type TestApp } from './support/test-app.js';
import { World } from './support/world.js';

/**
 * A load balancer in front of server processes: each new connection goes to the next backend in turn,
 * or to another when that one does not answer; a backend taken out gets no new connections.
 */
class Balancer {
  private readonly backends: number[] = [];
  private next = 0;
  private readonly server = net.createServer((client) => this.relay(client, 0));

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as net.AddressInfo).port}`;
  }
  add(port: number): void {
    this.backends.push(port);
  }
  remove(port: number): void {
    this.backends.splice(this.backends.indexOf(port), 1);
  }
  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
  private relay(client: net.Socket, tries: number): void {
    if (!this.backends.length || tries >= this.backends.length) {
      client.destroy();
      return;
    }
    const port = this.backends[this.next++ % this.backends.length];
    const upstream = net.connect(port, '127.0.0.1');
    let connected = false;
    upstream.once('connect', () => {
      connected = true;
      client.pipe(upstream).pipe(client);
    });
    upstream.on('error', () => {
      if (!connected) this.relay(client, tries + 1);
      else client.destroy();
    });
    client.on('error', () => upstream.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => {
      if (connected) client.destroy();
    });
  }
}

/**
 * Failover (issue 12): two server processes behind a balancer share one database. During a send storm
 * from SDK clients, one process is killed (SIGKILL) and the other stopped (SIGTERM), and each is
 * replaced. The clients keep sending through it all: every message the application asked to send is
 * stored exactly once, with no gap in the sequence, and every member decrypts every one.
 */
describe('failover: instances killed and stopped during a send storm', () => {
  const perSender = 25;
  let db: { url: string; drop: () => Promise<void> };
  let balancer: Balancer;
  let balancerUrl: string;
  const processes: ServerProcess[] = [];
  const sessions: SecureSession[] = [];
  let people: { email: string; password: string; device: StoredDevice; name: string }[] = [];
  let channelId: string;

  async function startBackend(): Promise<{ port: number; proc: ServerProcess }> {
    const port = await freePort();
    const proc = startServerProcess(
      {
        DATABASE_URL: db.url,
        PORT: String(port),
        HOST: '127.0.0.1',
        SEED_DEMO: 'false',
        LOG_LEVEL: 'silent',
        LOGIN_RATE_LIMIT_PER_MINUTE: '10000',
      },
      'Press Ctrl+C to stop.',
    );
    processes.push(proc);
    await proc.ready;
    return { port, proc };
  }

  beforeAll(async () => {
    await ensureBuilt();
    db = await createDatabase();
    // People, devices and the channel, made through an in-process instance on the same database.
    const clock = new FakeClock();
    const setup = await startInstance(db.url, clock);
    try {
      const t = { app: setup.app, baseUrl: setup.baseUrl, clock } as unknown as TestApp;
      const w = new World(t);
      await w.agreement();
      const council = await w.agency('Council');
      const made = [];
      for (const name of ['alice', 'bob', 'carol']) {
        const p = await w.person(council, 'practitioner', name);
        const s = await secureSession(p.client, `${name} laptop`, t);
        made.push({ p, s, name });
      }
      channelId = await made[0].s.createChannel({
        kind: 'locality_meeting',
        members: made.slice(1).map((m) => ({ userId: m.p.id })),
      });
      await made[0].s.send(channelId, 'the first');
      people = made.map((m) => ({ email: m.p.email, password: m.p.password, device: m.s.device, name: m.name }));
      for (const m of made) m.s.close();
    } finally {
      await setup.app.close();
    }
    balancer = new Balancer();
    balancerUrl = await balancer.start();
  }, 240_000);

  afterAll(async () => {
    for (const s of sessions) s.close();
    for (const p of processes) p.child.kill('SIGKILL');
    await Promise.all(processes.map((p) => p.exited));
    await balancer?.close();
    await db?.drop();
  });

  it('stores every message once, with no gap, and every member decrypts every one', async () => {
    const a = await startBackend();
    const b = await startBackend();
    balancer.add(a.port);
    balancer.add(b.port);
    const senders: SecureSession[] = [];
    for (const person of people) {
      const client = new StrongroomClient(balancerUrl);
      await client.login({ email: person.email, password: person.password });
      const s = new SecureSession(client, person.device, new MemoryTrustStore());
      sessions.push(s);
      senders.push(s);
    }

    let acked = 0;
    const storm = senders.map(async (s, i) => {
      for (let k = 0; k < perSender; k++) {
        await s.send(channelId, `${people[i].name} ${k}`);
        acked++;
      }
    });
    let failed: Error | null = null;
    const stormDone = Promise.all(storm).catch((err: unknown) => {
      failed = err instanceof Error ? err : new Error('a sender failed');
      throw failed;
    });
    const until = async (n: number) => {
      while (acked < n) {
        if (failed) throw failed;
        await new Promise((r) => setTimeout(r, 20));
      }
    };

    // One process dies without warning, and is replaced.
    await until(15);
    a.proc.child.kill('SIGKILL');
    balancer.remove(a.port);
    const a2 = await startBackend();
    balancer.add(a2.port);
    // The other is stopped as a deployment stops it, and is replaced.
    await until(40);
    balancer.remove(b.port);
    b.proc.child.kill('SIGTERM');
    expect(await b.proc.exited).toBe(0);
    const b2 = await startBackend();
    balancer.add(b2.port);
    await stormDone;

    const expected = [
      'the first',
      ...people.flatMap((p) => Array.from({ length: perSender }, (_, k) => `${p.name} ${k}`)),
    ];
    for (const s of senders) {
      const all = await s.readAll(channelId);
      expect(all.filter((m) => m.error)).toEqual([]);
      expect(all.map((m) => m.seq)).toEqual(Array.from({ length: all.length }, (_, i) => i + 1));
      expect(all.map((m) => m.content?.body).sort()).toEqual([...expected].sort());
    }
  }, 240_000);
});
