/**
 * A token bucket shared by every request made with one API key. The vendor allows 10 requests per
 * second per key. A bucket of capacity b refilled at r per second lets through at most b + r·T
 * requests in any window T, so b + r ≤ 10 keeps every one-second window at or under the limit
 * (a bucket of 10 refilled at 10/s would allow 20 in the first second). The default (b = 1, r = 9)
 * also leaves a margin for requests that arrive bunched after network jitter.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private queue: Promise<void> = Promise.resolve();

  constructor(readonly ratePerSecond: number, readonly capacity: number, private readonly now = () => performance.now()) {
    if (!(ratePerSecond > 0) || !(capacity >= 1)) throw new Error("a token bucket needs a positive rate and a capacity of at least 1");
    this.tokens = capacity;
    this.last = now();
  }

  /** Resolves when a request may be sent; waiters are served in order. */
  take(): Promise<void> {
    const turn = this.queue.then(async () => {
      this.refill();
      if (this.tokens < 1) {
        await new Promise((r) => setTimeout(r, Math.ceil(((1 - this.tokens) / this.ratePerSecond) * 1000)));
        this.refill();
      }
      this.tokens = Math.max(0, this.tokens - 1);
    });
    this.queue = turn;
    return turn;
  }

  private refill(): void {
    const t = this.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((t - this.last) / 1000) * this.ratePerSecond);
    this.last = t;
  }
}
