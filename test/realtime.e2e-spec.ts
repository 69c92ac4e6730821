import { randomUUID } from 'node:crypto';
import {
  RealtimeConnection,
  StrongroomApiError,
  StrongroomClient,
  type DecryptedMessage,
  type SecureSession,
} from '../client/sdk/index.js';
import { AgenciesService } from '../src/agencies/agencies.service.js';
import { RetentionService } from '../src/retention/retention.service.js';
import { sealRun, secureSession } from './support/secure.js';
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

describe('real time over socket.io: delivery, catch-up, two instances, cut-offs', () => {
  let t: TestApp;
  let w: World;
  let second: Awaited<ReturnType<typeof startInstance>>;
  let council: string;
  let police: string;
  let alice: Person;
  let bob: Person;
  let aliceS: SecureSession;
  let bobS: SecureSession;
  const sessions: SecureSession[] = [];

  /** The same person, signed in again through the second instance, with their own device there. */
  async function onSecondInstance(p: Person, label: string): Promise<SecureSession> {
    const client = new StrongroomClient(second.baseUrl);
    await client.login({ email: p.email, password: p.password });
    const s = await secureSession(client, label, t);
    sessions.push(s);
    return s;
  }

  beforeAll(async () => {
    t = await startTestApp();
    second = await startInstance(t.databaseUrl, t.clock);
    w = new World(t);
    await w.agreement();
    council = await w.agency('Council');
    police = await w.agency('Police', { sector: 'police' });
    alice = await w.person(council, 'practitioner', 'alice');
    bob = await w.person(police, 'practitioner', 'bob');
    aliceS = await secureSession(alice.client, 'alice laptop', t);
    bobS = await secureSession(bob.client, 'bob laptop', t);
    sessions.push(aliceS, bobS);
  });
  afterAll(async () => {
    for (const s of sessions) s.close();
    await second.app.close();
    await t.close();
  });

  it('refuses a socket without a valid token, in the documented error shape', async () => {
    const rt = new RealtimeConnection(t.baseUrl, 'not-a-real-token-at-all-xxxxxxxx', { reconnection: false });
    const err = await rt.connect().then(
      () => null,
      (e: unknown) => e,
    );
    rt.close();
    expect(err).toBeInstanceOf(StrongroomApiError);
    expect((err as StrongroomApiError).code).toBe('invalid_session');
  });

  it('delivers a message live, in order, and a send over the socket is acknowledged with its sequence number', async () => {
    const channelId = await aliceS.createChannel({ kind: 'locality_meeting', members: [{ userId: bob.id }] });
    const got: DecryptedMessage[] = [];
    const stop = await bobS.subscribe(channelId, (m) => got.push(m));
    await aliceS.connect(); // alice now sends over her socket
    const acks = [];
    for (const text of ['one', 'two', 'three']) acks.push(await aliceS.send(channelId, text));
    expect(acks.map((a) => a.seq)).toEqual([1, 2, 3]);
    await eventually(() => expect(texts(got)).toEqual(['one', 'two', 'three']));
    expect(got.every((m) => !m.error)).toBe(true);
    stop();
  });

  it('does not send a message back to the socket it came over; the sender’s own subscription, other device and the members get it', async () => {
    const channelId = await aliceS.createChannel({ kind: 'locality_meeting', members: [{ userId: bob.id }] });
    const alicePhone = await onSecondInstance(alice, 'alice phone on instance B');
    await aliceS.rotate(channelId); // her phone joins the key period
    const rt = await aliceS.connect();
    const echoed: number[] = [];
    const offEcho = rt.on('message.new', (p) => {
      if (p.channelId === channelId) echoed.push(p.message.seq);
    });
    const [own, phone, bobs]: DecryptedMessage[][] = [[], [], []];
    const stops = [
      await aliceS.subscribe(channelId, (m) => own.push(m)),
      await alicePhone.subscribe(channelId, (m) => phone.push(m)),
      await bobS.subscribe(channelId, (m) => bobs.push(m)),
    ];
    for (const text of ['one', 'two']) await aliceS.send(channelId, text);
    for (const got of [own, phone, bobs]) await eventually(() => expect(texts(got)).toEqual(['one', 'two']));
    // Bob's socket on this instance heard both in the same pass that skipped hers: nothing is on its way.
    expect(echoed).toEqual([]);
    offEcho();
    for (const stop of stops) stop();
  });

  it('messages stored together reach each listener in one frame, in order; the SDK hands each to its subscribers as if it came alone', async () => {
    const bobOnB = await onSecondInstance(bob, 'bob phone on instance B'); // hears them through the adapter
    const channelId = await aliceS.createChannel({ kind: 'locality_meeting', members: [{ userId: bob.id }] });
    await aliceS.send(channelId, 'the key is in place');
    const bobRt = await bobS.connect();
    // Bob's socket as it is on the wire: every frame of new messages, and the sequence numbers in each.
    const frames: { event: string; seqs: number[] }[] = [];
    const onOne = (p: { channelId: string; message: { seq: number } }) => {
      if (p.channelId === channelId) frames.push({ event: 'message.new', seqs: [p.message.seq] });
    };
    const onSeveral = (p: { channelId: string; messages: { seq: number }[] }) => {
      if (p.channelId === channelId) frames.push({ event: 'messages.new', seqs: p.messages.map((m) => m.seq) });
    };
    bobRt.socket.on('message.new', onOne);
    bobRt.socket.on('messages.new', onSeveral);
    const [got, gotOnB]: DecryptedMessage[][] = [[], []];
    const stops = [
      await bobS.subscribe(channelId, (m) => got.push(m)),
      await bobOnB.subscribe(channelId, (m) => gotOnB.push(m)),
    ];
    const bodies = Array.from({ length: 20 }, (_, i) => `together ${i}`);
    const payloads = await sealRun(aliceS, channelId, bodies);
    const aliceRt = await aliceS.connect();
    // Fired without waiting: while the first is being stored the rest queue, and go in the next batch.
    const acks = await Promise.all(payloads.map((p) => aliceRt.request('message.send', { channelId, ...p })));
    const seqs = acks.map((a) => a.seq);
    // A subscription starts after the channel's last message.
    for (const g of [got, gotOnB]) await eventually(() => expect(texts(g)).toEqual(bodies));
    expect([...got, ...gotOnB].every((m) => !m.error)).toBe(true);
    const heard = frames.flatMap((f) => f.seqs);
    expect(heard.slice(-20)).toEqual(seqs); // each once, in sequence order
    const several = frames.filter((f) => f.event === 'messages.new');
    expect(several.length).toBeGreaterThan(0);
    expect(several.every((f) => f.seqs.length > 1)).toBe(true);
    expect(frames.length).toBeLessThan(20);
    bobRt.socket.off('message.new', onOne);
    bobRt.socket.off('messages.new', onSeveral);
    for (const stop of stops) stop();
  });

  it('a client that misses packets or reconnects catches up by sequence number: nothing lost, nothing twice', async () => {
    const channelId = await aliceS.createChannel({ kind: 'locality_meeting', members: [{ userId: bob.id }] });
    const carolP = await w.person(police, 'practitioner', 'carol');
    await alice.client.addMember(channelId, { userId: carolP.id });
    const carol = await secureSession(carolP.client, 'carol', t);
    sessions.push(carol);
    const got: DecryptedMessage[] = [];
    const stop = await carol.subscribe(channelId, (m) => got.push(m));
    await aliceS.send(channelId, 'before the drop');
    await eventually(() => expect(texts(got)).toEqual(['before the drop']));

    // The socket drops (a network blip): messages sent meanwhile are not seen live.
    const rt = await carol.connect();
    rt.socket.io.engine.close();
    for (let i = 0; i < 5; i++) await aliceS.send(channelId, `while away ${i}`);
    await eventually(() => expect(rt.connected).toBe(true));
    await aliceS.send(channelId, 'after the return');
    await eventually(() =>
      expect(texts(got)).toEqual([
        'before the drop',
        ...Array.from({ length: 5 }, (_, i) => `while away ${i}`),
        'after the return',
      ]),
    );
    expect(new Set(got.map((m) => m.seq)).size).toBe(got.length);
    stop();
  });

  it('works across two instances: sent through A, received live on B', async () => {
    const channelId = await aliceS.createChannel({ kind: 'professionals_meeting', members: [{ userId: bob.id }] });
    const bobOnB = await onSecondInstance(bob, 'bob on instance B');
    await aliceS.rotate(channelId); // bob's new device joins the epoch
    const got: DecryptedMessage[] = [];
    const stop = await bobOnB.subscribe(channelId, (m) => got.push(m));
    await aliceS.send(channelId, 'across instances');
    await eventually(() => expect(texts(got)).toEqual(['across instances']));
    stop();
  });

  it('a member removed on instance A is cut off live on instance B, and hears no more', async () => {
    const dave = await w.person(police, 'practitioner', 'dave');
    const channelId = await aliceS.createChannel({
      kind: 'locality_meeting',
      members: [{ userId: dave.id }, { userId: bob.id }],
    });
    const daveOnB = await onSecondInstance(dave, 'dave on B');
    await aliceS.rotate(channelId);
    const got: DecryptedMessage[] = [];
    const removed: string[] = [];
    await daveOnB.subscribe(channelId, (m) => got.push(m));
    const rt = await daveOnB.connect();
    rt.on('member.removed', (e) => removed.push(e.channelId));
    await aliceS.send(channelId, 'dave can read this');
    await eventually(() => expect(texts(got)).toEqual(['dave can read this']));

    await alice.client.removeMember(channelId, dave.id);
    await eventually(() => expect(removed).toContain(channelId));
    await aliceS.send(channelId, 'not for dave');
    const bobGot = await bobS.readAll(channelId);
    expect(texts(bobGot)).toContain('not for dave');
    await new Promise((r) => setTimeout(r, 300));
    expect(texts(got)).toEqual(['dave can read this']);
  });

  it('a disabled leaver’s sockets are disconnected on every instance at once', async () => {
    const admin = await w.person(council, 'isa_admin', 'admin');
    const erin = await w.person(police, 'practitioner', 'erin');
    const onA = await secureSession(erin.client, 'erin A', t);
    const onB = await onSecondInstance(erin, 'erin B');
    sessions.push(onA);
    const [rtA, rtB] = await Promise.all([onA.connect(), onB.connect()]);
    const reasons: string[] = [];
    rtA.onDisconnect((r) => reasons.push(`A: ${r}`));
    rtB.onDisconnect((r) => reasons.push(`B: ${r}`));
    await admin.client.disableUser(erin.id, 'left the force');
    await eventually(() => expect([rtA.connected, rtB.connected]).toEqual([false, false]));
    // Cut by the server (a client-side drop would say "transport close" and reconnect by itself).
    expect(reasons.sort()).toEqual(['A: io server disconnect', 'B: io server disconnect']);
    const err = await erin.client.me().then(
      () => null,
      (e: unknown) => e as StrongroomApiError,
    );
    expect(err?.code).toBe('invalid_session');
  });

  it('a withdrawn agency’s user is cut off live and by the API when the withdrawal takes effect', async () => {
    const admin = await w.person(council, 'isa_admin', 'admin2');
    const charity = await w.agency(`Charity ${randomUUID().slice(0, 8)}`, { sector: 'voluntary' });
    const fay = await w.person(charity, 'practitioner', 'fay');
    const fayS = await secureSession(fay.client, 'fay', t);
    sessions.push(fayS);
    const channelId = await aliceS.createChannel({ kind: 'locality_meeting', members: [{ userId: fay.id }] });
    const rt = await fayS.connect();
    await admin.client.giveNotice(charity);
    await aliceS.send(channelId, 'during the notice month');
    expect(texts(await fayS.readAll(channelId))).toEqual(['during the notice month']);

    t.clock.advance(32 * 86_400_000);
    await t.app.get(AgenciesService).applyDueWithdrawals();
    await eventually(() => expect(rt.connected).toBe(false));
    await fay.client.login({ email: fay.email, password: fay.password });
    const err = await fay.client.messages(channelId).then(
      () => null,
      (e: unknown) => e as StrongroomApiError,
    );
    expect(err?.code).toBe('agency_not_signed');
    await alice.client.login({ email: alice.email, password: alice.password });
    expect((await alice.client.channel(channelId)).members.map((m) => m.userId)).toEqual([alice.id]);
  });

  it('tells connected members when messages expire', async () => {
    await alice.client.login({ email: alice.email, password: alice.password });
    await bob.client.login({ email: bob.email, password: bob.password });
    bobS.close();
    const channelId = await aliceS.createChannel({
      kind: 'locality_meeting',
      members: [{ userId: bob.id }],
      retentionDays: 1,
    });
    const expired: number[] = [];
    await bobS.subscribe(channelId, () => undefined, { after: 0, onExpired: (seqs) => expired.push(...seqs) });
    const sent = await aliceS.send(channelId, 'brief');
    // Its day has passed (moving the clock a day would also end bob's idle session, and his socket with it).
    await t.sql('UPDATE messages SET expires_at = $2 WHERE channel_id = $1', [
      channelId,
      new Date(t.clock.now().getTime() - 1),
    ]);
    await t.app.get(RetentionService).expireMessages();
    await eventually(() => expect(expired).toContain(sent.seq));
  });
});

