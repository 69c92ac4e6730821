import { rm } from 'node:fs/promises';
import { SecureSession, type DecryptedMessage } from '../client/sdk/index.js';
import { MemoryTrustStore } from '../client/sdk/store/trust-store.js';
import { cliAs, cliPerson, json, type CliAccount } from './support/cli.js';
import { refused } from './support/refused.js';
import { seal, secureSession } from './support/secure.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { World, type Person } from './support/world.js';

/**
 * Signed order (issue 11): each message carries its sender device's counter, the chain link of that
 * device's previous message and the sender's clock, all signed. Someone who can write to the database
 * moves, removes or re-dates message rows; the SDK flags each and `read` says so and exits 5. Honest
 * traffic (retries, concurrent sends, a fresh process, deleted messages) is never flagged.
 */
describe('messages: signed order against a database writer', () => {
  let t: TestApp;
  let w: World;
  let alice: Person;
  let bob: Person;
  let aliceS: SecureSession;
  let bobS: SecureSession;
  let cliAlice: CliAccount;
  let cliBob: CliAccount;
  const homes: string[] = [];
  const opened: SecureSession[] = [];

  /** A reader in a fresh process: nothing remembered of earlier pages. */
  const freshReader = (p: Person, s: SecureSession) => {
    const r = new SecureSession(p.client, s.device, new MemoryTrustStore(), () => t.clock.now());
    opened.push(r);
    return r;
  };
  const bodies = (ms: DecryptedMessage[]) => ms.map((m) => m.content?.body ?? null);
  const flags = (ms: DecryptedMessage[]) => ms.filter((m) => m.order !== 'ok').map((m) => [m.content?.body, m.order]);

  /** A channel where alice sent `texts` in order, one at a time. */
  async function sdkChannel(...texts: string[]): Promise<string> {
    const id = await aliceS.createChannel({ kind: 'locality_meeting', members: [{ userId: bob.id }] });
    for (const text of texts) await aliceS.send(id, text);
    return id;
  }

  /** The same through the CLI: each `send` is a fresh process that continues alice's chain. */
  async function cliChannel(...texts: string[]): Promise<string> {
    const created = await cliAs(t, cliAlice, [
      '--json',
      'channels',
      'create',
      '--kind',
      'locality_meeting',
      '--member',
      cliBob.email,
    ]);
    expect(created.code).toBe(0);
    const { id } = json<{ id: string }>(created);
    for (const text of texts) expect((await cliAs(t, cliAlice, ['send', id, text])).code).toBe(0);
    return id;
  }

  /** The database writer's three moves. */
  const swapSeq = async (channelId: string, a: number, b: number) => {
    await t.sql('UPDATE messages SET seq = -seq WHERE channel_id = $1 AND seq IN ($2, $3)', [channelId, a, b]);
    await t.sql(
      'UPDATE messages SET seq = CASE WHEN seq = -$2::bigint THEN $3 ELSE $2 END WHERE channel_id = $1 AND seq < 0',
      [channelId, a, b],
    );
  };
  const backdate = (channelId: string, seq: number) =>
    t.sql(`UPDATE messages SET created_at = created_at - interval '3 hours' WHERE channel_id = $1 AND seq = $2`, [
      channelId,
      seq,
    ]);
  const deleteRow = (channelId: string, seq: number) =>
    t.sql('DELETE FROM messages WHERE channel_id = $1 AND seq = $2', [channelId, seq]);

  beforeAll(async () => {
    t = await startTestApp();
    w = new World(t);
    await w.agreement();
    const council = await w.agency('Council');
    const police = await w.agency('Police', { sector: 'police' });
    alice = await w.person(council, 'practitioner', 'alice');
    bob = await w.person(police, 'practitioner', 'bob');
    aliceS = await secureSession(alice.client, 'alice laptop', t);
    bobS = await secureSession(bob.client, 'bob laptop', t);
    cliAlice = await cliPerson(t, w, council, 'calice', homes);
    cliBob = await cliPerson(t, w, police, 'cbob', homes);
  });
  afterAll(async () => {
    for (const s of [aliceS, bobS, ...opened]) s.close();
    await t.close();
    for (const h of homes) await rm(h, { recursive: true, force: true });
  });

  it('honest traffic is never flagged: retries, concurrent sends, a fresh process, deleted messages', async () => {
    const id = await sdkChannel('one', 'two');
    // A retry of the same send (same client message id) is stored once and keeps its place in the chain.
    const payload = await seal(aliceS, id, 'three');
    const first = await alice.client.sendMessage(id, payload);
    const again = await alice.client.sendMessage(id, payload);
    expect(again.seq).toBe(first.seq);
    expect(first.n).toBe(3);
    // The SDK session learns of the hand-made send from the server; sends at once take turns.
    const aliceFresh = freshReader(alice, aliceS);
    const concurrent = await Promise.all(['four', 'five', 'six', 'seven'].map((b) => aliceFresh.send(id, b)));
    expect(concurrent.map((m) => m.n).sort()).toEqual([4, 5, 6, 7]);
    await bobS.send(id, 'from bob');
    // alice deletes one; her next message still follows on.
    await aliceS.deleteMessage(id, concurrent[1].seq);
    await freshReader(alice, aliceS).send(id, 'after the deleted one');

    const all = await freshReader(bob, bobS).readAll(id);
    expect(all).toHaveLength(9);
    expect(all.every((m) => m.order === 'ok' && m.warning === undefined)).toBe(true);
    expect(all.filter((m) => m.deleted)).toHaveLength(1);

    // Page by page, and live, the same.
    const page1 = await bobS.read(id, { limit: 4 });
    const page2 = await bobS.read(id, { after: page1.nextAfter });
    expect([...page1.messages, ...page2.messages].every((m) => m.order === 'ok')).toBe(true);
    const live: DecryptedMessage[] = [];
    const stop = await bobS.subscribe(id, (m) => live.push(m));
    await aliceS.send(id, 'live');
    for (let i = 0; i < 100 && !live.length; i++) await new Promise((r) => setTimeout(r, 20));
    stop();
    expect(live.map((m) => [m.content?.body, m.order])).toEqual([['live', 'ok']]);

    const cliId = await cliChannel('a', 'b', 'c');
    const read = await cliAs(t, cliBob, ['read', cliId]);
    expect(read.code).toBe(0);
    expect(read.out + read.err).not.toMatch(/warning/i);
  });

  it('a message moved before an earlier one is flagged as out of order by the SDK and the CLI', async () => {
    const id = await sdkChannel('first', 'second', 'third');
    await swapSeq(id, 1, 2);
    const all = await freshReader(bob, bobS).readAll(id);
    expect(bodies(all)).toEqual(['second', 'first', 'third']);
    expect(flags(all)).toEqual([['first', 'reordered']]);
    expect(all[1].warning).toContain('out of order');

    const cliId = await cliChannel('first', 'second', 'third');
    await swapSeq(cliId, 1, 2);
    const read = await cliAs(t, cliBob, ['read', cliId]);
    expect(read.code).toBe(6);
    expect(read.out).toMatch(/#2 .*: first\n\s+WARNING: This message is out of order/);
    expect(read.out).not.toMatch(/(second|third)\n\s+WARNING/);
    expect(read.err).toContain('1 message was moved, removed around or re-dated');
    const asJson = json<{ messages: { order: string }[] }>(await cliAs(t, cliBob, ['--json', 'read', cliId]));
    expect(asJson.messages.map((m) => m.order)).toEqual(['ok', 'reordered', 'ok']);
  });

  it('a message whose recorded time was moved by hours is flagged as re-dated by the SDK and the CLI', async () => {
    const id = await sdkChannel('first', 'second', 'third');
    await backdate(id, 2);
    const all = await freshReader(bob, bobS).readAll(id);
    expect(flags(all)).toEqual([['second', 'backdated']]);
    expect(all[1].warning).toContain('The time of this message was changed');

    const cliId = await cliChannel('first', 'second', 'third');
    await backdate(cliId, 2);
    const read = await cliAs(t, cliBob, ['read', cliId]);
    expect(read.code).toBe(6);
    expect(read.out).toMatch(/: second\n\s+WARNING: The time of this message was changed/);
  });

  it('a message row deleted from the database is flagged as missing on the next one, by the SDK and the CLI', async () => {
    const id = await sdkChannel('first', 'second', 'third');
    await deleteRow(id, 2);
    const all = await freshReader(bob, bobS).readAll(id);
    expect(bodies(all)).toEqual(['first', 'third']);
    expect(flags(all)).toEqual([['third', 'missing']]);
    expect(all[1].warning).toContain('1 earlier message from this sender');

    const cliId = await cliChannel('first', 'second', 'third');
    await deleteRow(cliId, 2);
    const read = await cliAs(t, cliBob, ['read', cliId]);
    expect(read.code).toBe(6);
    expect(read.out).toMatch(/: third\n\s+WARNING: 1 earlier message from this sender's device is missing/);
  });

  it('a reply names the message it answered: removing that message, even its sender’s last, or moving the reply above it is flagged', async () => {
    // alice asks; bob, in a fresh process that has read nothing, answers (the server tells his device the
    // latest message from another device, which his answer names as seen).
    const id = await sdkChannel('Can you do the home visit on Monday?');
    const bobFresh = freshReader(bob, bobS);
    const answer = await bobFresh.send(id, 'Yes, Monday at 10');
    expect(answer.seen).toMatchObject({ seq: 1 });
    await aliceS.send(id, 'Thanks');
    const honest = await freshReader(alice, aliceS).readAll(id);
    expect(flags(honest)).toEqual([]);

    // With a message before it shown, removing the answered one is caught even though it was its sender's last.
    const lastOfAlice = await sdkChannel('Strategy meeting at 2pm');
    await bobS.send(lastOfAlice, 'Noted');
    await aliceS.send(lastOfAlice, 'Police will not attend');
    await bobS.read(lastOfAlice);
    await bobS.send(lastOfAlice, 'Then I will escalate to the MASH');
    await deleteRow(lastOfAlice, 3);
    const removed = await freshReader(bob, bobS).readAll(lastOfAlice);
    expect(bodies(removed)).toEqual(['Strategy meeting at 2pm', 'Noted', 'Then I will escalate to the MASH']);
    expect(flags(removed)).toEqual([['Then I will escalate to the MASH', 'missing']]);
    // The same through the CLI, where each send is a fresh process.
    const cliId = await cliChannel('Strategy meeting at 2pm');
    expect((await cliAs(t, cliBob, ['send', cliId, 'Noted'])).code).toBe(0);
    expect((await cliAs(t, cliAlice, ['send', cliId, 'Police will not attend'])).code).toBe(0);
    expect((await cliAs(t, cliBob, ['send', cliId, 'Then I will escalate to the MASH'])).code).toBe(0);
    await deleteRow(cliId, 3);
    const cliRead = await cliAs(t, cliBob, ['read', cliId]);
    expect(cliRead.code).toBe(6);
    expect(cliRead.out).toMatch(
      /Then I will escalate to the MASH\n\s+WARNING: Its sender had seen a message that is not shown/,
    );

    // The reply moved above the message it answers (two devices, within the clock tolerance).
    const moved = await sdkChannel('Any news from school?');
    await bobS.read(moved);
    await bobS.send(moved, 'Attendance is up');
    await swapSeq(moved, 1, 2);
    const swapped = await freshReader(alice, aliceS).readAll(moved);
    expect(bodies(swapped)).toEqual(['Attendance is up', 'Any news from school?']);
    expect(flags(swapped)).toEqual([['Attendance is up', 'reordered']]);
    expect(swapped[0].warning).toContain('it answers a message shown after it');
  });

  it('the server keeps what a sender had seen as signed: changing it breaks the signature, bad shapes are refused', async () => {
    const id = await sdkChannel('first');
    const payload = await seal(bobS, id, 'reply', {
      seen: { seq: 1, link: Buffer.alloc(32, 7).toString('base64url') },
    });
    await refused(
      bob.client.sendMessage(id, { ...payload, seen: { ...payload.seen!, seq: 2 } }),
      400,
      'invalid_signature',
    );
    await refused(bob.client.sendMessage(id, { ...payload, seen: null }), 400, 'invalid_signature');
    for (const seen of [{ seq: 0, link: payload.seen!.link }, { seq: 1, link: 'short' }, { seq: 1 }, 'latest']) {
      await refused(bob.client.sendMessage(id, { ...payload, seen: seen as never }), 400, 'validation_failed');
    }
    const stored = await bob.client.sendMessage(id, payload);
    expect(stored.seen).toEqual(payload.seen);
    // Readers see the reference that was signed, and flag it: no message with that link is at seq 1.
    const all = await freshReader(alice, aliceS).readAll(id);
    expect(all[1].order).not.toBe('ok');
    expect(all[1].warning).toContain('The message its sender was answering is not the one shown');
  });

  it('a gap left by expiry is not flagged: the message before it has expired too', async () => {
    const id = await sdkChannel('first');
    const soon = () => new Date(t.clock.now().getTime() + 3_600_000);
    // A short retention, as if the channel kept messages for an hour.
    await t.sql('UPDATE messages SET expires_at = $2 WHERE channel_id = $1', [id, soon()]);
    const reader = freshReader(bob, bobS);
    const page = await reader.read(id);
    expect(flags(page.messages)).toEqual([]);
    await aliceS.send(id, 'second');
    await t.sql('UPDATE messages SET expires_at = $2 WHERE channel_id = $1 AND seq = 2', [id, soon()]);
    await aliceS.send(id, 'third');
    // Two hours on, 'first' and 'second' have expired; the same reader reads on and sees only 'third'.
    t.clock.advance(2 * 3_600_000);
    await Promise.all([alice, bob].map((p) => p.client.login({ email: p.email, password: p.password })));
    const later = await reader.read(id, { after: page.nextAfter });
    expect(bodies(later.messages)).toEqual(['third']);
    expect(flags(later.messages)).toEqual([]);
    // While the message before a gap is still live, the gap is not expiry: the same removal is flagged.
    const id2 = await sdkChannel('first');
    const reader2 = freshReader(bob, bobS);
    const page2 = await reader2.read(id2);
    await aliceS.send(id2, 'second');
    await aliceS.send(id2, 'third');
    await t.sql('DELETE FROM messages WHERE channel_id = $1 AND seq = 2', [id2]);
    expect(flags((await reader2.read(id2, { after: page2.nextAfter })).messages)).toEqual([['third', 'missing']]);
  });

  it('the server refuses a counter that repeats or skips one, and tells a device only its own last header', async () => {
    const id = await sdkChannel('first', 'second');
    await refused(
      alice.client.sendMessage(id, await seal(aliceS, id, 'again two', { n: 2 })),
      409,
      'message_out_of_order',
    );
    await refused(alice.client.sendMessage(id, await seal(aliceS, id, 'skips', { n: 4 })), 409, 'message_out_of_order');
    const head = await alice.client.messageChainHead(id, aliceS.deviceId);
    expect(head.last).toMatchObject({ seq: 2, n: 2 });
    await refused(bob.client.messageChainHead(id, aliceS.deviceId), 403, 'not_your_device');
    expect((await bob.client.messageChainHead(id, bobS.deviceId)).last).toBeNull();
  });
});
