/**
 * Progressive lock-out after a failed sign-in: from the threshold on, each failure doubles the wait
 * (1 min, 2, 4 … up to 1 h). `failures` counts this one; null means no lock yet.
 */
export function lockedUntilAfter(failures: number, threshold: number, now: Date): Date | null {
  const over = failures - threshold;
  return over >= 0 ? new Date(now.getTime() + Math.min(60, 2 ** over) * 60_000) : null;
}
