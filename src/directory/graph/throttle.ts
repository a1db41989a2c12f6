import type { GraphLane } from "./lane.js";
import { realTiming, type Timing } from "./retry.js";
import type { GraphRouteClass } from "./route-class.js";

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
  /**
   * Resolves when `requests` Graph requests (resource units, for reads) of the claim's
   * class may be sent. Budgets without classes (this file's, the Redis one) ignore the claim.
   */
  acquire(requests: number, claim?: BudgetClaim): Promise<void>;
  /**
   * Nobody sends for `ms` from now (a later pause never shortens an earlier one); with a
   * class, only that class's senders wait (class-budget.ts).
   */
  pause(ms: number, routeClass?: GraphRouteClass): void;
}

/** What a request draws on: its route class and whose work it is (lane.ts). */
export interface BudgetClaim {
  routeClass?: GraphRouteClass;
  lane?: GraphLane;
  /**
   * Longer than this and the caller would rather not send at all: `acquire` throws a
   * "throttled" DirectoryError (retryAfterMs: the wait) and takes nothing. For reads with a
   * cheaper source elsewhere (the registration report, whose limit is 5 per 10 s).
   */
  maxWaitMs?: number;
}

export interface LocalBudgetOptions {
  /** Sustained rate; Graph's identity write limit is 20/s per app and tenant. */
  requestsPerSecond?: number;
  /** How many requests may go at once from a rested budget. */
  burst?: number;
  /**
   * Fraction of the rate left unused (0 ≤ headroom < 1; default 0). Graph counts requests
   * as they arrive, the budget as they leave: pacing exactly at the limit, a little network
   * jitter puts more than a window's worth into one of Graph's windows, and each 429 then
   * costs everyone a whole Retry-After — far more than a few percent of the rate.
   */
  headroom?: number;
  /**
   * Also never more than `requestsPerSecond` in any one second (stretched by the headroom).
   * The token bucket alone keeps the average but, mixing $batches of 20 with single
   * requests, can put a batch more than the rate into one second; a service counting in
   * a sliding window answers that with a 429. Default false.
   */
  slidingWindow?: boolean;
  timing?: Pick<Timing, "now" | "sleep">;
}

/**
 * A token bucket written as a "theoretical arrival time" (GCRA): `tat` is when the
 * bucket would be full again. A request larger than the burst (a $batch of 20) goes at
 * once from a rested bucket and puts it in debt, so later requests wait it off; the
 * sustained rate is kept without making a batch wait for 20 tokens first. With
 * `slidingWindow`, callers are admitted in order and each also waits for room in the
 * last second's count.
 */
export function createLocalBudget(options: LocalBudgetOptions = {}): GraphBudget {
  const rate = options.requestsPerSecond ?? 20;
  if (!(rate > 0)) throw new RangeError("requestsPerSecond must be positive");
  const headroom = options.headroom ?? 0;
  if (!(headroom >= 0 && headroom < 1)) throw new RangeError("headroom must be at least 0 and below 1");
  const interval = 1000 / (rate * (1 - headroom));
  const burst = Math.max(1, options.burst ?? 5);
  const { now, sleep } = options.timing ?? realTiming;
  let tat = Number.NEGATIVE_INFINITY;
  let pausedUntil = Number.NEGATIVE_INFINITY;

  async function bucket(cost: number): Promise<void> {
    for (;;) {
      const t = now();
      const start = Math.max(t, pausedUntil);
      const bucketFullAt = Math.max(tat, start);
      const sendAt = Math.max(start, bucketFullAt - (burst - 1) * interval);
      tat = bucketFullAt + cost * interval;
      await sleep(sendAt - t);
      // A 429 seen while this caller slept voids its slot: it queues again behind the pause,
      // rather than every waiting caller going at once when the pause ends.
      if (now() >= pausedUntil) return;
    }
  }

  // The sliding window: at most `limit` requests sent in any `windowMs`, oldest first.
  const limit = Math.max(1, rate);
  const windowMs = ((limit / rate) * 1000) / (1 - headroom);
  const sent: Array<{ at: number; cost: number }> = [];
  let inWindow = 0;
  let queue: Promise<void> = Promise.resolve();
  let waiting = 0;

  function windowWait(cost: number): number {
    const t = now();
    while (sent.length > 0 && (sent[0]?.at ?? t) <= t - windowMs) inWindow -= sent.shift()?.cost ?? 0;
    // A request larger than the whole window (never, for Graph's 20 a batch) goes alone.
    let excess = inWindow + Math.min(cost, limit) - limit;
    if (excess <= 0) return 0;
    for (const entry of sent) {
      excess -= entry.cost;
      if (excess <= 0) return entry.at + windowMs - t;
    }
    return 0;
  }

  async function windowed(cost: number): Promise<void> {
    await bucket(cost);
    for (;;) {
      const wait = Math.max(windowWait(cost), pausedUntil - now());
      if (wait <= 0) break;
      await sleep(wait);
    }
    sent.push({ at: now(), cost });
    inWindow += cost;
  }

  return {
    acquire(requests) {
      const cost = Math.max(0, requests);
      if (!options.slidingWindow) return bucket(cost);
      // In order; a caller with nobody ahead starts at once, not a tick later.
      waiting++;
      const turn = (waiting === 1 ? windowed(cost) : queue.then(() => windowed(cost))).finally(() => {
        waiting--;
      });
      queue = turn.catch(() => {});
      return turn;
    },
    pause(ms) {
      const until = now() + Math.max(0, ms);
      if (until > pausedUntil) pausedUntil = until;
    },
  };
}
