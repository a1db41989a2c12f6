/**
 * A sliding one-second window over the whole server, like Graph's per-app budget
 * in miniature: at most `perSecond` requests in any 1000 ms. Throttled requests do
 * not use up budget. The clock is injected so tests can step time instead of waiting.
 */
export type RateDecision = { ok: true } | { ok: false; retryAfterSeconds: number };

export class RateLimiter {
  private readonly accepted: number[] = [];
  private head = 0;

  constructor(
    private readonly perSecond: number,
    private readonly now: () => number = Date.now,
  ) {
    if (!(perSecond > 0))
      throw new RangeError(`rate limit must be above 0 requests per second, not ${perSecond}`);
  }

  take(): RateDecision {
    const now = this.now();
    while (this.head < this.accepted.length && this.accepted[this.head]! <= now - 1000) this.head++;
    if (this.head > 1024 && this.head * 2 > this.accepted.length) {
      this.accepted.splice(0, this.head);
      this.head = 0;
    }
    if (this.accepted.length - this.head < this.perSecond) {
      this.accepted.push(now);
      return { ok: true };
    }
    const oldest = this.accepted[this.head]!;
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((oldest + 1000 - now) / 1000)) };
  }
}
