import { randomUUID } from 'node:crypto';
import { MemoryTrustStore, SecureSession } from '../client/sdk/index.js';
import { countOf } from './support/db.js';
import { approvedDevice, secureSession } from './support/secure.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { World, type Person } from './support/world.js';

/** How many times in a row the membership changes under the SDK: more than the six tries it used to allow. */
const CHURN = 8;

/**
 * Heavy membership churn: every time this device has sealed something, someone else changes the
 * channel's membership before it reaches the server, so the server really refuses it (409
 * `epoch_stale` for a message, `membership_changed` for a new key). Each refusal leaves room for
 * progress, so the SDK goes on until it gets through, within its retry policy's time.
 */
describe('rotation races under membership churn', () => {
  let t: TestApp;
  let w: World;
  let council: string;
  let alice: Person;
  let bob: Person;
  let racing: SecureSession;
  const sessions: SecureSession[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    w = new World(t);
    await w.agreement();
    council = await w.agency('Council');
    alice = await w.person(council, 'practitioner', 'alice');
    bob = await w.person(council, 'practitioner', 'bob');
    const aliceS = await secureSession(alice.client, 'alice laptop', t);
    // The same device with short waits between tries, so the test does not wait on back-off.
    racing = new SecureSession(alice.client, aliceS.device, new MemoryTrustStore(), () => t.clock.now(), {
      retry: { giveUpAfterMs: 60_000, firstDelayMs: 20, maxDelayMs: 100 },
    });
    sessions.push(aliceS, racing);
  });
  afterAll(async () => {
    for (const s of sessions) s.close();
    await t.close();
  });

  it(`a send refused epoch_stale ${CHURN} times in a row by membership changes goes on, and is stored once`, async () => {
    const channelId = await racing.createChannel({ kind: 'locality_meeting', members: [{ userId: bob.id }] });
    const startEpoch = (await alice.client.channel(channelId)).currentEpoch;
    const joiners: { id: string }[] = [];
    for (let i = 0; i < CHURN; i++) joiners.push(await w.account(council, 'practitioner', `joiner${i}`));
    const send = alice.client.sendMessage;
    let attempts = 0;
    const spy = jest.spyOn(alice.client, 'sendMessage').mockImplementation(async (id, payload) => {
      // Someone joins between the sealing and the send: the key it was sealed under is stale.
      if (attempts < CHURN) await alice.client.addMember(id, { userId: joiners[attempts].id });
      attempts++;
      return send(id, payload);
    });
    const clientMessageId = randomUUID();
    try {
      const stored = await racing.send(channelId, 'through the churn', { clientMessageId });
      expect(attempts).toBe(CHURN + 1);
      expect(stored.epoch).toBe(startEpoch + CHURN);
    } finally {
      spy.mockRestore();
    }
    expect(await countOf(t, 'SELECT count(*)::int AS n FROM messages WHERE channel_id = $1', [channelId])).toBe(1);
    expect(
      await countOf(t, 'SELECT count(*)::int AS n FROM messages WHERE client_message_id = $1', [clientMessageId]),
    ).toBe(1);
  });

  it(`a new key refused membership_changed ${CHURN} times in a row (members joining with devices) goes on, and is made once`, async () => {
    const channelId = await racing.createChannel({ kind: 'locality_meeting', members: [{ userId: bob.id }] });
    const startEpoch = (await alice.client.channel(channelId)).currentEpoch;
    const joiners: Person[] = [];
    for (let i = 0; i < CHURN; i++) {
      const p = await w.person(council, 'practitioner', `device-joiner${i}`);
      await approvedDevice(p.client, `joiner ${i} laptop`);
      joiners.push(p);
    }
    const openEpoch = alice.client.openEpoch;
    let attempts = 0;
    const spy = jest.spyOn(alice.client, 'openEpoch').mockImplementation(async (id, input) => {
      // Someone with a device joins after the new key was sealed to the devices there were.
      if (attempts < CHURN) await alice.client.addMember(id, { userId: joiners[attempts].id });
      attempts++;
      return openEpoch(id, input);
    });
    try {
      expect(await racing.rotate(channelId)).toBe(startEpoch + 1);
      expect(attempts).toBe(CHURN + 1);
    } finally {
      spy.mockRestore();
    }
    // The key that was made went to every member device there is now, the last joiner's included.
    const { devices } = await alice.client.channelDevices(channelId);
    const keys = await countOf(t, 'SELECT count(*)::int AS n FROM key_envelopes WHERE channel_id = $1 AND epoch = $2', [
      channelId,
      startEpoch + 1,
    ]);
    expect(keys).toBe(devices.length);
  });
});
