import { StrongroomApiError, StrongroomNetworkError } from './http.js';

/**
 * How long the SDK keeps trying through failures that are not the request's fault (the network, a
 * timeout, a socket that dropped, the server answering 5xx, e.g. `503 service_unavailable` while its
 * database is away), and how it spaces its attempts.
 */
export interface RetryPolicy {
  /**
   * How long one operation (a send, a key fetch, a page of messages) keeps trying before it gives up,
   * counted from when it was asked for. A live subscription's catch-up never gives up while subscribed.
   */
  giveUpAfterMs: number;
  /** The first wait; each later one doubles, up to `maxDelayMs`, and is drawn at random below that (jitter). */
  firstDelayMs: number;
  /** The longest wait between two attempts (a server's `Retry-After` is still honoured when longer). */
  maxDelayMs: number;
  /**
   * Told before each wait, with what failed and how long the wait is, so an application can say it is
   * still trying (the CLI does, once per operation). Never needed for correctness.
   */
  onRetry?: (err: unknown, waitMs: number, attempt: number) => void;
}

/** A minute of trying, waits from ¼ s growing to 5 s. */
export const DEFAULT_RETRY: RetryPolicy = { giveUpAfterMs: 60_000, firstDelayMs: 250, maxDelayMs: 5_000 };

/**
 * Whether the same request may succeed if simply sent again: the server could not be reached or did not
 * answer in time (`StrongroomNetworkError`), or answered 5xx (its database away, an instance going down
 * behind a load balancer). A 4xx is the server's considered answer and is never retried here (callers
 * handle the few 409s that mean "redo it differently", such as `epoch_stale`).
 */
export function isTransient(err: unknown): boolean {
  if (err instanceof StrongroomNetworkError) return true;
  return err instanceof StrongroomApiError && err.status >= 500;
}

/** The wait a server asked for (`details.retryAfterSeconds`, as sent with 429 and 503), in ms. */
function retryAfterMs(err: unknown): number {
  const s = err instanceof StrongroomApiError ? err.details?.retryAfterSeconds : undefined;
  return typeof s === 'number' && s > 0 ? s * 1000 : 0;
}

/**
 * Spaces the attempts of one operation and says when its time is spent. Exponential back-off with full
 * jitter (so clients that failed together do not come back together), never shorter than a server's
 * `Retry-After`, and never past the deadline: the last attempt is made at it.
 */
export class Backoff {
  private attempt = 0;
  readonly deadline: number;

  constructor(
    private readonly policy: RetryPolicy,
    /** Ends any wait at once, and makes `wait` answer false (a subscription that stopped). */
    private readonly signal?: AbortSignal,
  ) {
    this.deadline = Date.now() + policy.giveUpAfterMs;
  }

  /** Whether the time for this operation is spent (or it was stopped). */
  get expired(): boolean {
    return this.signal?.aborted === true || Date.now() >= this.deadline;
  }

  /** Starts the waits again from the shortest (after an attempt that made progress). */
  reset(): void {
    this.attempt = 0;
  }

  /**
   * Waits before the next attempt after `err`. Resolves false, without waiting, when the time is spent
   * or the operation was stopped: the caller then gives up.
   */
  async wait(err?: unknown): Promise<boolean> {
    if (this.expired) return false;
    const ceiling = Math.min(this.policy.maxDelayMs, this.policy.firstDelayMs * 2 ** this.attempt++);
    const delay = Math.min(Math.max(Math.random() * ceiling, retryAfterMs(err)), this.deadline - Date.now());
    this.policy.onRetry?.(err, delay, this.attempt);
    await sleep(delay, this.signal);
    return this.signal?.aborted !== true;
  }
}

/** Resolves after `ms`, or at once when `signal` aborts. */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, ms));
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Runs `op` until it succeeds, fails for good (anything `isTransient` says no to), or `backoff` runs out;
 * then throws the last error. For requests that may be sent again as they are (reads, idempotent writes).
 */
export async function retrying<T>(op: () => Promise<T>, backoff: Backoff): Promise<T> {
  for (;;) {
    try {
      return await op();
    } catch (err) {
      if (!isTransient(err) || !(await backoff.wait(err))) throw err;
    }
  }
}
