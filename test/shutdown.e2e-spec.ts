import type { Ack } from '../contracts/errors.js';
import type { StoredMessageView } from '../contracts/messages.js';
import { RealtimeConnection, StrongroomClient, type SecureSession } from '../client/sdk/index.js';
import { eventually } from './support/eventually.js';
import { sealRun, secureSession } from './support/secure.js';
import { startInstance, startTestApp, type TestApp } from './support/test-app.js';
import { World } from './support/world.js';

/**
 * Stopping an instance (SIGTERM → app.close()) during a burst of sends (issue 12): it stops taking new
 * sends (503, to be sent again), stores and acknowledges every send it had taken, then tells each socket
 * it is closing. No send is left without an answer, and every acknowledged one is stored exactly once.
 */
describe('graceful shutdown: every send taken is answered before the sockets close', () => {
  let t: TestApp;
  const sessions: SecureSession[] = [];

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    for (const s of sessions) s.close();
    await t.close();
  });

  it('answers each send with its acknowledgement or 503, stores the acknowledged ones once, then closes sockets', async () => {
    const w = new World(t);
    await w.agreement();
    const council = await w.agency('Council');
    const alice = await w.person(council, 'practitioner', 'alice');
    const bob = await w.person(council, 'practitioner', 'bob');
    const aliceS = await secureSession(alice.client, 'alice laptop', t);
    sessions.push(aliceS);
    const channelId = await aliceS.createChannel({ kind: 'locality_meeting', members: [{ userId: bob.id }] });
    await aliceS.send(channelId, 'before'); // the channel's first key is in place
    const payloads = await sealRun(
      aliceS,
      channelId,
      Array.from({ length: 60 }, (_, i) => `burst ${i}`),
    );

    const stopping = await startInstance(t.databaseUrl, t.clock);
    const client = new StrongroomClient(stopping.baseUrl);
    await client.login({ email: alice.email, password: alice.password });
    const rt = new RealtimeConnection(stopping.baseUrl, client.token!, { reconnection: false });
    await rt.connect();
    const closing: string[] = [];
    rt.socket.on('connection.closing', (e) => closing.push(e.reason));
    const answers = payloads.map(
      (p) =>
        new Promise<Ack<StoredMessageView> | 'no answer'>((resolve) => {
          rt.socket.emit('message.send', { channelId, ...p }, resolve);
          rt.socket.once('disconnect', () => setTimeout(() => resolve('no answer'), 50));
        }),
    );
    // SIGTERM arrives in the middle of the burst: the first send is stored, the rest are on their way.
    expect(await answers[0]).toMatchObject({ ok: true });
    await stopping.app.close();
    const got = await Promise.all(answers);

    const acked = got.flatMap((a) => (a !== 'no answer' && a.ok ? [a.data] : []));
    const refused = got.flatMap((a) => (a !== 'no answer' && !a.ok ? [a.error.code] : []));
    expect(acked.length).toBeGreaterThan(0);
    expect(new Set(refused)).toEqual(new Set(refused.length ? ['service_unavailable'] : []));
    await eventually(() => expect(closing).toEqual(['shutting_down']), 5000);
    rt.close();

    // Every acknowledged send is stored once, under the sequence number it was acknowledged with; a send
    // refused, or still on its way when the socket closed (never taken), is not stored: the client sends
    // it again, with the same id.
    const { rows } = await t.sql(
      'SELECT seq, client_message_id FROM messages WHERE channel_id = $1 AND seq > 1 ORDER BY seq',
      [channelId],
    );
    const stored = rows as { seq: string; client_message_id: string }[];
    expect(stored.map((r) => [Number(r.seq), r.client_message_id])).toEqual(
      acked.map((m) => [m.seq, m.clientMessageId]),
    );
  });
});
