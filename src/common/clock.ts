/**
 * The time source for every rule that depends on dates (expiry, withdrawals, lock-outs). Tests
 * replace it to prove date rules exactly, without sleeping.
 */
export abstract class Clock {
  abstract now(): Date;

  /**
   * Calls `fn` once `when` has come by this clock (at once, asynchronously, if it already has). Returns
   * a function that cancels it. Timers never keep the process alive.
   */
  abstract at(when: Date, fn: () => void): () => void;
}

/** The longest delay Node's timers take (about 24.8 days); a later moment is reached in steps. */
const MAX_TIMER_MS = 2_147_483_647;

export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }

  at(when: Date, fn: () => void): () => void {
    let timer: NodeJS.Timeout;
    const arm = () => {
      const wait = when.getTime() - Date.now();
      timer = setTimeout(wait > MAX_TIMER_MS ? arm : fn, Math.max(0, Math.min(wait, MAX_TIMER_MS)));
      timer.unref();
    };
    arm();
    return () => clearTimeout(timer);
  }
}

/** Adds calendar months in UTC; a day that does not exist in the target month clamps to its last day. */
export function addCalendarMonths(date: Date, months: number): Date {
  const y = date.getUTCFullYear();
  const m = date.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  const day = Math.min(date.getUTCDate(), lastDay);
  return new Date(
    Date.UTC(y, m, day, date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds(), date.getUTCMilliseconds()),
  );
}
