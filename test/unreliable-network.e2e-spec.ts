import { randomUUID } from 'node:crypto';
import {
  MemoryTrustStore,
  SecureSession,
  SendNotConfirmedError,
  StrongroomClient,
  StrongroomNetworkError,
  type DecryptedMessage,
} from '../client/sdk/index.js';
import { countOf } from './support/db.js';
import { eventually } from './support/eventually.js';
import { FlakyProxy, type ProxyAction } from './support/flaky-proxy.js';
import { refused } from './support/refused.js';
import { secureSession } from './support/secure.js';
import { startInstance, startTestApp, type TestApp } from './support/test-app.js';
import { World, type Person } from './support/world.js';

const texts = (ms: DecryptedMessage[]) => ms.map((m) => m.content?.body);
const sends = /^\/api\/channels\/[^/]+\/messages$/;

/** A proxy rule: the first `n` requests that match get `action`, everything else goes through. */
function firstN(n: number, action: ProxyAction, method: string, path: RegExp) {
  let left = n;
  return (r: { method: string; path: string }): ProxyAction =>
    r.method === method && path.test(r.path) && left-- > 0 ? action : 'pass';
}

/**
 * The SDK between a client and the server on an unreliable path: a proxy that loses acknowledgements,
 * goes down for a few seconds, or turns away particular requests. Sends are stored exactly once and
 * acknowledged; every message reaches a subscriber, decrypted, once the path is back.
 */
