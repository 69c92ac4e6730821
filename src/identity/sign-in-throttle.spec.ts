import {
  addressAfterFailure,
  afterFailure,
  delayMs,
  failuresNow,
  inSpell,
  pairAfterFailure,
  waitMs,
  type AddressState,
  type LaneState,
  type ThrottlePolicies,
} from './sign-in-throttle.js';

const MIN = 60_000;
/** The defaults of docs/operations.md. */
const P: ThrottlePolicies = {
  address: { free: 5, firstDelayMs: MIN, maxDelayMs: 15 * MIN, forgiveMs: 60 * MIN },
  source: { free: 20, firstDelayMs: MIN, maxDelayMs: 24 * 60 * MIN, forgiveMs: 15 * MIN },
  pair: { free: 0, firstDelayMs: MIN, maxDelayMs: 24 * 60 * MIN, forgiveMs: 60 * MIN },
};
const T0 = new Date('2026-03-02T09:00:00.000Z').getTime();
const at = (ms: number) => new Date(T0 + ms);

describe('sign-in throttling rules', () => {
  it('allows the free failures, then delays 1 minute, doubling to the cap', () => {
    const minutes = (n: number, p = P.address) => delayMs(n, p) / MIN;
    expect([1, 5].map((n) => minutes(n))).toEqual([0, 0]);
    expect([6, 7, 8, 9, 10, 11, 60].map((n) => minutes(n))).toEqual([1, 2, 4, 8, 15, 15, 15]);
    expect([20, 21, 22, 31, 32, 1000].map((n) => minutes(n, P.source))).toEqual([0, 1, 2, 1024, 1440, 1440]);
  });

  it('forgets one failure per quiet interval, counted from the end of the last delay', () => {
    const s: LaneState = { failures: 8, lastFailureAt: at(0), blockedUntil: at(4 * MIN) };
    expect(failuresNow(s, P.address, at(60 * MIN))).toBe(8); // the delay ended at 4 minutes: not an hour yet
    expect(failuresNow(s, P.address, at(64 * MIN))).toBe(7);
    expect(failuresNow(s, P.address, at(4 * MIN + 3 * 60 * MIN))).toBe(5);
    expect(failuresNow(s, P.address, at(24 * 60 * MIN))).toBe(0);
    expect(failuresNow(null, P.address, at(0))).toBe(0);
    expect(afterFailure(s, P.address, at(64 * MIN))).toEqual({
      failures: 8,
      lastFailureAt: at(64 * MIN),
      blockedUntil: at(64 * MIN + 4 * MIN),
    });
  });

  it('starts a spell at the first delay and continues it while failures come within the cap of its end', () => {
    let a: AddressState | null = null;
    for (let i = 0; i < 5; i++) a = addressAfterFailure(a, P.address, at(i * 1000));
    expect(a).toMatchObject({ failures: 5, blockedUntil: null, throttledSince: null });
    a = addressAfterFailure(a, P.address, at(10_000));
    expect(a).toMatchObject({ failures: 6, blockedUntil: at(10_000 + MIN), throttledSince: at(10_000) });
    // Failing again as soon as the delay ends continues the spell: it does not start a new one.
    a = addressAfterFailure(a, P.address, at(10_000 + MIN));
    expect(a.throttledSince).toEqual(at(10_000));
    // Until the cap after the delay ends, the spell goes on; after that it is over, and a failure starts another.
    const end = a.blockedUntil!.getTime() - T0;
    expect(inSpell(a, P.address, at(end + 15 * MIN - 1))).toBe(true);
    expect(inSpell(a, P.address, at(end + 15 * MIN))).toBe(false);
    expect(addressAfterFailure(a, P.address, at(end + 15 * MIN)).throttledSince).toEqual(at(end + 15 * MIN));
  });

  it('holds a throttled source back at every address, known or not', () => {
    let source: LaneState | null = null;
    for (let i = 0; i < 21; i++) source = afterFailure(source, P.source, at(0));
    expect(waitMs({ address: null, source, pair: null }, P, at(0))).toBe(MIN);
  });

  it('makes a source that has not failed wait no longer than the cap, however an attacker times failures from fresh sources', () => {
    let address: AddressState | null = null;
    let now = 0;
    const fail = () => (address = addressAfterFailure(address, P.address, at(now)));
    for (let i = 0; i < 6; i++) fail();
    const start = now;
    let userTriesAt = now;
    let signedInAt: number | null = null;
    // Every second for two hours, a fresh attacker source fails whenever it would be let through, always
    // just before the user; the user, at a clean source, tries again exactly when told.
    for (now = start; now < start + 120 * MIN && signedInAt === null; now += 1000) {
      if (waitMs({ address, source: null, pair: null }, P, at(now)) === 0) fail();
      if (now >= userTriesAt) {
        const wait = waitMs({ address, source: null, pair: null }, P, at(now));
        if (wait === 0) signedInAt = now;
        else userTriesAt = now + wait;
      }
    }
    expect(signedInAt).not.toBeNull();
    expect(signedInAt! - start).toBeLessThanOrEqual(15 * MIN);
    // The attacker kept the address throttled all along: only the rule above let the user through.
    expect(address!.blockedUntil!.getTime()).toBeGreaterThan(T0 + signedInAt!);
  });

  it('during a spell, holds a source that failed at the address back by its own delay, growing past the cap', () => {
    let address: AddressState | null = null;
    let pair: LaneState | null = null;
    let now = 0;
    const waits: number[] = [];
    for (let i = 0; i < 14; i++) {
      const wait = waitMs({ address, source: null, pair }, P, at(now));
      waits.push(wait / MIN);
      now += wait;
      address = addressAfterFailure(address, P.address, at(now));
      pair = pairAfterFailure(pair, address, P.pair, at(now)) ?? pair;
    }
    // Five free failures, then the longer of the address's delay (capped at 15 minutes) and this source's
    // own, which keeps doubling even when its waits outlast the address's spell and a new one begins.
    expect(waits).toEqual([0, 0, 0, 0, 0, 0, 1, 2, 4, 8, 16, 32, 64, 128]);
  });

  it('counts a source’s failures at an address only during a spell, so a typo on an ordinary day costs no wait', () => {
    let address: AddressState | null = null;
    for (let i = 0; i < 5; i++) {
      address = addressAfterFailure(address, P.address, at(0));
      expect(pairAfterFailure(null, address, P.pair, at(0))).toBeNull();
    }
    address = addressAfterFailure(address, P.address, at(0));
    expect(pairAfterFailure(null, address, P.pair, at(0))).toEqual({
      failures: 1,
      lastFailureAt: at(0),
      blockedUntil: at(MIN),
    });
    // Outside a spell, a source's delay at the address is not consulted at all.
    const earlier: LaneState = { failures: 9, lastFailureAt: at(0), blockedUntil: at(10 * MIN) };
    expect(waitMs({ address: null, source: null, pair: earlier }, P, at(1000))).toBe(0);
  });
});
