import { realTiming, type Timing } from "./retry.js";

/**
 * The request budget every Graph call draws from. Graph limits an app per tenant
 * (3,000 identity writes per 150 s), not per connection, so one budget is shared by all
 * calls: `acquire` waits for room in the rate and for any pause; `pause` (after a 429)
 * stops every caller, not only the one that was throttled.
 *
 * The in-process implementation below serves one process; a Redis-backed one can be
 * injected to share the budget across worker processes.
 */
export interface GraphBudget {
  /** Resolves when `requests` Graph requests may be sent (each $batch item counts as one). */
  acquire(requests: number): Promise<void>;
  /** Nobody sends for `ms` from now (a later pause never shortens an earlier one). */
  pause(ms: number): void;
}

export interface LocalBudgetOptions {
  /** Sustained rate; Graph's identity write limit is 20/s per app and tenant. */
  requestsPerSecond?: number;
  /** How many requests may go at once from a rested budget. */
  burst?: number;
  timing?: Pick<Timing, "now" | "sleep">;
}

/**
 * A token bucket written as a "theoretical arrival time" (GCRA): `tat` is when the
 * bucket would be full again. A request larger than the burst (a $batch of 20) goes at
 * once from a rested bucket and puts it in debt, so later requests wait it off; the
 * sustained rate is kept without making a batch wait for 20 tokens first.
 */
export function createLocalBudget(options: LocalBudgetOptions = {}): GraphBudget {
  const rate = options.requestsPerSecond ?? 20;
  if (!(rate > 0)) throw new RangeError("requestsPerSecond must be positive");
  const interval = 1000 / rate;
  const burst = Math.max(1, options.burst ?? 5);
  const { now, sleep } = options.timing ?? realTiming;
  let tat = Number.NEGATIVE_INFINITY;
  let pausedUntil = Number.NEGATIVE_INFINITY;

  return {
    async acquire(requests) {
      const cost = Math.max(0, requests);
      const t = now();
      const start = Math.max(t, pausedUntil);
      const bucketFullAt = Math.max(tat, start);
      const sendAt = Math.max(start, bucketFullAt - (burst - 1) * interval);
      tat = bucketFullAt + cost * interval;
      await sleep(sendAt - t);
      // A 429 seen while this caller slept pauses it too.
      for (let late = pausedUntil - now(); late > 0; late = pausedUntil - now()) await sleep(late);
    },
    pause(ms) {
      const until = now() + Math.max(0, ms);
      if (until > pausedUntil) pausedUntil = until;
    },
  };
}
