/**
 * Carries Graph's "slow down" from the Directory to the queue: the Graph client calls
 * `onThrottle` on every 429, and the worker pauses the whole BullMQ queue (every worker
 * process on this Redis) for Retry-After, instead of letting other jobs pile more requests
 * onto a throttled tenant. The Graph client is built before the worker, hence the relay.
 *
 * A 429 of one route class (writes, reads, reports, Conditional Access) pauses only that
 * class, in the Graph budget shared through Redis (class-budget.ts): the queue keeps running,
 * so a status is not held up by a bulk's write limit. Only a 429 of no class pauses the queue.
 */
export class ThrottleRelay {
  private pause: ((ms: number) => Promise<void>) | undefined;
  private pausedUntil = 0;

  readonly onThrottle = (retryAfterMs: number, routeClass?: string): void => {
    if (routeClass !== undefined) return;
    const until = Date.now() + retryAfterMs;
    // Several calls see the same 429 window: one pause per window is enough.
    if (until <= this.pausedUntil) return;
    this.pausedUntil = until;
    void this.pause?.(retryAfterMs).catch(() => {});
  };

  attach(pause: (ms: number) => Promise<void>): void {
    this.pause = pause;
  }
}
