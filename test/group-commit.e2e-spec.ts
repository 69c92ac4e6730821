import type { SocketSendInput } from '../contracts/messages.js';
import { generateDeviceKeys } from '../client/sdk/crypto/device-keys.js';
import type { SecureSession } from '../client/sdk/index.js';
import pg from 'pg';
import { MessagesRepository } from '../src/messages/messages.repository.js';
import { behindTheTriggersBack, countOf, firstRow } from './support/db.js';
import { refused } from './support/refused.js';
import { seal, sealRun, secureSession } from './support/secure.js';
import { startInstance, startTestApp, type TestApp } from './support/test-app.js';
import { RealtimeConnection } from '../client/sdk/transport/realtime.js';
import { World, type Person } from './support/world.js';
import { eventually } from './support/eventually.js';

/**
 * Group commit (MessageWriter): concurrent sends share a transaction. With one batch in flight at a
 * time, sends fired together queue up and are stored together; these tests fire them together and
 * check that each one still gets exactly its own verdict, that acknowledged means committed, and
 * that sequence numbers stay gapless and in each sender's order.
 */
describe('group commit: concurrent sends stored together, each with its own verdict', () => {
  let t: TestApp;
  let w: World;
  let council: string;
  const people: Record<string, Person> = {};
  const secure: Record<string, SecureSession> = {};
  const sockets: Record<string, RealtimeConnection> = {};

  beforeAll(async () => {
    t = await startTestApp({ env: { SEND_BATCH_CONCURRENCY: '1', SEND_BATCH_MAX: '64' } });
    w = new World(t);
    await w.agreement();
    council = await w.agency('Council');
    for (const name of ['alice', 'bob', 'carol', 'dan', 'olive', 'mallory']) {
      people[name] = await w.person(council, 'practitioner', name);
      secure[name] = await secureSession(people[name].client, `${name} laptop`, t);
      sockets[name] = await secure[name].connect();
    }
  });
  afterAll(async () => {
    for (const s of Object.values(secure)) s.close();
    await t.close();
  });

  // Payloads here may be forged on purpose: they go out as the socket would carry them, unchecked.
  const send = (who: string, channelId: string, payload: object) =>
    sockets[who].request('message.send', { channelId, ...payload } as SocketSendInput);

  async function meeting(): Promise<string> {
    return secure.alice.createChannel({
      kind: 'locality_meeting',
      members: [
        { userId: people.bob.id },
        { userId: people.carol.id },
        { userId: people.dan.id },
        { userId: people.olive.id, role: 'observer' },
      ],
    });
  }

  it('forty sends fired at once by four members: each acknowledged only once committed, seqs 1..40, each sender in order', async () => {
    const channelId = await meeting();
    const senders = ['alice', 'bob', 'carol', 'dan'];
    const payloads = await Promise.all(
      senders.map((who) =>
        sealRun(
          secure[who],
          channelId,
          Array.from({ length: 10 }, (_, i) => `${who} ${i}`),
        ),
      ),
    );
    const committedAtAck: boolean[] = [];
    const acks = await Promise.all(
      senders.map((who, k) =>
        Promise.all(
          payloads[k].map((p) =>
            send(who, channelId, p).then(async (m) => {
              // Read from another connection the moment the acknowledgement arrives.
              committedAtAck.push(
                (await countOf(t, 'SELECT count(*)::int AS n FROM messages WHERE id = $1', [m.id])) === 1,
              );
              return m;
            }),
          ),
        ),
      ),
    );
    expect(committedAtAck).toHaveLength(40);
    expect(committedAtAck.every(Boolean)).toBe(true);
    const seqs = acks.flat().map((m) => m.seq);
    expect([...seqs].sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    for (const mine of acks) {
      const own = mine.map((m) => m.seq);
      expect(own).toEqual([...own].sort((a, b) => a - b)); // a sender's sends keep their order
    }
    const { rows } = await t.sql('SELECT last_seq, epoch_message_count FROM channels WHERE id = $1', [channelId]);
    expect(rows[0]).toEqual({ last_seq: '40', epoch_message_count: 40 });
    // Rows written by one transaction share its id (xmin): forty sends took far fewer commits.
    const commits = await countOf(
      t,
      'SELECT count(DISTINCT xmin::text)::int AS n FROM messages WHERE channel_id = $1',
      [channelId],
    );
    expect(commits).toBeLessThan(20);
    // Everyone can read all forty back, decrypted.
    const read = await secure.olive.readAll(channelId);
    expect(read.filter((m) => !m.error)).toHaveLength(40);
  });

  it('one batch, many verdicts: good sends are stored while each bad one gets its own refusal and stores nothing', async () => {
    const channelId = await meeting();
    const stale = await seal(secure.carol, channelId, 'sealed before the rotation');
    await secure.alice.rotate(channelId);
    const good1 = await seal(secure.alice, channelId, 'good one');
    const good2 = await seal(secure.bob, channelId, 'good two');
    const forger = await generateDeviceKeys();
    const forged = await seal(secure.bob, channelId, 'forged', {}, forger.ed25519.privateKey);
    const fromObserver = await seal(secure.olive, channelId, 'observers cannot send');
    const outsiderChannel = await secure.mallory.createChannel({ kind: 'professionals_meeting', members: [] });
    const fromOutsider = { ...(await seal(secure.mallory, outsiderChannel, 'not a member here')) };
    const fromDan = await seal(secure.dan, channelId, 'after my session was revoked');
    const before = await countOf(t, 'SELECT count(*)::int AS n FROM messages WHERE channel_id = $1', [channelId]);
    // Dan's session ends behind his socket's back (as if revoked on an instance whose notice never
    // arrived): the batch re-checks it, refuses his send and cuts his socket.
    await t.sql(`UPDATE sessions SET revoked_at = now(), revoked_reason = 'test' WHERE user_id = $1`, [people.dan.id]);

    const results = await Promise.allSettled([
      send('alice', channelId, good1),
      send('alice', channelId, good1), // the same send twice in one batch: stored once
      send('bob', channelId, good2),
      send('bob', channelId, forged),
      send('olive', channelId, fromObserver),
      send('mallory', channelId, fromOutsider),
      send('carol', channelId, stale),
      send('dan', channelId, fromDan),
    ]);
    const [a1, a2, b1] = results.map((r) => (r.status === 'fulfilled' ? r.value : null));
    expect(a1?.seq).toBeGreaterThan(0);
    expect(a2).toEqual(a1);
    expect(b1?.seq).toBe((a1?.seq ?? 0) === 1 ? 2 : 1);
    const refusal = (i: number) => Promise.reject((results[i] as PromiseRejectedResult).reason as Error);
    await refused(refusal(3), 400, 'invalid_signature');
    await refused(refusal(4), 403, 'observer_read_only');
    await refused(refusal(5), 403, 'not_a_member');
    const staleErr = await refused(refusal(6), 409, 'epoch_stale');
    expect(staleErr.details).toMatchObject({ reason: 'epoch_changed' });
    await refused(refusal(7), 401, 'invalid_session');
    expect(await countOf(t, 'SELECT count(*)::int AS n FROM messages WHERE channel_id = $1', [channelId])).toBe(
      before + 2,
    );
    expect(await firstRow(t, 'SELECT last_seq FROM channels WHERE id = $1', [channelId])).toEqual({ last_seq: '2' });
    // The revoked session's socket is cut (as soon as the batch is answered; a busy machine may take a while).
    await eventually(() => expect(sockets.dan.connected).toBe(false), 10_000);
  });

  it('one client message id in two channels at once: a retry key is the channel’s, so each channel stores its own', async () => {
    const first = await meeting();
    const second = await meeting();
    const a = await seal(secure.alice, first, 'for the first');
    const b = await seal(secure.alice, second, 'for the second', { clientMessageId: a.clientMessageId });
    const [ra, rb] = await Promise.all([send('alice', first, a), send('alice', second, b)]);
    expect([ra.seq, rb.seq]).toEqual([1, 1]);
    const stored = await t.sql('SELECT channel_id FROM messages WHERE client_message_id = $1 ORDER BY channel_id', [
      a.clientMessageId,
    ]);
    expect(stored.rows.map((r: { channel_id: string }) => r.channel_id)).toEqual([first, second].sort());
    // Within a channel it is still a retry key: the same id for something else is refused there.
    const c = await seal(secure.alice, first, 'something else', { clientMessageId: a.clientMessageId });
    await refused(send('alice', first, c), 409, 'client_message_id_reused');
  });

  it('the same send through two instances at the same moment, twenty times over: stored once each, both answered with that copy, no number skipped', async () => {
    const second = await startInstance(t.databaseUrl, t.clock, { SEND_BATCH_CONCURRENCY: '1' });
    const onB = new RealtimeConnection(second.baseUrl, people.alice.client.token!, { reconnection: false });
    try {
      await onB.connect();
      const channelId = await meeting();
      // Twenty messages, each sent through both instances at once (a client retrying on another instance
      // after a lost acknowledgement). The second to arrive waits for the channel's lock and then reads the
      // first's row: it answers with that copy. Were the two ever to pass each other, the retry key's unique
      // index would fail the second batch whole, and decided again it is the same answer. (Without both, this
      // fails: two rows, or an error.)
      const payloads = await sealRun(
        secure.alice,
        channelId,
        Array.from({ length: 20 }, (_, i) => `twice ${i}`),
      );
      const answers = [];
      for (const p of payloads) {
        const payload = { channelId, ...p } as SocketSendInput;
        answers.push(await Promise.all([send('alice', channelId, p), onB.request('message.send', payload)]));
      }
      for (const [a, b] of answers) expect(b).toEqual(a);
      expect(answers.map(([a]) => a.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      expect(await countOf(t, 'SELECT count(*)::int AS n FROM messages WHERE channel_id = $1', [channelId])).toBe(20);
      const { rows } = await t.sql('SELECT last_seq, epoch_message_count FROM channels WHERE id = $1', [channelId]);
      expect(rows[0]).toEqual({ last_seq: '20', epoch_message_count: 20 });
    } finally {
      onB.close();
      await second.app.close();
    }
  });

  it('a member removed while their send waits for the channel is refused: the batch reads membership after the lock', async () => {
    const channelId = await meeting();
    const p = await seal(secure.bob, channelId, 'sent as I am being removed');
    // Another transaction (a removal, here by hand) holds the channel while Bob's send arrives.
    const holder = new pg.Client({ connectionString: t.databaseUrl });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT id FROM channels WHERE id = $1 FOR UPDATE', [channelId]);
      const sending = send('bob', channelId, p);
      sending.catch(() => undefined); // awaited below
      await eventually(async () =>
        expect(
          await countOf(
            t,
            `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
          ),
        ).toBe(1),
      );
      await holder.query('DELETE FROM channel_members WHERE channel_id = $1 AND user_id = $2', [
        channelId,
        people.bob.id,
      ]);
      await holder.query('COMMIT');
      await refused(sending, 403, 'not_a_member');
    } finally {
      await holder.end();
    }
    expect(await countOf(t, 'SELECT count(*)::int AS n FROM messages WHERE channel_id = $1', [channelId])).toBe(0);
  });

  it('a copy stored behind the channel lock’s back fails the batch whole, which is decided again: answered with that copy', async () => {
    const channelId = await meeting();
    const p = await seal(secure.alice, channelId, 'stored twice at once?');
    // Someone able to write to the database (or a transaction that skipped the lock) stores the same send
    // after the batch has read, before it writes. The batch's INSERT meets the retry key's unique index.
    const repo = t.app.get(MessagesRepository);
    const findByKeys = repo.findByKeys.bind(repo);
    let planted = false;
    repo.findByKeys = async (m, keys) => {
      if (!planted) {
        planted = true;
        const hex = (b64: string) => `'\\x${Buffer.from(b64, 'base64url').toString('hex')}'::bytea`;
        await behindTheTriggersBack(
          t,
          `INSERT INTO messages (id, channel_id, seq, epoch, sender_user_id, sender_device_id, client_message_id, nonce,
                                 ciphertext, signature, created_at, expires_at, n, prev, sent_at)
           VALUES (gen_random_uuid(), '${channelId}', 1000, ${p.epoch}, '${people.alice.id}', '${p.senderDeviceId}',
                   '${p.clientMessageId}', ${hex(p.nonce)}, ${hex(p.ciphertext)}, ${hex(p.signature)}, now(),
                   now() + interval '30 days', ${p.n}, NULL, '${p.sentAt}')`,
        );
      }
      return findByKeys(m, keys);
    };
    try {
      const answer = await send('alice', channelId, p);
      expect(planted).toBe(true);
      expect(answer).toMatchObject({ seq: 1000, clientMessageId: p.clientMessageId });
    } finally {
      repo.findByKeys = findByKeys;
    }
    expect(await countOf(t, 'SELECT count(*)::int AS n FROM messages WHERE channel_id = $1', [channelId])).toBe(1);
    expect(await firstRow(t, 'SELECT last_seq FROM channels WHERE id = $1', [channelId])).toEqual({ last_seq: '0' });
  });

  it('a send over the socket in any other shape is refused in its acknowledgement and stores nothing; one with no acknowledgement asked for is still stored', async () => {
    const channelId = await meeting();
    const raw = sockets.alice.socket as unknown as {
      emit: (event: string, ...args: unknown[]) => void;
    };
    const answer = (...args: unknown[]) =>
      new Promise<{ ok: boolean; status?: number; error?: { code: string } }>((resolve) =>
        raw.emit('message.send', ...args, resolve),
      );
    const payload = { channelId, ...(await seal(secure.alice, channelId, 'sent right')) };
    for (const args of [[], ['not a message'], [payload, payload], [null], [[payload]]]) {
      const a = await answer(...args);
      expect(a).toMatchObject({ ok: false, status: 400, error: { code: 'validation_failed' } });
    }
    expect(await countOf(t, 'SELECT count(*)::int AS n FROM messages WHERE channel_id = $1', [channelId])).toBe(0);

    // Fire and forget: nothing to answer, the send is taken all the same.
    raw.emit('message.send', payload);
    await eventually(async () =>
      expect(await countOf(t, 'SELECT count(*)::int AS n FROM messages WHERE channel_id = $1', [channelId])).toBe(1),
    );
  });
});
