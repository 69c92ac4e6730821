import { randomUUID } from 'node:crypto';
import type { SecureSession } from '../client/sdk/index.js';
import { dumpDatabase, markerForms, secureSession } from './support/secure.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { refused } from './support/refused.js';
import { World, type Person } from './support/world.js';

describe('end-to-end encrypted channels', () => {
  let t: TestApp;
  let w: World;
  let council: string;
  let police: string;
  let school: string;
  let unsigned: string;
  let alice: Person;
  let bob: Person;
  let aliceS: SecureSession;
  let bobS: SecureSession;

  beforeAll(async () => {
    t = await startTestApp();
    w = new World(t);
    await w.agreement();
    council = await w.agency('Council');
    police = await w.agency('Police', { sector: 'police' });
    school = await w.agency('School', { sector: 'education' });
    unsigned = await w.agency('Housing', { sector: 'housing', signed: false });
    alice = await w.person(council, 'practitioner', 'alice');
    bob = await w.person(police, 'practitioner', 'bob');
    aliceS = await secureSession(alice.client, 'alice laptop', t);
    bobS = await secureSession(bob.client, 'bob laptop', t);
  });
  afterAll(async () => {
    aliceS?.close();
    bobS?.close();
    await t.close();
  });

  it('the server never holds plaintext: a unique marker sent through the real client is nowhere in a dump of the database', async () => {
    const marker = `MARKER-${randomUUID()}`;
    const titleMarker = `TITLE-${randomUUID()}`;
    const channelId = await aliceS.createChannel({
      kind: 'locality_meeting',
      members: [{ userId: bob.id }],
      title: `Northshire locality ${titleMarker}`,
    });
    await aliceS.send(channelId, `Family EH-2026-0042 update ${marker}`);
    const read = await bobS.readAll(channelId);
    expect(read.map((m) => m.content?.body)).toEqual([`Family EH-2026-0042 update ${marker}`]);
    expect(read[0].error).toBeUndefined();
    expect(await bobS.title(channelId)).toBe(`Northshire locality ${titleMarker}`);

    const dump = await dumpDatabase(t.databaseUrl);
    expect(dump).toContain(channelId); // the dump is real and covers the channel
    for (const form of [...markerForms(marker), ...markerForms(titleMarker)]) expect(dump).not.toContain(form);
  });

  it('a direct channel between the same two people is unique, whichever of them opens it', async () => {
    const id = await aliceS.createChannel({ kind: 'direct', members: [{ userId: bob.id }] });
    const err = await refused(
      bob.client.createChannel({ kind: 'direct', members: [{ userId: alice.id }] }),
      409,
      'direct_exists',
    );
    expect(err.details?.channelId).toBe(id);
  });

  it('only users of signed agencies can be added', async () => {
    const outsider = await w.account(unsigned, 'practitioner', 'outsider');
    await refused(
      alice.client.createChannel({ kind: 'professionals_meeting', members: [{ userId: outsider.id }] }),
      403,
      'agency_not_signed',
    );
    const channelId = await aliceS.createChannel({ kind: 'professionals_meeting', members: [] });
    await refused(alice.client.addMember(channelId, { userId: outsider.id }), 403, 'agency_not_signed');
    expect((await alice.client.channel(channelId)).members).toHaveLength(1);
  });

  it('a newcomer reads from their join on; older messages only after an explicit, audited history share', async () => {
    const carol = await w.person(school, 'practitioner', 'carol');
    const carolS = await secureSession(carol.client, 'carol tablet', t);
    const channelId = await aliceS.createChannel({ kind: 'family_meeting', members: [{ userId: bob.id }] });
    await aliceS.send(channelId, 'before carol');
    await alice.client.addMember(channelId, { userId: carol.id });
    await aliceS.send(channelId, 'after carol');
    const seen = await carolS.readAll(channelId);
    expect(seen.map((m) => m.content?.body)).toEqual(['after carol']);
    expect(seen.every((m) => !m.error)).toBe(true);

    await aliceS.shareHistory(channelId, carol.id);
    const all = await carolS.readAll(channelId);
    expect(all.map((m) => m.content?.body)).toEqual(['before carol', 'after carol']);
    const { rows } = await t.sql(
      "SELECT count(*)::int AS n FROM audit_events WHERE action = 'channel.history_shared' AND target_id = $1",
      [channelId],
    );
    expect(rows[0]).toEqual({ n: 1 });
  });

  it('a removed member gets no key for anything sent after, and cannot fetch it', async () => {
    const dave = await w.person(school, 'practitioner', 'dave');
    const daveS = await secureSession(dave.client, 'dave phone', t);
    const channelId = await aliceS.createChannel({
      kind: 'locality_meeting',
      members: [{ userId: dave.id }, { userId: bob.id }],
    });
    await aliceS.send(channelId, 'while dave is here');
    expect((await daveS.readAll(channelId)).map((m) => m.content?.body)).toEqual(['while dave is here']);
    const epochBefore = (await alice.client.channel(channelId)).currentEpoch;

    await alice.client.removeMember(channelId, dave.id);
    await aliceS.send(channelId, 'after dave left');
    const channel = await alice.client.channel(channelId);
    expect(channel.currentEpoch).toBe(epochBefore + 1);
    await refused(dave.client.messages(channelId), 403, 'not_a_member');
    await refused(dave.client.channelKeys(channelId, daveS.deviceId), 403, 'not_a_member');
    const { rows } = await t.sql('SELECT epoch FROM key_envelopes WHERE channel_id = $1 AND device_id = $2', [
      channelId,
      daveS.deviceId,
    ]);
    expect(rows.map((r: { epoch: number }) => r.epoch)).toEqual([epochBefore]);
    expect((await bobS.readAll(channelId)).map((m) => m.content?.body)).toEqual([
      'while dave is here',
      'after dave left',
    ]);
  });

  it('a revoked device gets no key for what follows; the owner’s other device carries on', async () => {
    const erin = await w.person(council, 'practitioner', 'erin');
    const laptop = await secureSession(erin.client, 'erin laptop', t);
    const channelId = await aliceS.createChannel({ kind: 'locality_meeting', members: [{ userId: erin.id }] });
    await aliceS.send(channelId, 'one');
    const phone = await secureSession(erin.client, 'erin phone', t);
    await erin.client.revokeDevice(laptop.deviceId, 'lost on a train');
    await aliceS.send(channelId, 'two');
    const { rows } = await t.sql('SELECT max(epoch) AS e FROM key_envelopes WHERE channel_id = $1 AND device_id = $2', [
      channelId,
      laptop.deviceId,
    ]);
    const latest = (await alice.client.channel(channelId)).currentEpoch;
    expect(Number((rows[0] as { e: number }).e)).toBeLessThan(latest);
    const onPhone = await phone.readAll(channelId);
    expect(onPhone.find((m) => m.content?.body === 'two')?.error).toBeUndefined();
  });
});
