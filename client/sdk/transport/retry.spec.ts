import { StrongroomApiError, StrongroomNetworkError } from './http.js';
import { Backoff, isTransient, retrying } from './retry.js';

const unavailable = () =>
  new StrongroomApiError(503, 'service_unavailable', 'The server cannot reach its database just now.', {
    retryAfterSeconds: 2,
  });
const unreachable = () => new StrongroomNetworkError('http://127.0.0.1:9', new Error('fetch failed'));

/** Whether a promise has settled, without waiting for it. */
async function settled(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  void p.then(
    () => (done = true),
    () => (done = true),
  );
  await Promise.resolve();
  await Promise.resolve();
  return done;
}

describe('isTransient', () => {
  it.each([
    ['a network error', unreachable(), true],
    ['503 service_unavailable', unavailable(), true],
    ['500 internal_error', new StrongroomApiError(500, 'internal_error', 'x'), true],
    ['a 502 from a proxy, without our error body', new StrongroomApiError(502, 'http_error', 'HTTP 502'), true],
    ['409 epoch_stale (redone differently, by its caller)', new StrongroomApiError(409, 'epoch_stale', 'x'), false],
    ['403 not_a_member', new StrongroomApiError(403, 'not_a_member', 'x'), false],
    ['429 rate_limited', new StrongroomApiError(429, 'rate_limited', 'x'), false],
    ['any other error', new Error('bug'), false],
  ])('%s', (_what, err, expected) => {
    expect(isTransient(err)).toBe(expected);
  });
});

describe('Backoff', () => {
  afterEach(() => jest.useRealTimers());

  it('waits at least what the server asked for (Retry-After), even above its own longest wait', async () => {
    jest.useFakeTimers();
    const b = new Backoff({ giveUpAfterMs: 60_000, firstDelayMs: 10, maxDelayMs: 100 });
    const waited = b.wait(unavailable());
    await jest.advanceTimersByTimeAsync(1_999);
    expect(await settled(waited)).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    await expect(waited).resolves.toBe(true);
  });

  it('never waits past its deadline, and says to give up once it has passed', async () => {
    jest.useFakeTimers();
    const b = new Backoff({ giveUpAfterMs: 500, firstDelayMs: 10, maxDelayMs: 100 });
    const waited = b.wait(unavailable()); // asks for 2 s, but only 0.5 s are left
    await jest.advanceTimersByTimeAsync(500);
    await expect(waited).resolves.toBe(true); // the last attempt, at the deadline
    expect(b.expired).toBe(true);
    await expect(b.wait(unavailable())).resolves.toBe(false);
  });

  it('grows its waits (never above the longest) while each stays random below the ceiling', async () => {
    jest.useFakeTimers();
    const random = jest.spyOn(Math, 'random').mockReturnValue(0.999);
    try {
      const b = new Backoff({ giveUpAfterMs: 60_000, firstDelayMs: 100, maxDelayMs: 300 });
      for (const ceiling of [100, 200, 300, 300]) {
        const waited = b.wait();
        await jest.advanceTimersByTimeAsync(ceiling - 2);
        expect(await settled(waited)).toBe(false);
        await jest.advanceTimersByTimeAsync(2);
        await expect(waited).resolves.toBe(true);
      }
    } finally {
      random.mockRestore();
    }
  });

  it('ends a wait at once when stopped, and then says to give up', async () => {
    const stop = new AbortController();
    const b = new Backoff({ giveUpAfterMs: Infinity, firstDelayMs: 60_000, maxDelayMs: 60_000 }, stop.signal);
    const random = jest.spyOn(Math, 'random').mockReturnValue(0.999);
    try {
      const waited = b.wait();
      stop.abort();
      await expect(waited).resolves.toBe(false);
      expect(b.expired).toBe(true);
    } finally {
      random.mockRestore();
    }
  });
});

describe('retrying', () => {
  const quick = () => new Backoff({ giveUpAfterMs: 60_000, firstDelayMs: 1, maxDelayMs: 1 });

  it('tries again through network errors and 5xx answers until it succeeds', async () => {
    const failures = [unreachable(), new StrongroomApiError(500, 'internal_error', 'x'), unreachable()];
    let calls = 0;
    const result = await retrying(() => {
      calls++;
      const next = failures.shift();
      return next ? Promise.reject(next) : Promise.resolve('done');
    }, quick());
    expect({ result, calls }).toEqual({ result: 'done', calls: 4 });
  });

  it('tells the application before each wait, with what failed and which attempt is next', async () => {
    const told: [string, number][] = [];
    const backoff = new Backoff({
      giveUpAfterMs: 60_000,
      firstDelayMs: 1,
      maxDelayMs: 1,
      onRetry: (err, _wait, attempt) => told.push([(err as Error).constructor.name, attempt]),
    });
    const failures = [unreachable(), unavailable()];
    await retrying(() => {
      const next = failures.shift();
      return next ? Promise.reject(next) : Promise.resolve('done');
    }, backoff);
    expect(told).toEqual([
      ['StrongroomNetworkError', 1],
      ['StrongroomApiError', 2],
    ]);
  });

  it('throws a refusal at once, without trying again', async () => {
    let calls = 0;
    const refusal = new StrongroomApiError(403, 'not_a_member', 'You are not a member of this channel.');
    await expect(
      retrying(() => {
        calls++;
        return Promise.reject(refusal);
      }, quick()),
    ).rejects.toBe(refusal);
    expect(calls).toBe(1);
  });

  it('throws the last transient error once its time is spent', async () => {
    const last = unreachable();
    await expect(
      retrying(() => Promise.reject(last), new Backoff({ giveUpAfterMs: 0, firstDelayMs: 1, maxDelayMs: 1 })),
    ).rejects.toBe(last);
  });
});
