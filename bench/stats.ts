/** Small numeric helpers shared by the bench's parts, its client thread and its reference process. */

import { readFileSync } from 'node:fs';

export const now = () => performance.now();

/** The p-th percentile (nearest rank) of `xs`; NaN when there is none. */
export function pct(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] : NaN;
}

export const median = (xs: readonly number[]) => pct(xs, 50);

export const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

/**
 * The whole machine's CPU time so far (every core, every process: the server, its database, the bench's
 * clients), from Linux's /proc/stat; null elsewhere. Two readings give the CPU a measured stretch cost
 * and how much of the machine was left idle meanwhile: on a machine with no idle left, CPU per send is
 * what decides the rate.
 */
export function machineCpu(): { busyMs: number; totalMs: number } | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
    const [, ...ticks] = line.trim().split(/\s+/).map(Number); // user nice system idle iowait irq softirq steal …
    const tickMs = 10; // USER_HZ is 100 on Linux
    // Busy: user, nice, system, irq, softirq. Not idle or iowait, nor steal (a virtual machine's host
    // running someone else): none of it is this machine's work.
    const busy = ticks[0] + ticks[1] + ticks[2] + ticks[5] + ticks[6];
    const total = ticks.slice(0, 8).reduce((a, b) => a + b, 0);
    return { busyMs: busy * tickMs, totalMs: total * tickMs };
  } catch {
    return null;
  }
}

/** CPU milliseconds the machine spent per item between two `machineCpu` readings, and its idle share. */
export function cpuPer(
  before: ReturnType<typeof machineCpu>,
  after: ReturnType<typeof machineCpu>,
  items: number,
): { cpuMsEach: number; idleShare: number } | null {
  if (!before || !after || after.totalMs <= before.totalMs) return null;
  const busy = after.busyMs - before.busyMs;
  return { cpuMsEach: round(busy / items, 3), idleShare: round(1 - busy / (after.totalMs - before.totalMs)) };
}
