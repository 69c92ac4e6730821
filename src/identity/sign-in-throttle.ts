/**
 * Sign-in throttling: the pure rules (docs/operations.md, "Sign-in throttling", has the numbers and why).
 *
 * Failed sign-ins are counted in three lanes, each keyed by something the caller sends rather than by
 * whether an account exists, so an unknown address is throttled exactly as a known one:
 * - the **address** (the e-mail address typed): after a few failures every source waits, for at most
 *   `maxDelayMs` (15 minutes by default) from the moment the address began to be throttled;
 * - the **source** (the caller's network address): delays grow much further, across every address;
 * - the **pair** (this source at this address): while the address is throttled, a source that has failed
 *   on it waits its own delay, doubling with each failure there and not capped at the address's cap, so an
 *   attacker's sources are held back without holding back anyone else's.
 * The guarantee this buys: someone at a source that has not failed waits at most the address's cap, however
 * many other sources keep failing meanwhile. The price: once that cap has passed, each fresh source gets
 * a try at a throttled address, so a many-source attack is slowed per source, not stopped.
 */

/** How one lane counts and delays. */
export interface LanePolicy {
  /** Failures allowed before any delay. */
  free: number;
  /** The first delay; each further failure doubles it. */
  firstDelayMs: number;
  /** The longest delay. */
  maxDelayMs: number;
  /** One failure is forgotten for each `forgiveMs` of quiet after the last delay has passed. */
  forgiveMs: number;
}

export interface LaneState {
  failures: number;
  lastFailureAt: Date;
  /** No attempt is let through this lane before then; null when the lane has no delay. */
  blockedUntil: Date | null;
}

export interface AddressState extends LaneState {
  /** When this address's current spell of throttling began; null when it is in none. */
  throttledSince: Date | null;
}

export interface ThrottlePolicies {
  address: LanePolicy;
  source: LanePolicy;
  pair: LanePolicy;
}

export interface Lanes {
  address: AddressState | null;
  source: LaneState | null;
  pair: LaneState | null;
}

/** The delay after the `failures`-th failure: none up to `free`, then first, doubled each time, capped. */
export function delayMs(failures: number, p: LanePolicy): number {
  const over = failures - p.free;
  if (over <= 0) return 0;
  // 2 ** 40 is far past any cap: stop doubling there so the number stays exact.
  return Math.min(p.maxDelayMs, p.firstDelayMs * 2 ** Math.min(over - 1, 40));
}

/** Failures still counted now: one is forgotten per `forgiveMs` of quiet after the last delay passed. */
export function failuresNow(s: LaneState | null, p: LanePolicy, now: Date): number {
  if (!s) return 0;
  const quietSince = Math.max(s.lastFailureAt.getTime(), s.blockedUntil?.getTime() ?? 0);
  const forgiven = Math.floor(Math.max(0, now.getTime() - quietSince) / p.forgiveMs);
  return Math.max(0, s.failures - forgiven);
}

/** A lane after one more failure at `now`. */
export function afterFailure(s: LaneState | null, p: LanePolicy, now: Date): LaneState {
  const failures = failuresNow(s, p, now) + 1;
  const delay = delayMs(failures, p);
  return { failures, lastFailureAt: now, blockedUntil: delay ? new Date(now.getTime() + delay) : null };
}

/**
 * Whether an address is in a spell of throttling: from its first delay until `maxDelayMs` after its latest
 * delay ends. A failure inside a spell continues it rather than starting a new one, so failing again the
 * moment a delay ends cannot make everyone wait the whole cap over again.
 */
export function inSpell(a: AddressState | null, p: LanePolicy, now: Date): boolean {
  return !!a?.throttledSince && !!a.blockedUntil && now.getTime() < a.blockedUntil.getTime() + p.maxDelayMs;
}

/** An address after one more failure at `now`: its lane, and the spell it is in. */
export function addressAfterFailure(a: AddressState | null, p: LanePolicy, now: Date): AddressState {
  const lane = afterFailure(a, p, now);
  if (!lane.blockedUntil) return { ...lane, throttledSince: null };
  return { ...lane, throttledSince: inSpell(a, p, now) ? a!.throttledSince : now };
}

/**
 * This source at this address after one more failure, given the address as that failure left it. Only
 * failures during a spell of the address count (a typo on an ordinary day costs nothing here), and they are
 * forgotten like any lane's, not when the spell ends: a source cannot wait out a spell to start afresh.
 * Null when the address is in no spell, and there is nothing to record.
 */
export function pairAfterFailure(
  pair: LaneState | null,
  address: AddressState,
  p: LanePolicy,
  now: Date,
): LaneState | null {
  return address.throttledSince ? afterFailure(pair, p, now) : null;
}

/**
 * How long an attempt must wait, in milliseconds, or 0 if it may go ahead (its password is then checked).
 * The longest wait of the lanes that apply:
 * - the source's own delay, whatever the address;
 * - the address's delay, but for everyone only until `maxDelayMs` after its spell began;
 * - during a spell, the delay of this source at this address, if it has failed there.
 */
export function waitMs(lanes: Lanes, p: ThrottlePolicies, now: Date): number {
  const t = now.getTime();
  const waits = [0];
  const until = (s: LaneState | null) => s?.blockedUntil?.getTime() ?? 0;
  if (until(lanes.source) > t) waits.push(until(lanes.source) - t);
  const a = lanes.address;
  if (a?.throttledSince && until(a) > t) {
    const everyoneUntil = Math.min(until(a), a.throttledSince.getTime() + p.address.maxDelayMs);
    if (everyoneUntil > t) waits.push(everyoneUntil - t);
  }
  if (inSpell(a, p.address, now) && until(lanes.pair) > t) waits.push(until(lanes.pair) - t);
  return Math.max(...waits);
}
