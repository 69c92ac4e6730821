import { PasswordVerifier } from '../src/identity/passwords.js';
import { addressKey, SignInThrottleService } from '../src/identity/sign-in-throttle.service.js';
import { refused } from './support/refused.js';
import { startInstance, startTestApp, type TestApp } from './support/test-app.js';
import { totpAt, uniqueEmail, World } from './support/world.js';

/**
 * Sign-in throttling (docs/operations.md, "Sign-in throttling"), against the real server and PostgreSQL with
 * the test clock: failures slow an address and a source down instead of locking an account; an address that
 * matches no account is answered and throttled exactly like one that does; someone at a source that has not
 * failed waits at most the account cap (15 minutes) however an attacker keeps failing from other sources.
 * Each case uses its own accounts and network addresses (sent as X-Forwarded-For through the one proxy
 * TRUST_PROXY=true believes).
 */
const ENV = { TRUST_PROXY: 'true', LOGIN_SOURCE_FREE_FAILURES: '20' };
const CAP_SECONDS = 15 * 60;

interface Answer {
  status: number;
  body: { error?: { code: string; message: string; details?: Record<string, unknown> }; token?: string };
  headers: Record<string, string>;
}

describe('sign-in throttling: slower, not locked; the same for every address; never longer than the cap from a clean source', () => {
  let t: TestApp;
  let w: World;
  let council: string;

  beforeAll(async () => {
    t = await startTestApp({ env: ENV });
    w = new World(t);
    await w.agreement();
    council = await w.agency('Council');
  });
  afterAll(() => t.close());

  async function attempt(
    email: string,
    password: string,
    source: string,
    extra: Record<string, string> = {},
    baseUrl = t.baseUrl,
  ): Promise<Answer> {
    const res = await fetch(`${baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': source },
      body: JSON.stringify({ email, password, ...extra }),
    });
    return { status: res.status, body: (await res.json()) as Answer['body'], headers: Object.fromEntries(res.headers) };
  }

  /** Everything a caller sees, but the date and the request's own id. */
  const seen = (a: Answer) => {
    const { date: _date, 'x-request-id': _requestId, ...headers } = a.headers;
    return { status: a.status, body: a.body, headers };
  };
  const retryAfter = (a: Answer) => Number(a.headers['retry-after']);

  it('answers an address that matches no account exactly as one that does, with the same password work, before and while throttled', async () => {
    const known = await w.account(council, 'practitioner', 'known');
    const unknown = uniqueEmail('nobody');
    const derive = jest.spyOn(t.app.get(PasswordVerifier), 'derive');
    try {
      const statuses: number[] = [];
      const waits: number[] = [];
      for (let i = 0; i < 10; i++) {
        const before = derive.mock.calls.length;
        const a = await attempt(known.email, 'wrong-password-guess', '198.51.100.1');
        const knownWork = derive.mock.calls.length - before;
        const b = await attempt(unknown, 'wrong-password-guess', '198.51.100.2');
        const unknownWork = derive.mock.calls.length - before - knownWork;
        expect(seen(b)).toEqual(seen(a));
        // A password checked is one scrypt derivation, for the unknown address too; a throttled attempt checks none.
        expect({ knownWork, unknownWork }).toEqual(
          a.status === 401 ? { knownWork: 1, unknownWork: 1 } : { knownWork: 0, unknownWork: 0 },
        );
        statuses.push(a.status);
        if (a.status === 429) {
          expect(a.body.error).toMatchObject({
            code: 'too_many_attempts',
            details: { retryAfterSeconds: retryAfter(a) },
          });
          expect(a.body.error?.message).toMatch(
            /^Too many failed sign-in attempts\. Try again in \d+ (seconds|minutes)\.$/,
          );
          waits.push(retryAfter(a));
          t.clock.advance(retryAfter(a) * 1000);
        } else {
          expect(a.body.error?.code).toBe('invalid_credentials');
        }
      }
      expect(statuses).toEqual([401, 401, 401, 401, 401, 401, 429, 401, 429, 401]);
      expect(waits).toEqual([60, 120]);
    } finally {
      derive.mockRestore();
    }
  });

  it('slows one source failing at an account more and more, past the cap, while anyone else waits no longer than the cap', async () => {
    const victim = await w.account(council, 'practitioner', 'slowed');
    const waits: number[] = [];
    let failures = 0;
    while (failures < 11) {
      const a = await attempt(victim.email, `guess-number-${failures}`, '198.51.100.10');
      if (a.status === 429) {
        waits.push(retryAfter(a));
        t.clock.advance(retryAfter(a) * 1000);
      } else {
        expect(a.status).toBe(401);
        failures++;
      }
    }
    // Five free failures, then 1 minute, doubling: the account's delay stops at 15 minutes…
    expect(waits).toEqual([60, 120, 240, 480, 960]);
    // …but this source's own keeps doubling: 32 minutes now.
    expect(retryAfter(await attempt(victim.email, 'one-more-guess', '198.51.100.10'))).toBe(1920);
    // The account has been throttled for over 15 minutes: someone at another source goes straight in.
    expect((await attempt(victim.email, victim.password, '198.51.100.11')).status).toBe(200);
  });

  it('lets the real user in with password and authenticator code once the delay has passed', async () => {
    const acct = await w.account(council, 'auditor', 'mfa-user');
    const person = await w.signIn(acct); // enrols the authenticator
    for (let i = 0; i < 6; i++) await attempt(acct.email, 'attacker-guess', '198.51.100.40');
    const code = async () => ({ totp: await totpAt(person.totpSecret!, t) });
    // Even the right password and code wait out the delay…
    const early = await attempt(acct.email, acct.password, '198.51.100.41', await code());
    expect(early.status).toBe(429);
    expect(retryAfter(early)).toBeLessThanOrEqual(CAP_SECONDS);
    t.clock.advance(retryAfter(early) * 1000);
    // …and are let in as soon as it has passed.
    const ok = await attempt(acct.email, acct.password, '198.51.100.41', await code());
    expect(ok.status).toBe(200);
    expect(ok.body.token).toEqual(expect.any(String));
  });

  it('does not keep the real user out beyond the cap while an attacker keeps failing from ever new sources', async () => {
    const victim = await w.account(council, 'practitioner', 'besieged');
    let fresh = 0;
    let attackerFailures = 0;
    const attack = async () => {
      // At every moment, before the user: a fresh source, and one that has failed before.
      for (const source of [`203.0.113.${++fresh}`, '203.0.113.250']) {
        const a = await attempt(victim.email, `attacker-guess-${fresh}`, source);
        if (a.status === 401) attackerFailures++;
      }
    };
    for (let i = 0; i < 3; i++) await attack(); // six failures: the account is throttled from now
    const start = t.clock.now().getTime();
    const failuresBefore = attackerFailures;
    let userNext = start;
    let signedIn: { at: number; addressThrottled: boolean } | null = null;
    while (!signedIn && t.clock.now().getTime() - start < 2 * CAP_SECONDS * 1000) {
      await attack();
      const now = t.clock.now().getTime();
      if (now >= userNext) {
        const { rows } = await t.sql(
          "SELECT blocked_until > $2 AS throttled FROM sign_in_throttles WHERE lane = 'address' AND user_id = $1",
          [victim.id, new Date(now)],
        );
        const u = await attempt(victim.email, victim.password, '192.0.2.200');
        if (u.status === 200) {
          signedIn = { at: now, addressThrottled: (rows[0] as { throttled: boolean }).throttled };
          break;
        }
        expect(u.status).toBe(429);
        userNext = now + retryAfter(u) * 1000;
      }
      t.clock.advance(Math.min(30_000, Math.max(1000, userNext - now)));
    }
    expect(signedIn).not.toBeNull();
    expect((signedIn!.at - start) / 1000).toBeLessThanOrEqual(CAP_SECONDS);
    // The attacker's guesses kept going through, and had the address throttled as the user went in.
    expect(attackerFailures - failuresBefore).toBeGreaterThanOrEqual(4);
    expect(signedIn!.addressThrottled).toBe(true);
  });

  it('holds back a source that keeps failing, at every address, known or not, and only that source', async () => {
    const acct = await w.account(council, 'practitioner', 'shared-source');
    for (let i = 0; i < 21; i++) {
      expect((await attempt(uniqueEmail('spray'), 'spray-password', '192.0.2.60')).status).toBe(401);
    }
    // Twenty free failures from one source, across addresses; after the 21st it waits, whatever the address.
    const right = await attempt(acct.email, acct.password, '192.0.2.60');
    const unknown = await attempt(uniqueEmail('spray'), 'spray-password', '192.0.2.60');
    expect(right.status).toBe(429);
    expect(retryAfter(right)).toBe(60);
    expect(seen(unknown)).toEqual(seen(right));
    expect((await attempt(acct.email, acct.password, '192.0.2.61')).status).toBe(200);
  });

  it('counts once across instances on one database', async () => {
    const second = await startInstance(t.databaseUrl, t.clock, ENV);
    try {
      const acct = await w.account(council, 'practitioner', 'two-instances');
      for (let i = 0; i < 6; i++) {
        const base = i % 2 ? second.baseUrl : t.baseUrl;
        expect((await attempt(acct.email, 'wrong-guess', '198.51.100.60', {}, base)).status).toBe(401);
      }
      for (const base of [t.baseUrl, second.baseUrl]) {
        const a = await attempt(acct.email, acct.password, '198.51.100.61', {}, base);
        expect({ status: a.status, retryAfter: retryAfter(a) }).toEqual({ status: 429, retryAfter: 60 });
      }
    } finally {
      await second.app.close();
    }
  });

  it('throttles step-up with sign-in: wrong passwords there count at the account too', async () => {
    const person = await w.person(council, 'practitioner', 'stepping-up');
    for (let i = 0; i < 6; i++)
      await refused(person.client.stepUp({ password: 'not-my-password' }), 401, 'invalid_credentials');
    const err = await refused(person.client.stepUp({ password: person.password }), 429, 'too_many_attempts');
    expect(err.details).toEqual({ retryAfterSeconds: 60 });
    // The same count holds back sign-in at the address, from anywhere.
    expect((await attempt(person.email, person.password, '198.51.100.70')).status).toBe(429);
    t.clock.advance(60_000);
    const { steppedUpUntil } = await person.client.stepUp({ password: person.password });
    expect(new Date(steppedUpUntil).getTime()).toBeGreaterThan(t.clock.now().getTime());
  });

  it('counts the address the proxy saw, not what the caller wrote into X-Forwarded-For', async () => {
    const acct = await w.account(council, 'practitioner', 'proxied');
    const a = await attempt(acct.email, acct.password, '6.6.6.6, 198.51.100.80');
    expect(a.status).toBe(200);
    const { rows } = await t.sql('SELECT ip FROM sessions WHERE user_id = $1', [acct.id]);
    expect(rows).toEqual([{ ip: '198.51.100.80' }]);
  });

  it('shows an ISA admin who is held back and until when, and lets them clear an account, audited; nobody else may', async () => {
    // Everyone signs in first: enrolling an authenticator moves the clock on.
    const admin = await w.person(council, 'isa_admin', 'throttle-admin');
    const others = [];
    for (const role of ['practitioner', 'agency_admin', 'auditor'] as const)
      others.push(await w.person(council, role, `not-${role}`));
    const victim = await w.account(council, 'practitioner', 'cleared');
    const stranger = uniqueEmail('stranger');
    for (let i = 0; i < 6; i++) {
      await attempt(victim.email, 'wrong-guess', '198.51.100.90');
      await attempt(stranger, 'wrong-guess', '198.51.100.91');
    }
    for (let i = 0; i < 15; i++) await attempt(uniqueEmail('spray'), 'wrong-guess', '198.51.100.91');
    const now = t.clock.now().getTime();
    const view = await admin.client.signInThrottles();
    expect(view.accounts).toContainEqual({
      user: { id: victim.id, email: victim.email, displayName: 'cleared person', agencyId: council },
      failures: 6,
      throttledUntil: new Date(now + 60_000).toISOString(),
      throttledSince: new Date(now).toISOString(),
    });
    expect(view.accounts.map((a) => a.user.email)).not.toContain(stranger);
    expect(view.otherAddresses).toBeGreaterThanOrEqual(1);
    expect(view.sources).toContainEqual({
      source: '198.51.100.91',
      failures: 21,
      throttledUntil: new Date(now + 60_000).toISOString(),
    });

    for (const other of others) {
      await refused(other.client.signInThrottles(), 403, 'forbidden_role');
      await refused(other.client.clearSignInThrottle(victim.id), 403, 'forbidden_role');
    }
    expect((await attempt(victim.email, victim.password, '198.51.100.90')).status).toBe(429);

    await expect(admin.client.clearSignInThrottle(victim.id)).resolves.toEqual({ userId: victim.id, cleared: true });
    expect((await admin.client.signInThrottles()).accounts.map((a) => a.user.id)).not.toContain(victim.id);
    // At once, even from the source that had failed there.
    expect((await attempt(victim.email, victim.password, '198.51.100.90')).status).toBe(200);
    await expect(admin.client.clearSignInThrottle(victim.id)).resolves.toEqual({ userId: victim.id, cleared: false });
    await refused(admin.client.clearSignInThrottle('5b0f7a4e-3c1d-4e8f-9a2b-6c7d8e9f0a1b'), 404, 'not_found');
    const { rows } = await t.sql(
      "SELECT actor_user_id, target_id, details FROM audit_events WHERE action = 'auth.sign_in_throttle_cleared' ORDER BY seq",
    );
    expect(rows).toEqual([
      { actor_user_id: admin.id, target_id: victim.id, details: { cleared: true } },
      { actor_user_id: admin.id, target_id: victim.id, details: { cleared: false } },
    ]);
  });

  it('prunes counts once every failure in them is forgiven, and no sooner', async () => {
    const email = uniqueEmail('pruned');
    for (let i = 0; i < 6; i++) await attempt(email, 'wrong-guess', '198.51.100.100');
    await attempt(uniqueEmail('once'), 'wrong-guess', '198.51.100.101');
    const rows = async () =>
      (
        await t.sql(
          `SELECT lane FROM sign_in_throttles
           WHERE (lane = 'address' AND key = $1) OR (lane = 'source' AND key IN ('198.51.100.100', '198.51.100.101'))
           ORDER BY lane, key`,
          [addressKey(email)],
        )
      ).rows.map((r: { lane: string }) => r.lane);
    const prune = () => t.app.get(SignInThrottleService).prune();
    await prune();
    expect(await rows()).toEqual(['address', 'source', 'source']);
    // A source forgets one failure per quarter of an hour: the one that failed once is spent.
    t.clock.advance(16 * 60_000);
    await prune();
    expect(await rows()).toEqual(['address', 'source']);
    // An address forgets one per hour of quiet after its delay ended: six failures take six hours.
    t.clock.advance(5 * 3600_000);
    await prune();
    expect(await rows()).toEqual(['address']);
    t.clock.advance(3600_000);
    await prune();
    expect(await rows()).toEqual([]);
  });
});
