import { randomUUID } from 'node:crypto';
import type { SecureSession } from '../client/sdk/index.js';
import { generateDeviceKeys } from '../client/sdk/crypto/device-keys.js';
import { RetentionService } from '../src/retention/retention.service.js';
import { MembershipEnds } from '../src/channels/membership-ends.js';
import { seal, secureSession } from './support/secure.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { countOf, firstRow } from './support/db.js';
import { refused } from './support/refused.js';
import { World, type Person } from './support/world.js';

describe('messages: what the server accepts, refuses, orders and expires', () => {
  let t: TestApp;
  let w: World;
  let council: string;
  let police: string;
  let alice: Person;
  let bob: Person;
  let aliceS: SecureSession;
  let bobS: SecureSession;
  let channelId: string;
  let otherChannel: string;

  /** After the test clock jumps days ahead, sessions have expired: sign in again on the same clients. */
  const signInAgain = (...people: Person[]) =>
    Promise.all(people.map((p) => p.client.login({ email: p.email, password: p.password })));

  const count = (id: string) => countOf(t, 'SELECT count(*)::int AS n FROM messages WHERE channel_id = $1', [id]);

  beforeAll(async () => {
    t = await startTestApp();
    w = new World(t);
    await w.agreement();
    council = await w.agency('Council');
    police = await w.agency('Police', { sector: 'police' });
    alice = await w.person(council, 'practitioner', 'alice');
    bob = await w.person(police, 'practitioner', 'bob');
    aliceS = await secureSession(alice.client, 'alice laptop', t);
    bobS = await secureSession(bob.client, 'bob laptop', t);
    channelId = await aliceS.createChannel({ kind: 'locality_meeting', members: [{ userId: bob.id }] });
    otherChannel = await aliceS.createChannel({ kind: 'professionals_meeting', members: [{ userId: bob.id }] });
  });
  afterAll(() => t.close());

  it('gives each message the next sequence number and an expiry the server sets from the channel’s retention', async () => {
    const before = (await alice.client.channel(channelId)).lastSeq;
    const a = await aliceS.send(channelId, 'first');
    const b = await bobS.send(channelId, 'second');
    expect([a.seq, b.seq]).toEqual([before + 1, before + 2]);
    const retention = (await alice.client.channel(channelId)).retentionDays;
    expect(Date.parse(a.expiresAt) - Date.parse(a.createdAt)).toBe(retention * 86_400_000);
  });

  it('refuses a forged signature, and nothing is stored', async () => {
    const n = await count(channelId);
    const stranger = await generateDeviceKeys();
    await refused(
      alice.client.sendMessage(channelId, await seal(aliceS, channelId, 'forged', {}, stranger.ed25519.privateKey)),
      400,
      'invalid_signature',
    );
    expect(await count(channelId)).toBe(n);
  });

  it('refuses a valid message replayed into another channel or another epoch', async () => {
    const payload = await seal(aliceS, channelId, 'meant for the first channel');
    const n = await count(otherChannel);
    await refused(alice.client.sendMessage(otherChannel, payload), 400, 'invalid_signature');
    expect(await count(otherChannel)).toBe(n);
    await refused(
      alice.client.sendMessage(channelId, { ...payload, epoch: payload.epoch + 1 }),
      400,
      'invalid_signature',
    );
    await expect(alice.client.sendMessage(channelId, payload)).resolves.toMatchObject({ epoch: payload.epoch });
  });

  it('refuses a message on the old epoch once membership changed (409 epoch_stale), and the SDK rotates and retries by itself', async () => {
    const carol = await w.person(council, 'practitioner', 'carol');
    const stale = await seal(aliceS, channelId, 'sealed before carol joined');
    await alice.client.addMember(channelId, { userId: carol.id });
    const n = await count(channelId);
    const err = await refused(alice.client.sendMessage(channelId, stale), 409, 'epoch_stale');
    expect(err.details).toMatchObject({ rotationRequired: true, reason: 'member_added' });
    expect(await count(channelId)).toBe(n);
    const epochBefore = (await alice.client.channel(channelId)).currentEpoch;
    const sent = await bobS.send(channelId, 'after carol joined');
    expect(sent.epoch).toBe(epochBefore + 1);
  });

  it('refuses a non-member, an observer, a device of someone else, and a message over 64 KiB', async () => {
    const eve = await w.person(council, 'practitioner', 'eve');
    const eveS = await secureSession(eve.client, 'eve', t);
    const payload = await seal(aliceS, channelId, 'x');
    await refused(
      eve.client.sendMessage(channelId, { ...payload, senderDeviceId: eveS.deviceId }),
      403,
      'not_a_member',
    );
    await refused(eve.client.messages(channelId), 403, 'not_a_member');
    await refused(eve.client.sendMessage(randomUUID(), payload), 404, 'not_found');

    const auditor = await w.person(council, 'auditor', 'auditor');
    const auditorS = await secureSession(auditor.client, 'auditor', t);
    await alice.client.addMember(channelId, {
      userId: auditor.id,
      role: 'observer',
      endsAt: new Date(t.clock.now().getTime() + 86_400_000).toISOString(),
    });
    await aliceS.rotate(channelId);
    await refused(auditorS.send(channelId, 'an auditor tries to write'), 403, 'observer_read_only');
    expect((await auditorS.read(channelId)).messages.every((m) => !m.error)).toBe(true);
    // Past the observer's end date the channel is closed to them.
    await t.sql('UPDATE channel_members SET ends_at = $3 WHERE channel_id = $1 AND user_id = $2', [
      channelId,
      auditor.id,
      new Date(t.clock.now().getTime() - 1000),
    ]);
    await refused(auditor.client.messages(channelId), 403, 'membership_ended');
    // Then the membership ends for good (as it would have at that moment), and the channel moves to a new key.
    await t.app.get(MembershipEnds).run();
    await refused(auditor.client.messages(channelId), 403, 'membership_ended');
    await aliceS.rotate(channelId);

    await refused(
      bob.client.sendMessage(channelId, await seal(aliceS, channelId, 'not bob’s device')),
      403,
      'not_your_device',
    );

    const n = await count(channelId);
    await refused(aliceS.send(channelId, 'x'.repeat(70 * 1024)), 413, 'message_too_large');
    expect(await count(channelId)).toBe(n);
  });

  it('accepts at the default limit a message whose body is padded to the largest size, 64 KiB', async () => {
    // 0x02 ‖ {"type":"text","body":"…"} ‖ 0x80: exactly 64 KiB, the tag makes 16 bytes more.
    const text = 'x'.repeat(64 * 1024 - 27);
    const sent = await aliceS.send(channelId, text);
    const stored = await firstRow<{ n: number }>(t, 'SELECT length(ciphertext) AS n FROM messages WHERE id = $1', [
      sent.id,
    ]);
    expect(stored.n).toBe(64 * 1024 + 16);
    const read = await bobS.read(channelId, { after: sent.seq - 1 });
    expect(read.messages.map((m) => m.content?.body)).toEqual([text]);
  });

  it('refuses malformed base64, wrong sizes and malformed JSON with 400 naming the field', async () => {
    const good = await seal(aliceS, channelId, 'shape');
    const raw = (body: string) =>
      fetch(`${t.baseUrl}/api/channels/${channelId}/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${alice.client.token}`, 'content-type': 'application/json' },
        body,
      });
    const n = await count(channelId);
    for (const [field, value] of [
      ['nonce', 'not base64!'],
      ['nonce', Buffer.alloc(12).toString('base64url')],
      ['signature', 'AAAA'],
      ['ciphertext', '$$$'],
      ['clientMessageId', 'not-a-uuid'],
      ['epoch', 'one'],
    ] as const) {
      const res = await raw(JSON.stringify({ ...good, [field]: value }));
      expect(res.status).toBe(400);
      const body = (await res.json()) as { error: { code: string; details: { fields: Record<string, string[]> } } };
      expect(body.error.code).toBe('validation_failed');
      expect(Object.keys(body.error.details.fields)).toContain(field);
    }
    const broken = await raw('{"epoch": 1,');
    expect(broken.status).toBe(400);
    expect(((await broken.json()) as { error: { code: string } }).error.code).toBe('malformed_json');
    expect(await count(channelId)).toBe(n);
  });

  it('a retried send stores one message, even when the retries race', async () => {
    const payload = await seal(aliceS, channelId, 'sent once, retried five times');
    const n = await count(channelId);
    const results = await Promise.all(Array.from({ length: 5 }, () => alice.client.sendMessage(channelId, payload)));
    expect(new Set(results.map((r) => r.seq)).size).toBe(1);
    expect(await count(channelId)).toBe(n + 1);
    await refused(
      alice.client.sendMessage(channelId, {
        ...(await seal(aliceS, channelId, 'different')),
        clientMessageId: payload.clientMessageId,
      }),
      409,
      'client_message_id_reused',
    );
  });

  it('rotates on the clock: an epoch older than 7 days is refused and the SDK opens the next one', async () => {
    const epoch = (await alice.client.channel(channelId)).currentEpoch;
    const before = await seal(aliceS, channelId, 'sealed a week ago');
    t.clock.advance(7 * 86_400_000);
    await signInAgain(alice, bob);
    const err = await refused(alice.client.sendMessage(channelId, before), 409, 'epoch_stale');
    expect(err.details?.reason).toBe('epoch_age_limit');
    expect((await aliceS.send(channelId, 'a week later')).epoch).toBe(epoch + 1);
  });

  it('a sender deletes their own message: a tombstone keeps its place; nobody else can delete it', async () => {
    const m = await aliceS.send(channelId, 'to be deleted');
    await refused(bob.client.deleteMessage(channelId, m.seq), 403, 'not_your_message');
    await aliceS.deleteMessage(channelId, m.seq);
    const page = await bobS.read(channelId, { after: m.seq - 1 });
    expect(page.messages[0]).toMatchObject({ seq: m.seq, deleted: true, content: null });
    const { rows } = await t.sql('SELECT ciphertext FROM messages WHERE channel_id = $1 AND seq = $2', [
      channelId,
      m.seq,
    ]);
    expect(rows[0]).toEqual({ ciphertext: null });
  });

  it('a device offline through three rotations and 1,000 messages comes back and decrypts every one', async () => {
    const frank = await w.person(police, 'practitioner', 'frank');
    const frankS = await secureSession(frank.client, 'frank desktop', t);
    const room = await aliceS.createChannel({
      kind: 'locality_meeting',
      members: [{ userId: frank.id }, { userId: bob.id }],
    });
    const startEpoch = (await alice.client.channel(room)).currentEpoch;
    for (let i = 0; i < 1000; i++) {
      if (i === 100 || i === 400)
        await w
          .person(council, 'practitioner', `joiner${i}`)
          .then((p) => alice.client.addMember(room, { userId: p.id }));
      if (i === 700) await secureSession(bob.client, 'bob second device', t); // a new device: rotation
      await (i % 2 ? bobS : aliceS).send(room, `message ${i}`);
    }
    const endEpoch = (await alice.client.channel(room)).currentEpoch;
    expect(endEpoch - startEpoch).toBeGreaterThanOrEqual(3);
    const all = await frankS.readAll(room);
    expect(all).toHaveLength(1000);
    expect(all.filter((m) => m.error)).toEqual([]);
    expect(all.map((m) => m.content?.body)).toEqual(Array.from({ length: 1000 }, (_, i) => `message ${i}`));
  }, 180_000);

  it('expiry: past its date a message is never served or shown, then the job deletes it and the spent keys', async () => {
    const room = await aliceS.createChannel({
      kind: 'direct',
      members: [{ userId: (await w.person(council, 'practitioner', 'gina')).id }],
      retentionDays: 1,
    });
    await aliceS.send(room, 'short-lived');
    await aliceS.rotate(room);
    await aliceS.send(room, 'also short-lived');
    expect(aliceS.cached(room)).toHaveLength(0);
    await aliceS.readAll(room);
    expect(aliceS.cached(room).map((m) => m.content?.body)).toEqual(['short-lived', 'also short-lived']);

    t.clock.advance(86_400_000 + 1000);
    await signInAgain(alice, bob);
    expect(aliceS.cached(room)).toEqual([]); // the SDK's own clock purges, before any server job
    expect((await alice.client.messages(room)).messages).toEqual([]); // the server never serves it
    expect(await count(room)).toBe(2); // not yet deleted

    const report = await t.app.get(RetentionService).expireMessages();
    expect(report.messagesDeleted).toBeGreaterThanOrEqual(2);
    expect(await count(room)).toBe(0);
    const { rows } = await t.sql(
      'SELECT epoch FROM key_envelopes WHERE channel_id = $1 GROUP BY epoch ORDER BY epoch',
      [room],
    );
    const current = (await alice.client.channel(room)).currentEpoch;
    expect(rows.map((r: { epoch: number }) => r.epoch)).toEqual([current]);
    const audit = await t.sql(
      "SELECT details FROM audit_events WHERE action = 'retention.messages_expired' AND target_id = $1",
      [room],
    );
    expect(audit.rows).toEqual([{ details: { count: 2, rule: 'channel_retention' } }]);
  });

  it('a client cannot set or extend expiry: the field is refused', async () => {
    const payload = await seal(aliceS, channelId, 'keep me forever');
    const res = await fetch(`${t.baseUrl}/api/channels/${channelId}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${alice.client.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ...payload, expiresAt: '2099-01-01T00:00:00Z' }),
    });
    expect(res.status).toBe(400);
    expect(
      ((await res.json()) as { error: { details: { fields: Record<string, unknown> } } }).error.details.fields,
    ).toHaveProperty('expiresAt');
  });
});
