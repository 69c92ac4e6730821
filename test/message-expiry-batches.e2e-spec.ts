import type { SecureSession } from '../client/sdk/index.js';
import { RetentionService } from '../src/retention/retention.service.js';
import { secureSession } from './support/secure.js';
import { startInstance, startTestApp, type TestApp } from './support/test-app.js';
import { World, type Person } from './support/world.js';

const DAY = 86_400_000;

/**
 * The message-expiry job goes channel by channel (issue 17: retention that costs little while people
 * send): each transaction deletes at most EXPIRY_BATCH_SIZE of one channel's expired messages and records
 * that disposal once, so a run leaves about one audit event per batch of a channel, not one per channel
 * for every batch of the longest-expired messages across them all. Two instances running it at once
 * delete every message once, and their evidence adds up to what went.
 */
describe('message expiry in batches, channel by channel', () => {
  let t: TestApp;
  let second: Awaited<ReturnType<typeof startInstance>>;
  let alice: Person;
  let aliceS: SecureSession;
  let channels: string[] = [];

  /** Five messages in each of three channels, sent in turn (their expiries interleave), past expiry. */
  async function expiredMessages(): Promise<string[]> {
    await alice.client.login({ email: alice.email, password: alice.password }); // a day on since the last
    const made = await Promise.all(
      [1, 2, 3].map(() => aliceS.createChannel({ kind: 'locality_meeting', members: [], retentionDays: 1 })),
    );
    for (let i = 0; i < 5; i++) for (const c of made) await aliceS.send(c, `message ${i}`);
    return made;
  }

  const evidence = async (ids: string[]) =>
    (
      await t.sql(
        `SELECT target_id AS channel, (details->>'count')::int AS count FROM audit_events
          WHERE action = 'retention.messages_expired' AND target_id = ANY ($1::text[]) ORDER BY seq`,
        [ids],
      )
    ).rows as { channel: string; count: number }[];
  const disposed = async (ids: string[]) =>
    (
      await t.sql(
        `SELECT channel_id AS channel, sum(count)::int AS count FROM disposal_records
          WHERE record_class = 'messages' AND channel_id = ANY ($1::uuid[]) GROUP BY channel_id`,
        [ids],
      )
    ).rows as { channel: string; count: number }[];
  const left = async (ids: string[]) =>
    (await t.sql('SELECT count(*)::int AS n FROM messages WHERE channel_id = ANY ($1::uuid[])', [ids])).rows[0] as {
      n: number;
    };

  beforeAll(async () => {
    t = await startTestApp({ env: { EXPIRY_BATCH_SIZE: '3' } });
    second = await startInstance(t.databaseUrl, t.clock, { EXPIRY_BATCH_SIZE: '3' });
    const w = new World(t);
    await w.agreement();
    const council = await w.agency('Council');
    alice = await w.person(council, 'practitioner', 'alice');
    aliceS = await secureSession(alice.client, 'alice laptop', t);
  });
  afterAll(async () => {
    aliceS.close();
    await second.app.close();
    await t.close();
  });

  it('one run: each channel’s messages go three at a time, with one audit event and one disposal record per batch', async () => {
    channels = await expiredMessages();
    t.clock.advance(DAY + 60_000);
    const report = await t.app.get(RetentionService).expireMessages();
    expect(report.messagesDeleted).toBe(15);
    expect(report.batches).toBe(6); // 3 + 2 in each of three channels
    expect(await left(channels)).toEqual({ n: 0 });
    const events = await evidence(channels);
    // Channel by channel: each channel's two batches are recorded one after the other.
    for (const c of channels) expect(events.filter((e) => e.channel === c).map((e) => e.count)).toEqual([3, 2]);
    expect(events.map((e) => e.channel)).toEqual([...new Set(events.map((e) => e.channel))].flatMap((c) => [c, c]));
    expect((await disposed(channels)).map((d) => d.count)).toEqual([5, 5, 5]);
  });

  it('two instances at once: every message goes once, and the evidence adds up to what went', async () => {
    const more = await expiredMessages();
    t.clock.advance(DAY + 60_000);
    const [a, b] = await Promise.all([
      t.app.get(RetentionService).expireMessages(),
      second.app.get(RetentionService).expireMessages(),
    ]);
    expect(a.messagesDeleted + b.messagesDeleted).toBe(15);
    expect(await left(more)).toEqual({ n: 0 });
    const events = await evidence(more);
    for (const c of more) {
      const counts = events.filter((e) => e.channel === c).map((e) => e.count);
      expect(counts.reduce((x, y) => x + y, 0)).toBe(5);
      expect(Math.max(...counts)).toBeLessThanOrEqual(3);
    }
    expect((await disposed(more)).map((d) => d.count)).toEqual([5, 5, 5]);
  });
});
