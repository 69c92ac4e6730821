import pg from 'pg';
import { StrongroomClient, type DecryptedMessage, type SecureSession } from '../client/sdk/index.js';
import { secureSession } from './support/secure.js';
import { startInstance, startTestApp, type TestApp } from './support/test-app.js';
import { World, type Person } from './support/world.js';

/** Resolves when `check` passes, polling briefly; fails with the last error after `ms`. */
async function eventually(check: () => void | Promise<void>, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    try {
      await check();
      return;
    } catch (err) {
      if (Date.now() > until) throw err;
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}

const texts = (ms: DecryptedMessage[]) => ms.map((m) => m.content?.body);
const HEARTBEAT_MS = 100;

/**
 * socket.io's PostgreSQL adapter publishes through NOTIFY on `socket.io#<namespace>`. An instance that
 * has heard of no other for two heartbeats stores and delivers new messages without publishing them;
 * once a second instance announces itself, the first publishes again and that instance's sockets hear
 * the messages live.
 */
describe('real time on one instance: new messages are not published to nobody, and are once another instance starts', () => {
  let t: TestApp;
  let second: Awaited<ReturnType<typeof startInstance>> | null = null;
  let alice: Person;
  let bob: Person;
  let aliceS: SecureSession;
  let bobS: SecureSession;
  const sessions: SecureSession[] = [];
  const listener = { client: null as pg.Client | null, payloads: [] as string[] };
  /** Publications of new messages seen on the adapter's channel (the event's name is in the payload). */
  const newMessagePublications = () => listener.payloads.filter((p) => p.includes('strongroom:new-messages'));

  beforeAll(async () => {
    const env = { REALTIME_HEARTBEAT_MS: String(HEARTBEAT_MS) };
    t = await startTestApp({ env });
    const w = new World(t);
    await w.agreement();
    const council = await w.agency('Council');
    const police = await w.agency('Police', { sector: 'police' });
    alice = await w.person(council, 'practitioner', 'alice');
    bob = await w.person(police, 'practitioner', 'bob');
    aliceS = await secureSession(alice.client, 'alice laptop', t);
    bobS = await secureSession(bob.client, 'bob laptop', t);
    sessions.push(aliceS, bobS);
    listener.client = new pg.Client({ connectionString: t.databaseUrl });
    listener.client.on('error', () => undefined);
    await listener.client.connect();
    listener.client.on('notification', (n) => listener.payloads.push(n.payload ?? ''));
    await listener.client.query('LISTEN "socket.io#/rt"');
  });
  afterAll(async () => {
    for (const s of sessions) s.close();
    await listener.client?.end();
    await second?.app.close();
    await t.close();
  });

  it('alone, it delivers to its own sockets and publishes nothing; with a second instance, it publishes and the second one’s sockets hear it', async () => {
    const channelId = await aliceS.createChannel({ kind: 'locality_meeting', members: [{ userId: bob.id }] });
    const got: DecryptedMessage[] = [];
    const stop = await bobS.subscribe(channelId, (m) => got.push(m));
    await aliceS.connect();
    // Past the first two heartbeats, in which an instance never counts itself alone. Its own heartbeats
    // are on the channel meanwhile, which shows the listener hears the adapter.
    await new Promise((r) => setTimeout(r, 2 * HEARTBEAT_MS + 900));
    expect(listener.payloads.length).toBeGreaterThan(0);

    for (const text of ['one', 'two', 'three']) await aliceS.send(channelId, text);
    await eventually(() => expect(texts(got)).toEqual(['one', 'two', 'three']));
    expect(newMessagePublications()).toEqual([]);
    stop();

    // A second instance announces itself; bob listens there too.
    second = await startInstance(t.databaseUrl, t.clock, { REALTIME_HEARTBEAT_MS: String(HEARTBEAT_MS) });
    const bobThere = new StrongroomClient(second.baseUrl);
    await bobThere.login({ email: bob.email, password: bob.password });
    const bobPhone = await secureSession(bobThere, 'bob phone on instance B', t);
    sessions.push(bobPhone);
    await aliceS.rotate(channelId); // bob's phone joins the key period (it reads from here on, not before)
    const onPhone: DecryptedMessage[] = [];
    const stopPhone = await bobPhone.subscribe(channelId, (m) => onPhone.push(m));

    await aliceS.send(channelId, 'four'); // stored through the first instance: only a publication brings it live
    await eventually(() => expect(texts(onPhone)).toEqual(['four']));
    expect(newMessagePublications().length).toBeGreaterThan(0);
    stopPhone();
  });
});