/**
 * The same cross-instance delivery through the Redis adapter. Runs where a Redis server is given
 * (CI sets STRONGROOM_TEST_REDIS_URL when one answers); without one there is nothing to test against.
 */
const redisUrl = process.env.STRONGROOM_TEST_REDIS_URL;
(redisUrl ? describe : describe.skip)('real time across instances through Redis (REDIS_URL)', () => {
  let t: TestApp;
  let second: Awaited<ReturnType<typeof startInstance>>;

  beforeAll(async () => {
    t = await startTestApp({ env: { REDIS_URL: redisUrl! } });
    second = await startInstance(t.databaseUrl, t.clock, { REDIS_URL: redisUrl! });
  });
  afterAll(async () => {
    await second.app.close();
    await t.close();
  });

  it('a message sent through instance A reaches a subscriber on instance B, and a removal cuts B live', async () => {
    const w = new World(t);
    await w.agreement();
    const council = await w.agency('Council');
    const alice = await w.person(council, 'practitioner', 'alice');
    const bob = await w.person(council, 'practitioner', 'bob');
    const aliceS = await secureSession(alice.client, 'alice', t);
    const bobClient = new StrongroomClient(second.baseUrl);
    await bobClient.login({ email: bob.email, password: bob.password });
    const bobS = await secureSession(bobClient, 'bob on B', t);
    try {
      const channelId = await aliceS.createChannel({ kind: 'locality_meeting', members: [{ userId: bob.id }] });
      const got: DecryptedMessage[] = [];
      await bobS.subscribe(channelId, (m) => got.push(m));
      await aliceS.send(channelId, 'via redis');
      await eventually(() => expect(texts(got)).toEqual(['via redis']));
      const rt = await bobS.connect();
      const removed: string[] = [];
      rt.on('member.removed', (e) => removed.push(e.userId));
      await alice.client.removeMember(channelId, bob.id);
      await eventually(() => expect(removed).toEqual([bob.id]));
    } finally {
      aliceS.close();
      bobS.close();
    }
  });
});