describe('sends and subscriptions through an unreliable network', () => {
  let t: TestApp;
  let w: World;
  let council: string;
  let alice: Person;
  let bob: Person;
  let toAlice: FlakyProxy;
  let toBob: FlakyProxy;
  let aliceS: SecureSession;
  let bobS: SecureSession;
  const sessions: SecureSession[] = [];

  const rows = (channelId: string) =>
    countOf(t, 'SELECT count(*)::int AS n FROM messages WHERE channel_id = $1', [channelId]);
  const rowsWithId = (clientMessageId: string) =>
    countOf(t, 'SELECT count(*)::int AS n FROM messages WHERE client_message_id = $1', [clientMessageId]);

  /** A person's signed-in session, its traffic going through `proxy`. */
  async function through(proxy: FlakyProxy, p: Person, label: string): Promise<SecureSession> {
    const s = await secureSession(new StrongroomClient(proxy.url, p.client.token), label, t);
    sessions.push(s);
    return s;
  }

  /**
   * Another session of the same device (as a fresh process would have), with its own retry policy, on
   * the same client or another (one with a shorter time limit, say).
   */
  function sameDevice(s: SecureSession, giveUpAfterMs: number, client = s.client): SecureSession {
    const again = new SecureSession(client, s.device, new MemoryTrustStore(), () => t.clock.now(), {
      retry: { giveUpAfterMs, firstDelayMs: 50, maxDelayMs: 200 },
    });
    sessions.push(again);
    return again;
  }

  beforeAll(async () => {
    t = await startTestApp();
    w = new World(t);
    await w.agreement();
    council = await w.agency('Council');
    const police = await w.agency('Police', { sector: 'police' });
    alice = await w.person(council, 'practitioner', 'alice');
    bob = await w.person(police, 'practitioner', 'bob');
    toAlice = await FlakyProxy.start(t.baseUrl);
    toBob = await FlakyProxy.start(t.baseUrl);
    aliceS = await through(toAlice, alice, 'alice laptop');
    bobS = await through(toBob, bob, 'bob laptop');
  });
  afterEach(() => {
    for (const proxy of [toAlice, toBob]) {
      proxy.restore();
      proxy.rule = () => 'pass';
      proxy.seen.length = 0;
    }
  });
  afterAll(async () => {
    for (const s of sessions) s.close();
    await toAlice.close();
    await toBob.close();
    await t.close();
  });

  it('a send whose acknowledgement is lost is sent again as the same message (same id, counter and signature) and stored once', async () => {
    const channelId = await aliceS.createChannel({ kind: 'locality_meeting', members: [{ userId: bob.id }] });
    const first = await aliceS.send(channelId, 'before');
    toAlice.seen.length = 0;
    toAlice.rule = firstN(2, 'lose-reply', 'POST', sends);
    const clientMessageId = randomUUID();
    const attempts = jest.spyOn(aliceS.client, 'sendMessage');

    const stored = await aliceS.send(channelId, 'its acknowledgement was lost twice', { clientMessageId });

    expect(toAlice.requests('POST', sends).map((r) => r.action)).toEqual(['lose-reply', 'lose-reply', 'pass']);
    // Each attempt was the same sealed message, byte for byte: not renumbered, re-dated or re-signed.
    const payloads = attempts.mock.calls.map(([, payload]) => payload);
    attempts.mockRestore();
    expect(payloads).toHaveLength(3);
    expect(payloads[1]).toEqual(payloads[0]);
    expect(payloads[2]).toEqual(payloads[0]);
    expect(stored).toMatchObject({ clientMessageId, n: first.n! + 1, seq: first.seq + 1 });
    expect(await rowsWithId(clientMessageId)).toBe(1);
    expect(await rows(channelId)).toBe(2);
    // The chain goes on from the stored copy, and readers find nothing moved, missing or re-dated.
    expect((await aliceS.send(channelId, 'after')).n).toBe(first.n! + 2);
    const read = (await bobS.read(channelId)).messages;
    expect(texts(read)).toEqual(['before', 'its acknowledgement was lost twice', 'after']);
    expect(read.map((m) => m.order)).toEqual(['ok', 'ok', 'ok']);
  });

  it('an application sending again with the same clientMessageId after the SDK gave up gets the stored copy: stored once, in this process or a fresh one', async () => {
    const channelId = await aliceS.createChannel({ kind: 'locality_meeting', members: [{ userId: bob.id }] });
    const impatient = sameDevice(aliceS, 1_500);
    const clientMessageId = randomUUID();
    toAlice.rule = ({ method, path }) => (method === 'POST' && sends.test(path) ? 'lose-reply' : 'pass');

    const err = await impatient.send(channelId, 'did it arrive?', { clientMessageId }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(SendNotConfirmedError);
    expect((err as SendNotConfirmedError).clientMessageId).toBe(clientMessageId);
    expect((err as Error).message).toContain(clientMessageId);
    expect(await rowsWithId(clientMessageId)).toBe(1); // it did: only the acknowledgements were lost

    toAlice.rule = () => 'pass';
    const again = await impatient.send(channelId, 'did it arrive?', { clientMessageId });
    const fresh = await sameDevice(aliceS, 10_000).send(channelId, 'did it arrive?', { clientMessageId });
    expect(again).toMatchObject({ clientMessageId, seq: 1 });
    expect(fresh).toMatchObject({ clientMessageId, seq: 1 });
    expect(await rows(channelId)).toBe(1);
    // The same id for something else is still refused.
    await refused(aliceS.send(channelId, 'something else', { clientMessageId }), 409, 'client_message_id_reused');
    expect(await rows(channelId)).toBe(1);
    expect(texts((await bobS.read(channelId)).messages)).toEqual(['did it arrive?']);
  });

  it('through a few seconds without a network (and a new key meanwhile), every message is stored once and reaches the subscriber decrypted, once', async () => {
    const channelId = await aliceS.createChannel({ kind: 'locality_meeting', members: [{ userId: bob.id }] });
    await aliceS.connect(); // sends go over the socket while it is up, over HTTP while it is not
    // The subscriber tries each fetch once (no time to retry): its catch-up must start again by itself.
    const subscriber = sameDevice(bobS, 0);
    const got: DecryptedMessage[] = [];
    const stop = await subscriber.subscribe(channelId, (m) => got.push(m));
    await aliceS.send(channelId, 'before the outage');
    await eventually(() => expect(texts(got)).toEqual(['before the outage']));

    toAlice.cut();
    toBob.cut();
    const during = Array.from({ length: 5 }, (_, i) => aliceS.send(channelId, `during the outage ${i}`));
    // Meanwhile someone else changes the membership, so the messages need a key neither side has yet.
    const carol = await w.person(council, 'practitioner', 'carol');
    await alice.client.addMember(channelId, { userId: carol.id });
    await new Promise((r) => setTimeout(r, 3_000)); // the outage lasts a few seconds
    toAlice.restore();

    const stored = await Promise.all(during);
    expect(new Set(stored.map((m) => m.clientMessageId)).size).toBe(5);
    expect(stored.map((m) => m.seq)).toEqual([2, 3, 4, 5, 6]);
    expect(await rows(channelId)).toBe(6);
    expect(
      await countOf(t, 'SELECT count(DISTINCT client_message_id)::int AS n FROM messages WHERE channel_id = $1', [
        channelId,
      ]),
    ).toBe(6);
    expect(stored.every((m) => m.epoch > 1)).toBe(true); // sealed under the key made after carol joined

    // The subscriber's path comes back once everything is sent, so nothing live will arrive to prompt
    // it; its socket reconnects, and its first catch-ups are still turned away.
    const catchUps = new RegExp(`^/api/channels/${channelId}/messages\\?`);
    toBob.rule = firstN(2, 'refuse', 'GET', catchUps);
    const afterOutage = toBob.seen.length;
    toBob.restore();
    const expected = ['before the outage', ...Array.from({ length: 5 }, (_, i) => `during the outage ${i}`)];
    await eventually(() => expect(texts(got)).toEqual(expected), 60_000);
    expect(got.filter((m) => m.error || m.unverified)).toEqual([]);
    expect(got.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    const catchUpsAfter = toBob.seen.slice(afterOutage).filter((r) => r.method === 'GET' && catchUps.test(r.path));
    expect(catchUpsAfter.map((r) => r.action).slice(0, 3)).toEqual(['refuse', 'refuse', 'pass']);
    stop();
  }, 120_000);

  it('a live message whose key cannot be fetched for a while is delivered once it decrypts, never as unreadable', async () => {
    const channelId = await aliceS.createChannel({ kind: 'locality_meeting', members: [{ userId: bob.id }] });
    // Each fetch is tried once (no time to retry): the subscription itself must come back for the message.
    const subscriber = sameDevice(bobS, 0);
    const got: DecryptedMessage[] = [];
    const stop = await subscriber.subscribe(channelId, (m) => got.push(m));
    await aliceS.send(channelId, 'under the first key');
    await eventually(() => expect(texts(got)).toEqual(['under the first key']));

    const keyFetches = new RegExp(`^/api/channels/${channelId}/keys\\?`);
    toBob.rule = firstN(3, 'refuse', 'GET', keyFetches);
    const fromHere = toBob.seen.length;
    await aliceS.rotate(channelId);
    const sent = await aliceS.send(channelId, 'under a new key');
    expect(sent.epoch).toBeGreaterThan(1);

    await eventually(() => expect(texts(got)).toEqual(['under the first key', 'under a new key']), 60_000);
    expect(got.filter((m) => m.error || m.unverified)).toEqual([]);
    const fetches = toBob.seen.slice(fromHere).filter((r) => r.method === 'GET' && keyFetches.test(r.path));
    expect(fetches.map((r) => r.action)).toEqual(['refuse', 'refuse', 'refuse', 'pass']);
    stop();
  }, 120_000);

  it('another instance takes over: a send whose acknowledgement was lost on the first is answered by the second with the stored copy, and a subscriber moved there catches up', async () => {
    const second = await startInstance(t.databaseUrl, t.clock);
    try {
      const channelId = await aliceS.createChannel({ kind: 'locality_meeting', members: [{ userId: bob.id }] });
      const got: DecryptedMessage[] = [];
      const stop = await bobS.subscribe(channelId, (m) => got.push(m));
      await aliceS.send(channelId, 'through the first instance');
      await eventually(() => expect(texts(got)).toEqual(['through the first instance']));

      // The first instance stores the next message and its answer is lost; from then on the load
      // balancer sends everyone to the second.
      const lose = firstN(1, 'lose-reply', 'POST', sends);
      toAlice.rule = (r) => {
        const action = lose(r);
        if (action === 'lose-reply') toAlice.retarget(second.baseUrl);
        return action;
      };
      toBob.retarget(second.baseUrl);
      toBob.cut();
      toBob.restore();
      const stored = await aliceS.send(channelId, 'stored by the first, answered by the second');
      expect(await rowsWithId(stored.clientMessageId)).toBe(1);
      await aliceS.send(channelId, 'through the second instance');
      expect(await rows(channelId)).toBe(3);

      await eventually(
        () =>
          expect(texts(got)).toEqual([
            'through the first instance',
            'stored by the first, answered by the second',
            'through the second instance',
          ]),
        60_000,
      );
      expect(got.filter((m) => m.error || m.unverified)).toEqual([]);
      stop();
    } finally {
      toAlice.retarget(t.baseUrl);
      toBob.retarget(t.baseUrl);
      await second.app.close();
    }
  }, 120_000);

  it('closing the session ends its subscriptions: a catch-up that keeps failing stops trying', async () => {
    const channelId = await aliceS.createChannel({ kind: 'locality_meeting', members: [{ userId: bob.id }] });
    const catchUps = new RegExp(`^/api/channels/${channelId}/messages\\?`);
    toBob.rule = ({ method, path }) => (method === 'GET' && catchUps.test(path) ? 'refuse' : 'pass');
    const s = sameDevice(bobS, 0);
    await s.subscribe(channelId, () => undefined, { after: 0 });
    await eventually(() => expect(toBob.requests('GET', catchUps).length).toBeGreaterThanOrEqual(3));
    s.close();
    const tried = toBob.requests('GET', catchUps).length;
    // Its waits are at most 0.2 s: still trying, it would have tried several times more by now.
    await new Promise((r) => setTimeout(r, 1_500));
    expect(toBob.requests('GET', catchUps).length).toBeLessThanOrEqual(tried + 1); // one may have been on its way
  });

  it('read: a key or a sender’s keys that cannot be fetched for the moment are fetched again, and when time runs out the error says so rather than calling the message unreadable', async () => {
    const channelId = await aliceS.createChannel({ kind: 'locality_meeting', members: [{ userId: bob.id }] });
    await aliceS.send(channelId, 'read me');
    const keyFetches = new RegExp(`^/api/channels/${channelId}/keys\\?`);
    const deviceFetches = new RegExp(`^/api/devices/${aliceS.deviceId}$`);
    /** A fresh session of bob's device (as a new process: no keys, no pins yet) reading the channel. */
    const readFresh = (giveUpAfterMs: number) => sameDevice(bobS, giveUpAfterMs).read(channelId);

    const devices = firstN(2, 'refuse', 'GET', deviceFetches);
    const keys = firstN(2, 'refuse', 'GET', keyFetches);
    toBob.rule = (r) => (devices(r) === 'refuse' ? 'refuse' : keys(r));
    const page = await readFresh(30_000);
    expect(texts(page.messages)).toEqual(['read me']);
    expect(page.messages.filter((m) => m.error || m.unverified)).toEqual([]);
    expect(toBob.seen.filter((r) => r.action === 'refuse')).toHaveLength(4);

    // Out of time: the read fails as the network failed; the message is not shown as unverified…
    toBob.rule = firstN(1, 'refuse', 'GET', deviceFetches);
    await expect(readFresh(0)).rejects.toBeInstanceOf(StrongroomNetworkError);
    // …nor as unreadable.
    toBob.rule = firstN(1, 'refuse', 'GET', keyFetches);
    await expect(readFresh(0)).rejects.toBeInstanceOf(StrongroomNetworkError);
  });

  it('a request the network swallows, or whose answer stops half-way, is given up at the client’s time limit and tried again; with no time left, the error says the server gave no answer', async () => {
    const channelId = await aliceS.createChannel({ kind: 'locality_meeting', members: [{ userId: bob.id }] });
    await aliceS.send(channelId, 'read me');
    const pageFetches = new RegExp(`^/api/channels/${channelId}/messages\\?`);
    const keyFetches = new RegExp(`^/api/channels/${channelId}/keys\\?`);
    // Bob's device on a client that waits two seconds for an answer, not the default minute.
    const impatient = new StrongroomClient(toBob.url, bob.client.token, { requestTimeoutMs: 2000 });

    // The page of messages is never answered; the key's answer stops after its headers. Both are tried again.
    const pages = firstN(1, 'silence', 'GET', pageFetches);
    const keys = firstN(1, 'stall-reply', 'GET', keyFetches);
    toBob.rule = (r) => (pages(r) === 'silence' ? 'silence' : keys(r));
    const page = await sameDevice(bobS, 30_000, impatient).read(channelId);
    expect(texts(page.messages)).toEqual(['read me']);
    expect(page.messages.filter((m) => m.error || m.unverified)).toEqual([]);
    expect(toBob.seen.filter((r) => r.action !== 'pass').map((r) => r.action)).toEqual(['silence', 'stall-reply']);
    expect(toBob.requests('GET', pageFetches)).toHaveLength(2);
    expect(toBob.requests('GET', keyFetches)).toHaveLength(2);

    // No time left to try again: the read fails as unreachable, and says why.
    toBob.rule = firstN(1, 'silence', 'GET', pageFetches);
    const err = (await sameDevice(bobS, 0, impatient)
      .read(channelId)
      .catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(StrongroomNetworkError);
    expect(err.message).toContain('no answer within 2 seconds');
  });
});
