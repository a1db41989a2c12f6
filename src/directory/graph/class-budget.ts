import { DirectoryError } from "../errors.js";
import type { GraphLane } from "./lane.js";
import { realTiming, type Timing } from "./retry.js";
import {
  type ClassLimit,
  GRAPH_ROUTE_CLASSES,
  type GraphRouteClass,
  graphClassLimits,
  scaledClassLimit,
} from "./route-class.js";
import type { BudgetClaim, GraphBudget } from "./throttle.js";

/**
 * One budget per route class (route-class.ts), each a token bucket shaped like the limit
 * Graph documents for it: reads never wait for writes, a rested write bucket lets a bulk
 * send its burst, and a 429 pauses only the class it came from. An optional overall cap
 * (`MFA_BOT_GRAPH_RPS`) applies on top of all of them.
 *
 * Lanes: an `interactive` claim books the next room in its class, however far ahead; a
 * `bulk` claim only takes room that is free now and otherwise waits and asks again, so it
 * never books the class ahead of a person's command.
 */

/** One class's bucket, in process or in Redis. */
export interface ClassBucket {
  /**
   * Takes `cost` if the bucket holds it now (→ 0). Otherwise → the ms until it will; with
   * `book`, that room is booked for the caller (who then sends at that time).
   */
  take(cost: number, book: boolean): Promise<number>;
  pause(ms: number): void;
}

/** Share of each class's rate and bucket left unused: clocks and networks jitter. */
export const CLASS_HEADROOM = 0.03;
/** At least this much of each window left unused, whatever the share. */
const MIN_MARGIN_MS = 150;

/** Rate interval (ms per unit) and usable burst of a class, headroom taken off. */
export function bucketShape(
  limit: ClassLimit,
  headroom = CLASS_HEADROOM,
): { intervalMs: number; burst: number } {
  const perUnit = limit.windowMs / limit.count;
  return {
    // A limit of one or a few requests (Conditional Access: 1 a second) gets a fixed margin
    // too: 3 % of a second is less than a busy event loop may hold a request back.
    intervalMs: Math.max(perUnit / (1 - headroom), perUnit + MIN_MARGIN_MS / limit.count),
    burst: Math.max(1, Math.floor(limit.count * (1 - headroom))),
  };
}

export interface ClassLimitOptions {
  /** Same factor as the sandbox's `--limit-scale` (tests, benchmarks); default 1. */
  limitScale?: number;
  /** Read resource units per 10 s (the tenant's size column); default 3,500. */
  readUnitsPer10s?: number;
}

export function classLimits(options: ClassLimitOptions = {}): Record<GraphRouteClass, ClassLimit> {
  const scale = options.limitScale ?? 1;
  if (!(scale > 0 && scale <= 1)) throw new RangeError("limitScale must be above 0 and at most 1");
  const documented = graphClassLimits(options.readUnitsPer10s);
  return Object.fromEntries(
    GRAPH_ROUTE_CLASSES.map((c) => [c, scaledClassLimit(documented[c], scale)]),
  ) as Record<GraphRouteClass, ClassLimit>;
}

/** GCRA in memory: `tat` is when the bucket is full again. */
export function createLocalClassBucket(limit: ClassLimit, now: () => number): ClassBucket {
  const { intervalMs, burst } = bucketShape(limit);
  let tat = Number.NEGATIVE_INFINITY;
  let pausedUntil = Number.NEGATIVE_INFINITY;
  return {
    async take(cost, book) {
      const t = now();
      const start = Math.max(t, pausedUntil);
      const full = Math.max(tat, start);
      const sendAt = Math.max(start, full - (burst - Math.min(cost, burst)) * intervalMs);
      if (sendAt > t && !book) return sendAt - t;
      tat = full + cost * intervalMs;
      return Math.max(0, sendAt - t);
    },
    pause(ms) {
      pausedUntil = Math.max(pausedUntil, now() + Math.max(0, ms));
    },
  };
}

export interface ClassBudgetOptions {
  buckets: Record<GraphRouteClass, ClassBucket>;
  /** The optional overall cap, drawn after the class. */
  overall?: GraphBudget;
  sleep?: Timing["sleep"];
}

/** The class a claim without one counts against: reads, the cheapest to be wrong about. */
const DEFAULT_CLASS: GraphRouteClass = "reads";

export function createClassBudget(options: ClassBudgetOptions): GraphBudget {
  const sleep = options.sleep ?? realTiming.sleep;
  return {
    async acquire(requests: number, claim?: BudgetClaim) {
      const bucket = options.buckets[claim?.routeClass ?? DEFAULT_CLASS];
      const lane: GraphLane = claim?.lane ?? "interactive";
      const cost = Math.max(0, requests);
      // With a wait limit the caller books nothing until there is room, and gives up past it.
      const book = lane === "interactive" && claim?.maxWaitMs === undefined;
      for (;;) {
        const wait = await bucket.take(cost, book);
        if (wait <= 0) break;
        if (claim?.maxWaitMs !== undefined && wait > claim.maxWaitMs) {
          throw new DirectoryError(
            "throttled",
            "Graph's limit for this kind of request is in use; try again shortly",
            {
              retryAfterMs: wait,
            },
          );
        }
        await sleep(wait);
        if (book) break;
      }
      await options.overall?.acquire(cost, claim);
    },
    pause(ms: number, routeClass?: GraphRouteClass) {
      if (routeClass) options.buckets[routeClass].pause(ms);
      else for (const c of GRAPH_ROUTE_CLASSES) options.buckets[c].pause(ms);
    },
  };
}

/** Every class in this process, Graph's documented limits (scaled when asked). */
export function createLocalClassBudget(
  options: ClassLimitOptions & { overall?: GraphBudget; timing?: Pick<Timing, "now" | "sleep"> } = {},
): GraphBudget {
  const { now, sleep } = options.timing ?? realTiming;
  const limits = classLimits(options);
  const buckets = Object.fromEntries(
    GRAPH_ROUTE_CLASSES.map((c) => [c, createLocalClassBucket(limits[c], now)]),
  ) as Record<GraphRouteClass, ClassBucket>;
  return createClassBudget({ buckets, sleep, ...(options.overall ? { overall: options.overall } : {}) });
}
