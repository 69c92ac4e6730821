/**
 * A token bucket for one socket's inbound events: `rate` a second on average, up to `burst` at once. An
 * event over budget is refused (`limited`); a socket that goes on sending as many again while refused is
 * cut (`cut`). Only this socket's own events count, so one flooding client cannot slow anyone else's.
 */
export class SocketBudget {
  private tokens: number;
  private last: number;
  private refusedInARow = 0;

  constructor(
    private readonly rate: number,
    private readonly burst: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = burst;
    this.last = now();
  }

  take(): 'ok' | 'limited' | 'cut' {
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) / 1000) * this.rate);
    this.last = t;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      this.refusedInARow = 0;
      return 'ok';
    }
    this.refusedInARow++;
    return this.refusedInARow > this.burst ? 'cut' : 'limited';
  }
}
