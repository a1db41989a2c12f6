import { describe, expect, it } from "vitest";
import { generateSeed, SANDBOX_ACCOUNTS } from "../../src/sandbox/index.js";
import { RateLimiter } from "../../src/sandbox/rate-limit.js";
import { useSandboxes } from "./helpers.js";

const start = useSandboxes();
const userPath = `/v1.0/users/${SANDBOX_ACCOUNTS.admin.id}`;

describe("rate limit", () => {
  it("answers 429 with Retry-After and Graph's body past the limit, and recovers after a second", async () => {
    let now = 1_000_000;
    const client = await start({ rateLimit: 3, now: () => now });
    await client.fetchToken();
    for (let i = 0; i < 3; i++) expect((await client.get(userPath)).status).toBe(200);
    const throttled = await client.get(userPath);
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get("retry-after")).toBe("1");
    expect(throttled.body.error).toMatchObject({
      code: "TooManyRequests",
      message: "Please retry again later.",
    });
    expect(client.sandbox.stats.throttled).toBe(1);
    now += 1000;
    expect((await client.get(userPath)).status).toBe(200);
  });

  it("does not count the token endpoint, and counts each $batch item as one request", async () => {
    let now = 5_000_000;
    const seed = generateSeed({ users: 10 });
    const client = await start({ seed, rateLimit: 4, now: () => now, randomSeed: 3 });
    await client.fetchToken();
    await client.fetchToken();
    const items = seed.users.slice(0, 6).map((u, i) => ({
      id: `r${i}`,
      method: "GET",
      url: `/users/${u.id}/authentication/requirements`,
    }));
    const reply = await client.batch("beta", items);
    expect(reply.status).toBe(200);
    const throttled = reply.body.responses.filter((r: { status: number }) => r.status === 429);
    expect(throttled.map((r: { id: string }) => r.id).sort()).toEqual(["r4", "r5"]);
    for (const item of throttled) {
      expect(item.headers["Retry-After"]).toBe("1");
      expect(item.body.error.code).toBe("TooManyRequests");
    }
    expect(client.sandbox.stats.throttled).toBe(2);
    now += 1000;
    expect((await client.get(userPath)).status).toBe(200);
  });

  it("computes Retry-After from the oldest request in the window", () => {
    let now = 0;
    const limiter = new RateLimiter(2, () => now);
    expect(limiter.take().ok).toBe(true);
    now = 500;
    expect(limiter.take().ok).toBe(true);
    now = 999;
    expect(limiter.take()).toEqual({ ok: false, retryAfterSeconds: 1 });
    now = 1000;
    expect(limiter.take().ok).toBe(true);
    expect(limiter.take().ok).toBe(false);
    now = 1500;
    expect(limiter.take().ok).toBe(true);
    expect(() => new RateLimiter(0)).toThrow(RangeError);
  });
});

describe("fault injection", () => {
  it("answers 503 with Retry-After: 1 at the configured rate, deterministically", async () => {
    const run = async () => {
      const client = await start({ faultRate: 0.5, randomSeed: 11 });
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++) {
        const reply = await client.get(userPath);
        statuses.push(reply.status);
        if (reply.status === 503) {
          expect(reply.headers.get("retry-after")).toBe("1");
          expect(reply.body.error.code).toBe("serviceNotAvailable");
        }
      }
      expect(client.sandbox.stats.faults).toBe(statuses.filter((s) => s === 503).length);
      return statuses;
    };
    const first = await run();
    expect(first).toContain(503);
    expect(first).toContain(200);
    expect(await run()).toEqual(first);
  });

  it("never fails with faultRate 0 and always with 1", async () => {
    const never = await start({ faultRate: 0 });
    for (let i = 0; i < 5; i++) expect((await never.get(userPath)).status).toBe(200);
    const always = await start({ faultRate: 1 });
    for (let i = 0; i < 5; i++) expect((await always.get(userPath)).status).toBe(503);
    expect((await always.fetchToken()).length).toBeGreaterThan(0);
  });
});

describe("latency", () => {
  it("adds latencyMs to every HTTP request through the injected sleep", async () => {
    const waits: number[] = [];
    const client = await start({
      latencyMs: 250,
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
    await client.fetchToken();
    await client.get(userPath);
    await client.batch("beta", [{ id: "1", method: "GET", url: userPath.replace("/v1.0", "") }]);
    expect(waits).toEqual([250, 250, 250]);
    expect(client.sandbox.stats.latencyAppliedMs).toBe(750);
    expect(client.sandbox.stats.httpRequests).toBe(3);
  });

  it("adds nothing by default", async () => {
    const client = await start();
    await client.get(userPath);
    expect(client.sandbox.stats.latencyAppliedMs).toBe(0);
  });
});
