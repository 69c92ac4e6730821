import type { ServerEventPayloads } from '../contracts/realtime.js';
import { RealtimeConnection, StrongroomApiError, type SecureSession } from '../client/sdk/index.js';
import { addCalendarMonths } from '../src/common/clock.js';
import { eventually as eventuallyWithin } from './support/eventually.js';
import { seal, secureSession } from './support/secure.js';

/** Resolves when `check` passes; fails after `ms` (generous: the machine is busy). */
const eventually = (check: () => void | Promise<void>, ms = 5000) => eventuallyWithin(check, ms, 20);
import { startInstance, startTestApp, type TestApp } from './support/test-app.js';
import { World, type Person } from './support/world.js';

/** A raw socket of one person's session on one instance, recording what it hears. */
interface Listener {
  rt: RealtimeConnection;
  messages: number[];
  removed: ServerEventPayloads['member.removed'][];
  revoked: string[];
  disconnects: string[];
}

async function listen(baseUrl: string, token: string): Promise<Listener> {
  const rt = new RealtimeConnection(baseUrl, token, { reconnection: false });
  const l: Listener = { rt, messages: [], removed: [], revoked: [], disconnects: [] };
  rt.on('message.new', (m) => l.messages.push(m.message.seq)); // and each of a messages.new
  rt.socket.on('member.removed', (e) => l.removed.push(e));
  rt.socket.on('session.revoked', (e) => l.revoked.push(e.reason));
  rt.onDisconnect((r) => l.disconnects.push(r));
  await rt.connect();
  return l;
}

/** The error code a refused socket handshake or HTTP call gives. */
async function refusalCode(p: Promise<unknown>): Promise<string | null> {
  return p.then(
    () => null,
    (e: unknown) => (e instanceof StrongroomApiError ? e.code : String(e)),
  );
}

/**
 * Access that ends because time passes ends on sockets too, at that moment, on every instance (issue 12):
 * an observer's end date, a session's expiry, a withdrawal taking effect, a new agreement version not yet
 * attested. Two instances share one database and one (test) clock; each person listens on both.
 */
