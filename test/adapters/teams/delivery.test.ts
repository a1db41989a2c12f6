import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisSendPacer } from "../../../adapters/teams/send-pacer.js";
import { retryAfterOf, withTeamsRetry } from "../../../adapters/teams/send-retry.js";
import { retryDelay } from "../../../src/delivery/backoff.js";
import { connectedRedis } from "./harness.js";

function httpError(statusCode: number, retryAfter?: string) {
  return Object.assign(new Error(`HTTP ${statusCode}`), {
    statusCode,
    response: { headers: { get: (name: string) => (name === "retry-after" ? retryAfter : undefined) } },
  });
}

describe("withTeamsRetry", () => {
  it("retries 429, 412, 502 and 504, then gives up after the attempts allowed", async () => {
    const sleeps: number[] = [];
    const statuses = [429, 412, 502, 504];
    let calls = 0;
    const result = await withTeamsRetry(
      async () => {
        const status = statuses[calls++];
        if (status) throw httpError(status);
        return "sent";
      },
      {
        attempts: 5,
        baseDelayMs: 100,
        maxDelayMs: 10_000,
        timing: { sleep: async (ms) => void sleeps.push(ms), random: () => 0.5 },
      },
    );
    expect(result).toBe("sent");
    expect(sleeps).toEqual([75, 150, 300, 600]);

    let tries = 0;
    await expect(
      withTeamsRetry(
        async () => {
          tries++;
          throw httpError(429);
        },
        { attempts: 3, baseDelayMs: 1, maxDelayMs: 1, timing: { sleep: async () => {} } },
      ),
    ).rejects.toMatchObject({ statusCode: 429 });
    expect(tries).toBe(3);
  });

  it("fails at once on anything else", async () => {
    let tries = 0;
    const fail = (err: unknown) =>
      withTeamsRetry(
        async () => {
          tries++;
          throw err;
        },
        { attempts: 5, baseDelayMs: 1, maxDelayMs: 1, timing: { sleep: async () => {} } },
      );
    await expect(fail(httpError(403))).rejects.toThrow("HTTP 403");
    await expect(fail(new Error("socket hang up"))).rejects.toThrow("socket hang up");
    expect(tries).toBe(2);
  });

  describe("Retry-After from the Bot Connector", () => {
    it("waits at least as long as Retry-After asks, within the cap", () => {
      const options = { attempts: 5, baseDelayMs: 100, maxDelayMs: 20_000, timing: { random: () => 0 } };
      expect(retryDelay(0, options, retryAfterOf(httpError(429, "3")))).toBe(3000);
      expect(retryDelay(0, options, retryAfterOf(httpError(429, "600")))).toBe(20_000);
      expect(retryDelay(0, options, retryAfterOf(httpError(429)))).toBe(50);
    });
  });
});

describe("RedisSendPacer", () => {
  const prefix = `test-teams-pace-${randomUUID()}`;
  let redis: Awaited<ReturnType<typeof connectedRedis>>;

  beforeAll(async () => {
    redis = await connectedRedis();
  });

  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it("spaces sends in one conversation by its rate, shared through Redis", async () => {
    // One message a minute: the reservations' spacing dwarfs the time the test takes.
    const a = new RedisSendPacer(redis, prefix, {
      perConversationPerSecond: 1 / 60,
      perTenantPerSecond: 1000,
    });
    const b = new RedisSendPacer(redis, prefix, {
      perConversationPerSecond: 1 / 60,
      perTenantPerSecond: 1000,
    });
    const waits = [await a.reserve("c1", "t1"), await b.reserve("c1", "t1"), await a.reserve("c1", "t1")];
    const minute = 60_000_000;
    expect(waits[0]).toBe(0);
    expect(waits[1]).toBeGreaterThan(minute - 5_000_000);
    expect(waits[1]).toBeLessThanOrEqual(minute);
    expect(waits[2]).toBeGreaterThan(2 * minute - 5_000_000);
    // Another conversation has its own clock.
    expect(await a.reserve("c2", undefined)).toBe(0);
  });

  it("also spaces sends across a tenant", async () => {
    const pacer = new RedisSendPacer(redis, prefix, {
      perConversationPerSecond: 1000,
      perTenantPerSecond: 1 / 60,
    });
    expect(await pacer.reserve("x1", "tenant-2")).toBe(0);
    expect(await pacer.reserve("x2", "tenant-2")).toBeGreaterThan(55_000_000);
  });
});
