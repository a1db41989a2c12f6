import type { Redis } from "ioredis";
import {
  bucketShape,
  type ClassBucket,
  type ClassLimitOptions,
  classLimits,
  createClassBudget,
} from "./class-budget.js";
import { GRAPH_ROUTE_CLASSES, type GraphRouteClass } from "./route-class.js";
import type { GraphBudget } from "./throttle.js";

/*
 * GCRA (a token bucket kept as a "theoretical arrival time") in Redis, so every worker
 * process on this Redis draws from one Graph budget — Graph limits the app per tenant, not
 * per process. The clock is Redis's own (TIME), so replicas on other machines agree. A send
 * waits until the bucket holds its whole cost (a $batch larger than the burst: the burst).
 * KEYS[1] arrival time, KEYS[2] paused-until; ARGV: interval ms, burst, cost, book (1/0).
 * Returns the ms to wait before sending; without `book`, a caller who would have to wait
 * books nothing (class-budget.ts: the bulk lane).
 */
const TAKE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local start = math.max(now, tonumber(redis.call('GET', KEYS[2]) or '0'))
local full = math.max(tonumber(redis.call('GET', KEYS[1]) or '0'), start)
local sendAt = math.max(start, full - (burst - math.min(cost, burst)) * interval)
if sendAt > now and ARGV[4] ~= '1' then return math.ceil(sendAt - now) end
local tat = full + cost * interval
redis.call('SET', KEYS[1], tostring(tat), 'PX', math.ceil(tat - now) + 60000)
return math.max(0, math.ceil(sendAt - now))
`;

/* KEYS[1] paused-until; ARGV: ms. A later pause never shortens an earlier one. */
const PAUSE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local untilMs = now + tonumber(ARGV[1])
if untilMs > tonumber(redis.call('GET', KEYS[1]) or '0') then
  redis.call('SET', KEYS[1], tostring(untilMs), 'PX', tonumber(ARGV[1]) + 1000)
end
return 0
`;

export interface RedisBudgetOptions {
  requestsPerSecond: number;
  /** How many requests may go at once from a rested budget. Default 5. */
  burst?: number;
  /** Fraction of the rate left unused, as for the local budget. Default 0.03. */
  headroom?: number;
  sleep?: (ms: number) => Promise<void>;
}

export function createRedisBudget(redis: Redis, keyPrefix: string, options: RedisBudgetOptions): GraphBudget {
  if (!(options.requestsPerSecond > 0)) throw new RangeError("requestsPerSecond must be positive");
  const interval = 1000 / (options.requestsPerSecond * (1 - (options.headroom ?? 0.03)));
  const burst = Math.max(1, options.burst ?? 5);
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const tatKey = `${keyPrefix}:graph-budget:tat`;
  const pauseKey = `${keyPrefix}:graph-budget:paused-until`;
  return {
    async acquire(requests) {
      const wait = Number(await redis.eval(TAKE, 2, tatKey, pauseKey, interval, burst, requests, 1));
      if (wait > 0) await sleep(wait);
    },
    pause(ms) {
      redis.eval(PAUSE, 1, pauseKey, Math.ceil(ms)).catch(() => {
        // The local retry still waits out this 429; only other processes lose the hint.
      });
    },
  };
}

export interface RedisClassBudgetOptions extends ClassLimitOptions {
  /** `MFA_BOT_GRAPH_RPS`: an overall cap on top of the classes, shared in Redis too. */
  overallRequestsPerSecond?: number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * The per-class budget (class-budget.ts) kept in Redis, so every worker process draws on
 * the same buckets and sees the same pauses: Graph limits the app per tenant.
 */
export function createRedisClassBudget(
  redis: Redis,
  keyPrefix: string,
  options: RedisClassBudgetOptions = {},
): GraphBudget {
  const limits = classLimits(options);
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const bucket = (routeClass: GraphRouteClass): ClassBucket => {
    const { intervalMs, burst } = bucketShape(limits[routeClass]);
    const tatKey = `${keyPrefix}:graph-budget:${routeClass}:tat`;
    const pauseKey = `${keyPrefix}:graph-budget:${routeClass}:paused-until`;
    return {
      async take(cost, book) {
        return Number(await redis.eval(TAKE, 2, tatKey, pauseKey, intervalMs, burst, cost, book ? 1 : 0));
      },
      pause(ms) {
        redis.eval(PAUSE, 1, pauseKey, Math.ceil(ms)).catch(() => {
          // The local retry still waits out this 429; only other processes lose the hint.
        });
      },
    };
  };
  const buckets = Object.fromEntries(GRAPH_ROUTE_CLASSES.map((c) => [c, bucket(c)])) as Record<
    GraphRouteClass,
    ClassBucket
  >;
  const overall =
    options.overallRequestsPerSecond === undefined
      ? undefined
      : createRedisBudget(redis, keyPrefix, { requestsPerSecond: options.overallRequestsPerSecond, sleep });
  return createClassBudget({ buckets, sleep, ...(overall ? { overall } : {}) });
}