describe('live access: what ends with time ends on open sockets at that moment, on every instance', () => {
  let t: TestApp;
  let w: World;
  let second: Awaited<ReturnType<typeof startInstance>>;
  let council: string;
  let alice: Person;
  let aliceS: SecureSession;
  const sockets: Listener[] = [];
  const sessions: SecureSession[] = [];

  /** A socket on each instance for this person's current session. */
  async function onBoth(p: Person): Promise<[Listener, Listener]> {
    const both = await Promise.all([t.baseUrl, second.baseUrl].map((u) => listen(u, p.client.token!)));
    sockets.push(...both);
    return both as [Listener, Listener];
  }

  beforeAll(async () => {
    t = await startTestApp();
    second = await startInstance(t.databaseUrl, t.clock);
    w = new World(t);
    await w.agreement();
    council = await w.agency('Council');
    alice = await w.person(council, 'practitioner', 'alice');
    aliceS = await secureSession(alice.client, 'alice laptop', t);
    sessions.push(aliceS);
  });
  afterAll(async () => {
    for (const l of sockets) l.rt.close();
    for (const s of sessions) s.close();
    await second.app.close();
    await t.close();
  });

  /** Alice signs in again (a clock jump may have expired her session), with her device. */
  async function aliceAgain(): Promise<void> {
    await alice.client.login({ email: alice.email, password: alice.password });
  }

  it('an observer whose time ends stops hearing the channel at that moment, is removed for good and gets no later key', async () => {
    const olly = await w.person(council, 'practitioner', 'olly');
    const ollyS = await secureSession(olly.client, 'olly laptop', t);
    sessions.push(ollyS);
    const endsAt = new Date(t.clock.now().getTime() + 10 * 60_000);
    const channelId = await aliceS.createChannel({ kind: 'locality_meeting', members: [] });
    await alice.client.addMember(channelId, { userId: olly.id, role: 'observer', endsAt: endsAt.toISOString() });
    const [a, b] = await onBoth(olly);
    const first = await aliceS.send(channelId, 'while observing');
    await eventually(() => expect([a.messages, b.messages]).toEqual([[first.seq], [first.seq]]));

    // The end date passes: both instances' timers fire; the membership ends in the database.
    t.clock.set(new Date(endsAt.getTime() + 1));
    await eventually(() =>
      expect([a.removed, b.removed].map((r) => r.map((e) => [e.channelId, e.reason]))).toEqual([
        [[channelId, 'membership_ended']],
        [[channelId, 'membership_ended']],
      ]),
    );
    const { rows } = await t.sql('SELECT 1 FROM channel_members WHERE channel_id = $1 AND user_id = $2', [
      channelId,
      olly.id,
    ]);
    expect(rows).toHaveLength(0);
    const { rows: audit } = await t.sql(
      "SELECT details FROM audit_events WHERE action = 'channel.member_removed' AND target_id = $1",
      [channelId],
    );
    expect(audit.map((r) => (r as { details: { reason: string } }).details.reason)).toEqual(['membership_ended']);

    // Alice's next message goes under a new key that olly's device is not given, and is not delivered.
    await aliceAgain();
    const after = await aliceS.send(channelId, 'after olly’s time');
    expect(after.epoch).toBeGreaterThan(first.epoch);
    const { rows: keys } = await t.sql(
      `SELECT 1 FROM key_envelopes k JOIN devices d ON d.id = k.device_id
        WHERE k.channel_id = $1 AND k.epoch = $2 AND d.user_id = $3`,
      [channelId, after.epoch, olly.id],
    );
    expect(keys).toHaveLength(0);
    await new Promise((r) => setTimeout(r, 300));
    expect([a.messages, b.messages]).toEqual([[first.seq], [first.seq]]);

    // A socket opened afterwards is not put in the channel's room, and HTTP refuses the channel.
    await olly.client.login({ email: olly.email, password: olly.password });
    const late = await listen(second.baseUrl, olly.client.token!);
    sockets.push(late);
    await aliceS.send(channelId, 'still not for olly');
    await new Promise((r) => setTimeout(r, 300));
    expect(late.messages).toEqual([]);
    // HTTP gives the socket's reason, and the member list keeps the history.
    expect(await refusalCode(olly.client.messages(channelId))).toBe('membership_ended');
    const view = await alice.client.channel(channelId);
    expect(view.members.map((m) => m.userId)).not.toContain(olly.id);
    expect(view.formerMembers).toEqual([
      expect.objectContaining({
        userId: olly.id,
        role: 'observer',
        reason: 'membership_ended',
        endedAt: endsAt.toISOString(),
      }),
    ]);
  });

  it('a socket stops hearing at the moment its session expires, and a new one with that session is refused', async () => {
    await aliceAgain();
    const bea = await w.person(council, 'practitioner', 'bea');
    const beaS = await secureSession(bea.client, 'bea laptop', t);
    sessions.push(beaS);
    const channelId = await aliceS.createChannel({ kind: 'locality_meeting', members: [{ userId: bea.id }] });
    const [a, b] = await onBoth(bea);
    const first = await aliceS.send(channelId, 'before the expiry');
    await eventually(() => expect([a.messages, b.messages]).toEqual([[first.seq], [first.seq]]));

    // Alice keeps working; bea's session goes idle past its limit (config default 30 minutes).
    const { rows } = await t.sql('SELECT idle_expires_at FROM sessions WHERE user_id = $1 AND revoked_at IS NULL', [
      bea.id,
    ]);
    const idle = (rows[0] as { idle_expires_at: Date }).idle_expires_at;
    t.clock.set(new Date(idle.getTime() + 1));
    await eventually(() => expect([a.revoked, b.revoked]).toEqual([['session_expired'], ['session_expired']]));
    await eventually(() => expect([a.rt.connected, b.rt.connected]).toEqual([false, false]));
    expect(await refusalCode(bea.client.me())).toBe('session_expired');
    expect(await refusalCode(listen(t.baseUrl, bea.client.token!))).toBe('session_expired');
  });

  it('an agency’s withdrawal cuts its users’ sockets at the moment it takes effect, with the HTTP code', async () => {
    await aliceAgain();
    const admin = await w.person(council, 'isa_admin', 'admin');
    const charity = await w.agency('Charity', { sector: 'voluntary' });
    const fay = await w.person(charity, 'practitioner', 'fay');
    const fayS = await secureSession(fay.client, 'fay laptop', t);
    sessions.push(fayS);
    await aliceS.createChannel({ kind: 'locality_meeting', members: [{ userId: fay.id }] });
    // Notice given earlier: the withdrawal takes effect in a minute.
    const effective = new Date(t.clock.now().getTime() + 60_000);
    await admin.client.giveNotice(charity);
    await t.sql('UPDATE agencies SET notice_given_at = $2, withdrawal_effective_at = $3 WHERE id = $1', [
      charity,
      addCalendarMonths(effective, -1),
      effective,
    ]);
    const [a, b] = await onBoth(fay);
    t.clock.set(new Date(effective.getTime() + 1));
    await eventually(() => expect([a.revoked, b.revoked]).toEqual([['agency_not_signed'], ['agency_not_signed']]));
    expect(await refusalCode(fay.client.me().then(() => fay.client.channels()))).toBe('agency_not_signed');
    expect(await refusalCode(listen(second.baseUrl, fay.client.token!))).toBe('agency_not_signed');
  });

  it('when timers are late, delivery and admission still apply the rule at that moment', async () => {
    await aliceAgain();
    const ivy = await w.person(council, 'practitioner', 'ivy');
    const ivyS = await secureSession(ivy.client, 'ivy laptop', t);
    const jo = await w.person(council, 'practitioner', 'jo');
    sessions.push(ivyS);
    const channelId = await aliceS.createChannel({ kind: 'locality_meeting', members: [{ userId: ivy.id }] });
    const endsAt = new Date(t.clock.now().getTime() + 5 * 60_000);
    await alice.client.addMember(channelId, { userId: jo.id, role: 'observer', endsAt: endsAt.toISOString() });
    const [ivyA, ivyB] = await onBoth(ivy);
    const [joA, joB] = await onBoth(jo);
    const first = await aliceS.send(channelId, 'everyone hears this');
    await eventually(() => expect([ivyA, ivyB, joA, joB].map((l) => l.messages)).toEqual(Array(4).fill([first.seq])));

    // Time passes jo's end date and ivy's idle expiry, but no timer has fired yet.
    const { rows } = await t.sql('SELECT idle_expires_at FROM sessions WHERE user_id = $1', [ivy.id]);
    const idle = (rows[0] as { idle_expires_at: Date }).idle_expires_at;
    t.clock.jump(new Date(Math.max(idle.getTime(), endsAt.getTime()) + 1));
    await aliceAgain();
    // A socket jo opens now is not put in the channel's room, though the membership row is still there.
    await jo.client.login({ email: jo.email, password: jo.password });
    const joLate = await listen(t.baseUrl, jo.client.token!);
    sockets.push(joLate);
    // alice writes as an observer's time ends (sent by hand: her client would rotate first, as it should).
    const late = await alice.client.sendMessage(channelId, await seal(aliceS, channelId, 'after the moment'));
    await new Promise((r) => setTimeout(r, 300));
    const heard = [first.seq];
    expect([ivyA, ivyB, joA, joB, joLate].map((l) => l.messages)).toEqual([heard, heard, heard, heard, []]);
    expect(late.seq).toBe(first.seq + 1);
    // Delivery noticed them: ivy's sockets are told why and cut.
    await eventually(() => expect([ivyA.revoked, ivyB.revoked]).toEqual([['session_expired'], ['session_expired']]));
  });

  it('a new agreement version cuts the sockets of people who have not attested it, with the HTTP code', async () => {
    await aliceAgain();
    const gus = await w.person(council, 'practitioner', 'gus');
    const [a, b] = await onBoth(gus);
    await w.agreement('11.0', t.clock.now().toISOString().slice(0, 10));
    await eventually(() =>
      expect([a.revoked, b.revoked]).toEqual([['attestation_required'], ['attestation_required']]),
    );
    expect(await refusalCode(gus.client.channels())).toBe('attestation_required');
    expect(await refusalCode(listen(t.baseUrl, gus.client.token!))).toBe('attestation_required');
  });

  it('the sweep catches a change no event announced (a session revoked behind the server’s back)', async () => {
    const other = await startInstance(t.databaseUrl, t.clock, { LIVE_ACCESS_SWEEP_SECONDS: '1' });
    try {
      const hal = await w.person(council, 'practitioner', 'hal');
      const hear = await listen(other.baseUrl, hal.client.token!);
      sockets.push(hear);
      await t.sql('UPDATE sessions SET revoked_at = now() WHERE user_id = $1', [hal.id]);
      await eventually(() => expect(hear.revoked).toEqual(['invalid_session']), 10_000);
    } finally {
      await other.app.close();
    }
  });

  it('a socket that floods is refused with rate_limited and then cut; another person’s socket is untouched', async () => {
    const small = await startInstance(t.databaseUrl, t.clock, {
      SOCKET_EVENTS_PER_SECOND: '5',
      SOCKET_EVENT_BURST: '10',
    });
    try {
      const kim = await w.person(council, 'practitioner', 'kim');
      const lee = await w.person(council, 'practitioner', 'lee');
      const flood = await listen(small.baseUrl, kim.client.token!);
      const calm = await listen(small.baseUrl, lee.client.token!);
      sockets.push(flood, calm);
      const closing: string[] = [];
      flood.rt.socket.on('connection.closing', (e) => closing.push(e.reason));
      // Not a valid message: each answer is a refusal either way, which is all this needs.
      const emit = (l: Listener) =>
        new Promise<string>((resolve) => {
          l.rt.socket.emit('message.send', {} as never, (a: { ok: boolean; error?: { code: string } }) =>
            resolve(a.ok ? 'ok' : a.error!.code),
          );
          setTimeout(() => resolve('no answer'), 3000);
        });
      const answers = await Promise.all(Array.from({ length: 15 }, () => emit(flood)));
      expect(answers.filter((c) => c === 'rate_limited').length).toBeGreaterThanOrEqual(4);
      expect(answers.filter((c) => c === 'validation_failed').length).toBeGreaterThanOrEqual(10);
      expect(await emit(calm)).toBe('validation_failed');
      // It goes on: cut, after hearing why.
      await Promise.all(Array.from({ length: 15 }, () => emit(flood)));
      await eventually(() => expect(closing).toEqual(['rate_limited']));
      await eventually(() => expect(flood.rt.connected).toBe(false));
      expect(calm.rt.connected).toBe(true);
      expect(await emit(calm)).toBe('validation_failed');
    } finally {
      await small.app.close();
    }
  });

  it('re-checking an open socket does not keep its idle session alive: only the person’s own use does', async () => {
    const sweeping = await startInstance(t.databaseUrl, t.clock, { LIVE_ACCESS_SWEEP_SECONDS: '1' });
    try {
      const ned = await w.person(council, 'practitioner', 'ned');
      const idleOf = async () =>
        (
          (await t.sql('SELECT idle_expires_at FROM sessions WHERE user_id = $1', [ned.id])).rows[0] as {
            idle_expires_at: Date;
          }
        ).idle_expires_at.getTime();
      const hear = await listen(sweeping.baseUrl, ned.client.token!);
      sockets.push(hear);
      const before = await idleOf();
      // A minute passes (past the point where a request would move the idle expiry on) with only the
      // socket open; the sweep checks it again at least twice meanwhile.
      t.clock.advance(60_000);
      await new Promise((r) => setTimeout(r, 2500));
      expect(await idleOf()).toBe(before);
      expect(hear.rt.connected).toBe(true);
      // A request of ned's own does move it on.
      await ned.client.me();
      expect(await idleOf()).toBeGreaterThan(before);
    } finally {
      await sweeping.app.close();
    }
  });
});
