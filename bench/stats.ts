/** Small numeric helpers shared by the bench's parts, its client thread and its reference process. */

export const now = () => performance.now();

/** The p-th percentile (nearest rank) of `xs`; NaN when there is none. */
export function pct(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] : NaN;
}

export const median = (xs: readonly number[]) => pct(xs, 50);

export const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
