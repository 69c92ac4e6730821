import { randomUUID } from 'node:crypto';
import {
  RealtimeConnection,
  StrongroomClient,
  type ChannelSummary,
  type RealtimeEventMap,
  type SecureSession,
} from '../client/sdk/index.js';
import { UNREAD_COUNT_MAX } from '../contracts/channels.js';
import { eventually } from './support/eventually.js';
import { fieldsOf, refused } from './support/refused.js';
import { secureSession } from './support/secure.js';
import { startInstance, startTestApp, type TestApp } from './support/test-app.js';
import { World, type Person } from './support/world.js';

/**
 * Read positions and unread counts (what a channel list shows), and the other person of a direct
 * channel: over real HTTP and socket.io, with the real SDK sending real sealed messages.
 */
describe('read positions, unread counts and direct channels’ names', () => {
  let t: TestApp;
  let second: Awaited<ReturnType<typeof startInstance>>;
  let w: World;
  let council: string;
  let police: string;
  let alice: Person;
  let bob: Person;
  let carol: Person;
  let aliceS: SecureSession;
  let bobS: SecureSession;
  const sockets: RealtimeConnection[] = [];
  const sessions: SecureSession[] = [];

  /** One channel from `person`'s list. */
  const summaryOf = async (person: Person, channelId: string): Promise<ChannelSummary> => {
    const found = (await person.client.channels()).find((c) => c.id === channelId);
    if (!found) throw new Error(`channel ${channelId} is not in the list`);
    return found;
  };
  const readState = async (person: Person, channelId: string) => {
    const { lastSeq, readSeq, unreadCount } = await summaryOf(person, channelId);
    return { lastSeq, readSeq, unreadCount };
  };

  /** A socket of `client`'s session on `baseUrl`, recording every `channel.read` it hears. */
  async function listener(client: StrongroomClient, baseUrl = t.baseUrl) {
    const rt = new RealtimeConnection(baseUrl, client.token!);
    sockets.push(rt);
    const heard: RealtimeEventMap['channel.read'][] = [];
    rt.on('channel.read', (e) => heard.push(e));
    await rt.connect();
    return heard;
  }

  /** A channel of alice's with bob, and `n` messages from alice in it. */
  async function channelWithBob(n: number): Promise<string> {
    const channelId = await aliceS.createChannel({ kind: 'locality_meeting', members: [{ userId: bob.id }] });
    for (let i = 0; i < n; i++) await aliceS.send(channelId, `from alice ${i}`);
    return channelId;
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
    carol = await w.person(police, 'practitioner', 'carol');
    aliceS = await secureSession(alice.client, 'alice laptop', t);
    bobS = await secureSession(bob.client, 'bob laptop', t);
    sessions.push(aliceS, bobS, await secureSession(carol.client, 'carol laptop', t));
  });
  afterAll(async () => {
    for (const rt of sockets) rt.close();
    for (const s of sessions) s.close();
    await second.app.close();
    await t.close();
  });

  it('counts other people’s messages as unread, never one’s own, in the list and the channel view alike', async () => {
    const channelId = await channelWithBob(2);
    await bobS.send(channelId, 'from bob');
    expect(await readState(bob, channelId)).toEqual({ lastSeq: 3, readSeq: 0, unreadCount: 2 });
    expect(await readState(alice, channelId)).toEqual({ lastSeq: 3, readSeq: 0, unreadCount: 1 });
    const view = await bob.client.channel(channelId);
    expect({ lastSeq: view.lastSeq, readSeq: view.readSeq, unreadCount: view.unreadCount }).toEqual({
      lastSeq: 3,
      readSeq: 0,
      unreadCount: 2,
    });

    await aliceS.send(channelId, 'one more from alice');
    expect(await readState(bob, channelId)).toEqual({ lastSeq: 4, readSeq: 0, unreadCount: 3 });
    expect(await readState(alice, channelId)).toEqual({ lastSeq: 4, readSeq: 0, unreadCount: 1 });
  });

  it('marking read moves the position forward only; an earlier number leaves it where it is', async () => {
    const channelId = await channelWithBob(3);
    expect(await bob.client.markRead(channelId, 2)).toEqual({ channelId, readSeq: 2, unreadCount: 1 });
    expect(await readState(bob, channelId)).toEqual({ lastSeq: 3, readSeq: 2, unreadCount: 1 });

    expect(await bob.client.markRead(channelId, 1)).toEqual({ channelId, readSeq: 2, unreadCount: 1 });
    expect(await bob.client.markRead(channelId, 0)).toEqual({ channelId, readSeq: 2, unreadCount: 1 });
    expect(await readState(bob, channelId)).toEqual({ lastSeq: 3, readSeq: 2, unreadCount: 1 });

    expect(await bob.client.markRead(channelId, 3)).toEqual({ channelId, readSeq: 3, unreadCount: 0 });
    await aliceS.send(channelId, 'after bob caught up');
    expect(await readState(bob, channelId)).toEqual({ lastSeq: 4, readSeq: 3, unreadCount: 1 });
    // Alice's own position is hers alone: bob reading moved nothing for her.
    expect(await readState(alice, channelId)).toEqual({ lastSeq: 4, readSeq: 0, unreadCount: 0 });
  });

  it('a deleted message, or one whose time is up (before the expiry job removes it), is not unread', async () => {
    const channelId = await channelWithBob(3);
    expect((await readState(bob, channelId)).unreadCount).toBe(3);
    await alice.client.deleteMessage(channelId, 2);
    expect((await readState(bob, channelId)).unreadCount).toBe(2);
    // Retention ends for message 3 by the server's clock; the expiry job has not run.
    await t.sql('UPDATE messages SET expires_at = $2 WHERE channel_id = $1 AND seq = 3', [
      channelId,
      new Date(t.clock.now().getTime() - 1000),
    ]);
    expect(await readState(bob, channelId)).toEqual({ lastSeq: 3, readSeq: 0, unreadCount: 1 });
    expect((await bob.client.channel(channelId)).unreadCount).toBe(1);
  });

  it('a newcomer’s count starts where their need-to-know window does: older chat is never unread', async () => {
    const channelId = await channelWithBob(3);
    await alice.client.addMember(channelId, { userId: carol.id });
    expect(await readState(carol, channelId)).toEqual({ lastSeq: 3, readSeq: 3, unreadCount: 0 });
    await aliceS.rotate(channelId);
    await aliceS.send(channelId, 'welcome, carol');
    expect(await readState(carol, channelId)).toEqual({ lastSeq: 4, readSeq: 3, unreadCount: 1 });
    // A number inside the history she cannot read is at or before her position: nothing moves.
    expect(await carol.client.markRead(channelId, 1)).toEqual({ channelId, readSeq: 3, unreadCount: 1 });

    // Alice shares the older chat with her: she may now read it, but it is history, not news.
    await aliceS.shareHistory(channelId, carol.id);
    expect((await carol.client.messages(channelId)).visibleFromSeq).toBe(0);
    expect(await readState(carol, channelId)).toEqual({ lastSeq: 4, readSeq: 3, unreadCount: 1 });
  });

  it('a membership with no read position (written by an instance of the previous release) counts from its window', async () => {
    const channelId = await channelWithBob(3);
    await alice.client.addMember(channelId, { userId: carol.id });
    // During a rolling upgrade an older instance adds members without a read position (the column's default).
    await t.sql('UPDATE channel_members SET read_seq = 0 WHERE channel_id = $1 AND user_id = $2', [
      channelId,
      carol.id,
    ]);
    expect(await readState(carol, channelId)).toEqual({ lastSeq: 3, readSeq: 3, unreadCount: 0 });
    expect(await carol.client.markRead(channelId, 2)).toEqual({ channelId, readSeq: 3, unreadCount: 0 });
  });

  it('stops counting at UNREAD_COUNT_MAX, however much is unread', async () => {
    const channelId = await channelWithBob(1);
    // Many more of alice's messages, copied behind the server's back (sealing each would only be slower).
    const extra = UNREAD_COUNT_MAX + 20;
    await t.sql(
      `INSERT INTO messages (channel_id, seq, epoch, sender_user_id, sender_device_id, client_message_id, nonce,
                             ciphertext, signature, created_at, expires_at)
       SELECT channel_id, seq + g, epoch, sender_user_id, sender_device_id, gen_random_uuid(), nonce, ciphertext,
              signature, created_at, expires_at
         FROM messages, generate_series(1, $2::int) g WHERE channel_id = $1 AND seq = 1`,
      [channelId, extra],
    );
    await t.sql('UPDATE channels SET last_seq = last_seq + $2 WHERE id = $1', [channelId, extra]);
    expect(await readState(bob, channelId)).toEqual({ lastSeq: extra + 1, readSeq: 0, unreadCount: UNREAD_COUNT_MAX });
    expect(await bob.client.markRead(channelId, extra - 4)).toEqual({ channelId, readSeq: extra - 4, unreadCount: 5 });
  });

  it('refuses a number after the channel’s latest message, in plain words naming `seq`, and changes nothing', async () => {
    const channelId = await channelWithBob(2);
    await bob.client.markRead(channelId, 1);
    const err = await refused(bob.client.markRead(channelId, 3), 400, 'validation_failed');
    expect(err.message).toBe('There is no message 3 in this channel yet: the latest is number 2.');
    expect(fieldsOf(err)).toEqual({ seq: [expect.stringContaining('latest message (2)')] });
    expect(err.details).toMatchObject({ lastSeq: 2 });
    await refused(bob.client.markRead(channelId, Number.MAX_SAFE_INTEGER), 400, 'validation_failed');
    expect(await readState(bob, channelId)).toEqual({ lastSeq: 2, readSeq: 1, unreadCount: 1 });
  });

  it('refuses malformed input with 400 naming the field, and changes nothing', async () => {
    const channelId = await channelWithBob(2);
    const post = (path: string, body: string) =>
      fetch(`${t.baseUrl}/api/channels/${path}/read`, {
        method: 'POST',
        headers: { authorization: `Bearer ${bob.client.token}`, 'content-type': 'application/json' },
        body,
      });
    const cases: [path: string, body: string, field: string][] = [
      [channelId, '{"seq":-1}', 'seq'],
      [channelId, '{"seq":1.5}', 'seq'],
      [channelId, '{"seq":"2"}', 'seq'],
      [channelId, '{"seq":null}', 'seq'],
      [channelId, `{"seq":${'9'.repeat(30)}}`, 'seq'],
      [channelId, '{}', 'seq'],
      [channelId, '{"seq":1,"readAll":true}', 'readAll'],
      ['not-a-channel', '{"seq":1}', 'id'],
    ];
    for (const [path, body, field] of cases) {
      const res = await post(path, body);
      const error = ((await res.json()) as { error: { code: string; details?: { fields?: object } } }).error;
      expect({ body, status: res.status, code: error.code }).toEqual({ body, status: 400, code: 'validation_failed' });
      expect(Object.keys(error.details?.fields ?? {})).toContain(field);
    }
    expect(await readState(bob, channelId)).toEqual({ lastSeq: 2, readSeq: 0, unreadCount: 2 });
  });

  it('only a member may mark a channel read: 403 for others and former members, 404 for no such channel', async () => {
    const channelId = await channelWithBob(2);
    await refused(carol.client.markRead(channelId, 1), 403, 'not_a_member');
    await refused(carol.client.markRead(randomUUID(), 1), 404, 'not_found');
    await alice.client.addMember(channelId, { userId: carol.id });
    await alice.client.removeMember(channelId, carol.id);
    await refused(carol.client.markRead(channelId, 2), 403, 'not_a_member');
    const { rows } = await t.sql('SELECT user_id, read_seq FROM channel_members WHERE channel_id = $1 ORDER BY 1', [
      channelId,
    ]);
    expect(rows.map((r: { read_seq: string }) => Number(r.read_seq))).toEqual([0, 0]);
  });

  it('an observer whose time-limited access has ended cannot move their position', async () => {
    const channelId = await channelWithBob(2);
    await alice.client.addMember(channelId, {
      userId: carol.id,
      role: 'observer',
      endsAt: new Date(t.clock.now().getTime() + 60_000).toISOString(),
    });
    await aliceS.rotate(channelId);
    await aliceS.send(channelId, 'while carol observes');
    expect(await carol.client.markRead(channelId, 3)).toEqual({ channelId, readSeq: 3, unreadCount: 0 });
    t.clock.advance(61_000);
    await refused(carol.client.markRead(channelId, 3), 403, 'membership_ended');
  });

  it('a move reaches every socket of the same person, on every instance, and nobody else’s', async () => {
    const channelId = await channelWithBob(3);
    // Bob in two places: this session on instance A, and a second sign-in (another device) on instance B.
    const bobElsewhere = new StrongroomClient(second.baseUrl);
    await bobElsewhere.login({ email: bob.email, password: bob.password });
    const bobHereHeard = await listener(bob.client);
    const bobThereHeard = await listener(bobElsewhere, second.baseUrl);
    const aliceHeard = await listener(alice.client);

    await bob.client.markRead(channelId, 2);
    const moved = { channelId, readSeq: 2, unreadCount: 1 };
    await eventually(() => expect(bobHereHeard).toEqual([moved]));
    await eventually(() => expect(bobThereHeard).toEqual([moved]));

    // No move, no event: the next thing bob's sockets hear is the next real move.
    await bobElsewhere.markRead(channelId, 1);
    await bobElsewhere.markRead(channelId, 2);
    await bobElsewhere.markRead(channelId, 3);
    const done = { channelId, readSeq: 3, unreadCount: 0 };
    await eventually(() => expect(bobHereHeard).toEqual([moved, done]));
    await eventually(() => expect(bobThereHeard).toEqual([moved, done]));

    // Alice is in the channel too, but hears only her own moves (hers would come after bob's, had she heard his).
    await alice.client.markRead(channelId, 1);
    await eventually(() => expect(aliceHeard).toEqual([{ channelId, readSeq: 1, unreadCount: 0 }]));
  });

  it('names the other person of a direct channel and their agency, for both of them, even after they leave', async () => {
    const dan = await w.person(police, 'practitioner', 'dan');
    sessions.push(await secureSession(dan.client, 'dan laptop', t));
    const channelId = await aliceS.createChannel({ kind: 'direct', members: [{ userId: dan.id }] });
    expect((await summaryOf(alice, channelId)).directWith).toEqual({
      userId: dan.id,
      displayName: 'dan person',
      agencyId: police,
      agencyName: 'Police',
    });
    expect((await summaryOf(dan, channelId)).directWith).toEqual({
      userId: alice.id,
      displayName: 'alice person',
      agencyId: council,
      agencyName: 'Council',
    });
    const group = await channelWithBob(0);
    expect((await summaryOf(alice, group)).directWith).toBeNull();

    // Dan leaves the service: his account is disabled and he leaves every channel. Alice still sees
    // whom the conversation was with, and that she is alone in it.
    const admin = await w.person(council, 'isa_admin', 'admin');
    await admin.client.disableUser(dan.id, 'Left the service');
    const after = await summaryOf(alice, channelId);
    expect(after.directWith).toEqual({
      userId: dan.id,
      displayName: 'dan person',
      agencyId: police,
      agencyName: 'Police',
    });
    expect(after.memberCount).toBe(1);
  });
});
