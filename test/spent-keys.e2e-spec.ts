import type { SecureSession } from '../client/sdk/index.js';
import { RetentionService } from '../src/retention/retention.service.js';
import { countOf } from './support/db.js';
import { eventually } from './support/eventually.js';
import { secureSession } from './support/secure.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { World, type Person } from './support/world.js';

const MINUTE = 60_000;

/**
 * Keys of fully expired periods leave the clients too (issue 16): when every message under an older key
 * has expired and no record needs it, the expiry job destroys the server's copies and tells the channel
 * (`keys.spent`); each member's client wipes the key it holds. A client keeps a key it still has a use for
 * by its own account (an unexpired message it holds under it), and says so, whatever the server claims.
 */
describe('keys of fully expired periods are dropped by the clients', () => {
  let t: TestApp;
  let admin: Person;
  let alice: Person;
  let bob: Person;
  let aliceS: SecureSession;
  let bobS: SecureSession;

  beforeAll(async () => {
    t = await startTestApp();
    const w = new World(t);
    await w.agreement();
    const council = await w.agency('Council');
    admin = await w.person(council, 'isa_admin');
    alice = await w.person(council, 'practitioner', 'alice');
    bob = await w.person(council, 'practitioner', 'bob');
    aliceS = await secureSession(alice.client, 'alice laptop', t);
    bobS = await secureSession(bob.client, 'bob laptop', t);
  });
  afterAll(async () => {
    aliceS.close();
    bobS.close();
    await t.close();
  });

  /** Brings a message's expiry forward to `at` (the server would set it from a shorter retention). */
  const expiresAt = (channelId: string, epoch: number, at: Date) =>
    t.sql('UPDATE messages SET expires_at = $3 WHERE channel_id = $1 AND epoch = $2', [channelId, epoch, at]);
  const copies = (channelId: string, epoch: number) =>
    countOf(t, 'SELECT count(*)::int AS n FROM key_envelopes WHERE channel_id = $1 AND epoch = $2', [channelId, epoch]);

  /** A chat with one message under its first key and one under its second, both read by Bob. */
  async function chatOverTwoKeys(): Promise<string> {
    const channelId = await aliceS.createChannel({ kind: 'professionals_meeting', members: [{ userId: bob.id }] });
    await aliceS.send(channelId, 'under the first key');
    await aliceS.rotate(channelId);
    await aliceS.send(channelId, 'under the second key');
    expect((await alice.client.channel(channelId)).currentEpoch).toBe(2);
    return channelId;
  }

  it('a key whose messages have all expired is destroyed on the server and wiped from the members’ devices', async () => {
    await Promise.all([aliceS.connect(), bobS.connect()]);
    const channelId = await chatOverTwoKeys();
    // The first message is due to expire in a minute; Bob reads both (his device then holds both keys).
    await expiresAt(channelId, 1, new Date(t.clock.now().getTime() + MINUTE));
    expect((await bobS.readAll(channelId)).map((m) => m.content?.body)).toEqual([
      'under the first key',
      'under the second key',
    ]);
    expect(bobS.keysHeld(channelId)).toEqual([1, 2]);
    expect(aliceS.keysHeld(channelId)).toEqual([1, 2]);

    t.clock.advance(2 * MINUTE);
    const report = await t.app.get(RetentionService).expireMessages();
    expect(report.messagesDeleted).toBeGreaterThanOrEqual(1);
    expect(await copies(channelId, 1)).toBe(0);
    expect(await copies(channelId, 2)).toBeGreaterThan(0);

    await eventually(() => expect(bobS.keysHeld(channelId)).toEqual([2]));
    await eventually(() => expect(aliceS.keysHeld(channelId)).toEqual([2]));
    // What is left still reads and sends.
    expect((await bobS.readAll(channelId)).map((m) => m.content?.body)).toEqual(['under the second key']);
    await bobS.send(channelId, 'still here');
    expect((await aliceS.readAll(channelId)).map((m) => m.content?.body)).toEqual([
      'under the second key',
      'still here',
    ]);
  });

  it('a device that still holds an unexpired message under the key keeps it and says so', async () => {
    await Promise.all([aliceS.connect(), bobS.connect()]);
    const channelId = await chatOverTwoKeys();
    // Bob's device holds both messages, due in a year. Someone who can write to the server's database
    // removes the first without any expiry; the next run finds its key spent and says so to the members.
    expect((await bobS.readAll(channelId)).length).toBe(2);
    await t.sql('DELETE FROM messages WHERE channel_id = $1 AND epoch = 1', [channelId]);
    const warnings: string[] = [];
    const stop = bobS.onWarning((w) => warnings.push(w));
    try {
      await t.app.get(RetentionService).expireMessages();
      expect(await copies(channelId, 1)).toBe(0);
      await eventually(() => expect(warnings.join('\n')).toMatch(/no longer needed, but this device still uses it/));
      expect(bobS.keysHeld(channelId)).toEqual([1, 2]);
      expect(bobS.cached(channelId).map((m) => m.content?.body)).toEqual([
        'under the first key',
        'under the second key',
      ]);
      expect(warnings.join('\n')).not.toMatch(/epoch|envelope/i);
      // Alice's device never kept the first message: her key goes.
      await eventually(() => expect(aliceS.keysHeld(channelId)).toEqual([2]));
    } finally {
      stop();
    }
  });

  it('a key that a held message needs is neither destroyed nor dropped', async () => {
    await Promise.all([aliceS.connect(), bobS.connect()]);
    const channelId = await chatOverTwoKeys();
    await expiresAt(channelId, 1, new Date(t.clock.now().getTime() + MINUTE));
    expect((await bobS.readAll(channelId)).length).toBe(2);
    await admin.client.placeHold({ scope: 'channel', channelId, reason: 'Court proceedings' });
    t.clock.advance(2 * MINUTE);
    await t.app.get(RetentionService).expireMessages();
    expect(await copies(channelId, 1)).toBeGreaterThan(0);
    // Another channel's first key is spent meanwhile, so the events did flow; the held channel's stays.
    const other = await chatOverTwoKeys();
    await expiresAt(other, 1, new Date(t.clock.now().getTime() + MINUTE));
    t.clock.advance(2 * MINUTE);
    await t.app.get(RetentionService).expireMessages();
    await eventually(() => expect(aliceS.keysHeld(other)).toEqual([2]));
    expect(bobS.keysHeld(channelId)).toEqual([1, 2]);
  });
});
