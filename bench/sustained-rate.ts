/**
 * Max sustained rate (issue 17): one sender at a fixed rate, raised ×1.5 every 5 s step, until a step
 * fails. A step passes when at least 95 % of its messages were sent in its time, none was refused,
 * every message reached every member within 5 s of being due, and the p99 from due to arrival is at
 * most 100 ms. The same ramp drives Strongroom and the bare relay, so the two figures compare.
 *
 * A failed step is run once more at the same rate before the ramp stops: with a 100 ms p99 over 5 s,
 * one pause of a tenth of a second anywhere on the machine (another process, a collection) fails a
 * step, and on a shared machine that says more about the neighbours than about the server. Both
 * attempts are reported.
 */
import type { LoadResult } from './load-worker.js';
import { round } from './stats.js';

export const RAMP = {
  startRate: 50,
  factor: 1.5,
  stepSeconds: 5,
  /** Before the first step, unjudged: a cold client thread and cold code paths take about half a second. */
  warmupSeconds: 2,
  /** Steps above this rate are not run: the bare relay reaches it on a quiet machine, nothing needs more. */
  capRate: 20_000,
  /** Times a failed step is run again at the same rate before the ramp stops. */
  repeatsOfAFailedStep: 1,
  /** Sent in the step's time, of what its rate asks for. */
  minSentShare: 0.95,
  deadlineMs: 5000,
  maxP99Ms: 100,
} as const;

/**
 * A step as the client thread measured it, with how busy the server's thread was meanwhile (its event
 * loop's utilisation, 0 to 1): near 1, the server's own thread is what holds the rate back; well under,
 * its sends were waiting on something else (the database, the machine's other threads). `machineIdle`:
 * the share of every core left idle meanwhile (null where /proc/stat cannot be read).
 */
export type StepResult = Extract<LoadResult, { kind: 'step' }> & { serverBusy: number; machineIdle: number | null };

export interface StepOutcome {
  rate: number;
  /** 1 for a step's first run, 2 for its repeat after a failure. */
  attempt: number;
  sentShare: number;
  refused: number;
  unacknowledged: number;
  /** Arrivals within the deadline, of every (message sent × member). */
  onTimeShare: number;
  /** Null when more than half (for p50) or 1 % (for p99) of the arrivals were missing or past the deadline. */
  p50ms: number | null;
  p99ms: number | null;
  /** From due to acknowledgement, over the sends acknowledged (null: none was). */
  ackP50ms: number | null;
  ackP99ms: number | null;
  /** Share of the step the server's thread was busy (its event loop's utilisation). */
  serverBusy: number;
  /** Share of the machine's cores left idle during the step (null: not known here). */
  machineIdle: number | null;
  passed: boolean;
  /** Why the step failed, in words; null when it passed. */
  why: string | null;
}

export interface RampResult {
  /** The highest rate that passed; null when the first step failed. */
  lastPassingRate: number | null;
  /** The step that stopped the ramp (its repeat, which failed too); null when every step up to the cap passed. */
  firstFailing: StepOutcome | null;
  steps: StepOutcome[];
}

/** 50, 75, 113, 169, … up to the cap. */
export function rampRates(): number[] {
  const rates = [];
  for (let r: number = RAMP.startRate; Math.round(r) <= RAMP.capRate; r *= RAMP.factor) rates.push(Math.round(r));
  return rates;
}

const finite = (x: number) => (Number.isFinite(x) ? round(x) : null);

/** A step's verdict against the rules above, with every reason it failed. */
export function judgeStep(rate: number, attempt: number, r: StepResult): StepOutcome {
  const target = rate * RAMP.stepSeconds;
  const sentShare = r.sent / target;
  const onTimeShare = r.expected ? r.onTime / r.expected : 0;
  const why = [];
  if (sentShare < RAMP.minSentShare) why.push(`sent ${round(sentShare * 100, 1)} % of the ${target} due`);
  if (r.refused) why.push(`${r.refused} sends refused`);
  if (r.unacknowledged) why.push(`${r.unacknowledged} sends not acknowledged within ${RAMP.deadlineMs / 1000} s`);
  if (r.onTime < r.expected)
    why.push(
      `${r.expected - r.onTime} of ${r.expected} arrivals missing or later than ${RAMP.deadlineMs / 1000} s after due`,
    );
  if (!(r.p99ms <= RAMP.maxP99Ms))
    why.push(`p99 ${Number.isFinite(r.p99ms) ? `${round(r.p99ms)} ms` : 'past the deadline'} > ${RAMP.maxP99Ms} ms`);
  return {
    rate,
    attempt,
    sentShare: round(sentShare, 3),
    refused: r.refused,
    unacknowledged: r.unacknowledged,
    onTimeShare: round(onTimeShare, 4),
    p50ms: finite(r.p50ms),
    p99ms: finite(r.p99ms),
    ackP50ms: finite(r.ackP50ms),
    ackP99ms: finite(r.ackP99ms),
    serverBusy: round(r.serverBusy),
    machineIdle: r.machineIdle,
    passed: why.length === 0,
    why: why.length ? why.join('; ') : null,
  };
}

/**
 * Runs steps at rising rates until one fails or the cap is passed. `runStep` makes the step's
 * messages and sends them (bench/load-worker.ts `step`) on connections kept open across the steps.
 */
export async function ramp(
  label: string,
  runStep: (rate: number, seconds: number) => Promise<StepResult>,
  log: (s: string) => void,
): Promise<RampResult> {
  log(`[8] sustained rate, ${label}: warming up at ${RAMP.startRate} msg/s for ${RAMP.warmupSeconds} s…\n`);
  await runStep(RAMP.startRate, RAMP.warmupSeconds);
  const steps: StepOutcome[] = [];
  let lastPassingRate: number | null = null;
  for (const rate of rampRates()) {
    for (let attempt = 1; ; attempt++) {
      log(`[8] sustained rate, ${label}: ${rate} msg/s for ${RAMP.stepSeconds} s${attempt > 1 ? ', again' : ''}…\n`);
      const outcome = judgeStep(rate, attempt, await runStep(rate, RAMP.stepSeconds));
      steps.push(outcome);
      if (outcome.passed) break;
      log(`    failed: ${outcome.why}\n`);
      if (attempt > RAMP.repeatsOfAFailedStep) return { lastPassingRate, firstFailing: outcome, steps };
    }
    lastPassingRate = rate;
  }
  return { lastPassingRate, firstFailing: null, steps };
}
