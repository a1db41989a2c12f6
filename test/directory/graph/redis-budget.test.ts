import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { createRedisBudget, createRedisClassBudget } from "../../../src/directory/graph/redis-budget.js";
import { connectRedis } from "../../../src/queue/queues.js";

const redis = connectRedis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", { blocking: false });

afterAll(async () => {
  redis.disconnect();
});

/** Two processes' budgets on one Redis key; waits are recorded, not slept. */
function pair(requestsPerSecond: number) {
  const prefix = `test-${randomUUID().slice(0, 8)}`;
  const waits: number[] = [];
  const sleep = async (ms: number) => {
    waits.push(ms);
  };
  const options = { requestsPerSecond, burst: 1, headroom: 0, sleep };
  return {
    a: createRedisBudget(redis, prefix, options),
    b: createRedisBudget(redis, prefix, options),
    waits,
    prefix,
  };
}

async function cleanup(prefix: string) {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
}

describe("the Graph budget shared through Redis", () => {
  it("makes a second process wait for the first one's requests", async () => {
    const { a, b, waits, prefix } = pair(10); // one request every 100 ms
    await a.acquire(1);
    await b.acquire(1);
    await b.acquire(20); // a $batch of 20 goes next, then puts everyone in debt
    await a.acquire(1);
    expect(waits).toHaveLength(3);
    expect(waits[0]).toBeGreaterThan(50);
    expect(waits[0]).toBeLessThanOrEqual(100);
    expect(waits[2]).toBeGreaterThan(2_000); // 20 × 100 ms of debt from the batch
    await cleanup(prefix);
  });

  it("a 429 in one process pauses the others", async () => {
    const { a, b, waits, prefix } = pair(1_000);
    a.pause(5_000);
    await new Promise((r) => setTimeout(r, 50)); // pause() does not wait for Redis
    await b.acquire(1);
    expect(waits[0]).toBeGreaterThan(4_000);
    a.pause(10); // a shorter pause never shortens the longer one
    await new Promise((r) => setTimeout(r, 50));
    await b.acquire(1);
    expect(waits[1]).toBeGreaterThan(4_000);
    await cleanup(prefix);
  });

  it("per route class: one process's 429 pauses that class for both, the others keep going", async () => {
    const prefix = `test-${randomUUID().slice(0, 8)}`;
    const waits: number[] = [];
    const sleep = async (ms: number) => {
      waits.push(ms);
    };
    const a = createRedisClassBudget(redis, prefix, { sleep });
    const b = createRedisClassBudget(redis, prefix, { sleep });
    a.pause(5_000, "writes");
    await new Promise((r) => setTimeout(r, 50));
    await b.acquire(20, { routeClass: "reads" });
    await b.acquire(1, { routeClass: "reports" });
    expect(waits).toEqual([]);
    await b.acquire(1, { routeClass: "writes" });
    expect(waits[0]).toBeGreaterThan(4_000);
    await cleanup(prefix);
  });

  it("per route class: a bulk claim books nothing while it waits; an interactive one does", async () => {
    const prefix = `test-${randomUUID().slice(0, 8)}`;
    const waits: number[] = [];
    let bulkAsks = 0;
    const a = createRedisClassBudget(redis, prefix, {
      // Stops the bulk caller's polling after two asks, so the test sees what it booked.
      sleep: async (ms) => {
        waits.push(ms);
        if (++bulkAsks >= 2) throw new Error("stop");
      },
    });
    const b = createRedisClassBudget(redis, prefix, {
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
    // Conditional Access: one request a second.
    await a.acquire(1, { routeClass: "conditionalAccess" });
    await expect(a.acquire(1, { routeClass: "conditionalAccess", lane: "bulk" })).rejects.toThrow("stop");
    await b.acquire(1, { routeClass: "conditionalAccess", lane: "interactive" });
    // Two bulk asks and the interactive one all saw the same next free second: nothing booked by bulk.
    expect(waits).toHaveLength(3);
    expect(Math.abs(waits[2]! - waits[0]!)).toBeLessThan(100);
    expect(waits[2]).toBeGreaterThan(800);
    await cleanup(prefix);
  });
});
