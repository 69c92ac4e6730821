import { randomUUID } from 'node:crypto';
import type { SocketSendInput, StoredMessageView } from '../contracts/messages.js';
import type { RealtimeConnection, SecureSession } from '../client/sdk/index.js';
import { MessageSignatures } from '../src/messages/message-signatures.js';
import { MessageWriter } from '../src/messages/message-writer.js';
import { countOf } from './support/db.js';
import { refused } from './support/refused.js';
import { sealRun, secureSession } from './support/secure.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { World } from './support/world.js';

/**
 * A device's sends to a channel are stored in the order they reached the server, even with more than
 * one batch in flight (the default SEND_BATCH_CONCURRENCY of 2): a send whose batch is quick never
 * overtakes an earlier one of the same device whose batch is slow, which would refuse it as
 * `message_out_of_order` although the client numbered it correctly.
 */
describe('send order: a device’s sends are stored in the order they arrived', () => {
  let t: TestApp;
  let aliceS: SecureSession;
  let bobS: SecureSession;
  let aliceRt: RealtimeConnection;
  let bobRt: RealtimeConnection;
  let channelId: string;
  let signatures: MessageSignatures;
  const realCheck = MessageSignatures.prototype.check;

  beforeAll(async () => {
    t = await startTestApp();
    const w = new World(t);
    await w.agreement();
    const council = await w.agency('Council');
    const alice = await w.person(council, 'practitioner', 'alice');
    const bob = await w.person(council, 'practitioner', 'bob');
    aliceS = await secureSession(alice.client, 'alice laptop', t);
    bobS = await secureSession(bob.client, 'bob laptop', t);
    aliceRt = await aliceS.connect();
    bobRt = await bobS.connect();
    channelId = await aliceS.createChannel({ kind: 'locality_meeting', members: [{ userId: bob.id }] });
    await aliceS.send(channelId, 'first'); // the channel's first key is in place
    await bobS.send(channelId, 'hello'); // and bob has it too
    signatures = t.app.get(MessageSignatures);
  });
  let releaseHeld = () => {};
  afterEach(() => {
    releaseHeld(); // a failed case must not leave a batch stuck for the next one
    signatures.check = realCheck;
  });
  afterAll(async () => {
    aliceS.close();
    bobS.close();
    await t.close();
  });

  const send = (rt: RealtimeConnection, payload: object) =>
    rt.request('message.send', { channelId, ...payload } as SocketSendInput);

  /** Holds the signature check of the send with this client message id until `release` is called. */
  function holdCheckOf(clientMessageId: string) {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let reached!: () => void;
    const held = new Promise<void>((r) => (reached = r));
    signatures.check = async function (this: MessageSignatures, ...args: Parameters<MessageSignatures['check']>) {
      if (args[2].clientMessageId === clientMessageId) {
        reached();
        await gate;
      }
      return realCheck.apply(this, args);
    };
    releaseHeld = release;
    return { held, release };
  }

  it('sends that come while an earlier one of the same device is in a slow batch wait for it, then go together; other devices do not wait', async () => {
    const [one, two, three] = await sealRun(aliceS, channelId, ['one', 'two', 'three']);
    const [other] = await sealRun(bobS, channelId, ['from bob meanwhile']);
    const { held, release } = holdCheckOf(one.clientMessageId);
    const answered: string[] = [];
    const track = (name: string, sent: Promise<StoredMessageView>) => {
      const tracked = sent.finally(() => answered.push(name));
      tracked.catch(() => undefined); // looked at below
      return tracked;
    };
    const first = track('one', send(aliceRt, one));
    await held; // the first send is taken and its batch is in flight, stuck on its signature check
    const later = [track('two', send(aliceRt, two)), track('three', send(aliceRt, three))];
    // Another device's send is not held behind alice's: it is stored while her first send is stuck. By
    // then any batch that took her later sends has been decided; they get a moment more to be answered.
    const bobs = await send(bobRt, other);
    await Promise.race([Promise.allSettled(later), new Promise((r) => setTimeout(r, 300))]);
    expect(answered).toEqual([]);

    release();
    const [a, b, c] = await Promise.all([first, ...later]);
    expect(answered[0]).toBe('one');
    expect([a.seq, b.seq, c.seq]).toEqual([bobs.seq + 1, bobs.seq + 2, bobs.seq + 3]);
    // The two that waited went out together, in one transaction after the first one's.
    const { rows } = await t.sql('SELECT xmin::text AS tx FROM messages WHERE id = ANY($1) ORDER BY seq', [
      [a.id, b.id, c.id],
    ]);
    const [txA, txB, txC] = (rows as { tx: string }[]).map((r) => r.tx);
    expect(txB).toBe(txC);
    expect(txA).not.toBe(txB);
  });

  it('someone else naming alice’s device holds none of her sends', async () => {
    const [mine] = await sealRun(aliceS, channelId, ['mine']);
    const claimed = { ...mine, clientMessageId: randomUUID() }; // bob sends as alice's device: refused
    const { held, release } = holdCheckOf(claimed.clientMessageId);
    const bobs = send(bobRt, claimed);
    bobs.catch(() => undefined); // looked at below
    await held;
    const stored = await Promise.race([send(aliceRt, mine), new Promise<null>((r) => setTimeout(() => r(null), 2000))]);
    expect(stored).toMatchObject({ clientMessageId: mine.clientMessageId });
    release();
    await refused(bobs, 403, 'not_your_device');
  });

  it('a device’s pipelined sends, fired without waiting, are all stored in order and together', async () => {
    const bodies = Array.from({ length: 30 }, (_, i) => `pipelined ${i}`);
    const payloads = await sealRun(aliceS, channelId, bodies);
    const writer = t.app.get(MessageWriter);
    const submitted: string[] = [];
    const realSubmit = writer.submit.bind(writer);
    writer.submit = (sender, id, dto) => {
      submitted.push(dto.clientMessageId);
      return realSubmit(sender, id, dto);
    };
    try {
      const acks = await Promise.all(payloads.map((p) => send(aliceRt, p)));
      expect(submitted).toEqual(payloads.map((p) => p.clientMessageId)); // taken in the order they came
      const seqs = acks.map((m) => m.seq);
      expect(seqs).toEqual(seqs.map((_, i) => seqs[0] + i));
      const commits = await countOf(
        t,
        'SELECT count(DISTINCT xmin::text)::int AS n FROM messages WHERE channel_id = $1 AND seq >= $2',
        [channelId, seqs[0]],
      );
      expect(commits).toBeLessThan(10);
    } finally {
      writer.submit = realSubmit;
    }
  });
});
