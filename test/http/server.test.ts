import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mountMetrics } from "../../src/http/metrics.js";
import { HttpServer } from "../../src/http/server.js";
import { silentLogger } from "../../src/log.js";
import { RequestQueue } from "../../src/queue/queues.js";

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

describe("the HTTP server's own endpoints", () => {
  const queue = new RequestQueue({ redisUrl: REDIS_URL, prefix: `test-${randomUUID().slice(0, 8)}` });
  const server = new HttpServer(silentLogger);
  let base = "";
  let redisUp = true;

  beforeAll(async () => {
    server.addReadinessCheck({
      name: "redis",
      check: async () => {
        if (!redisUp) throw new Error("redis is down");
      },
    });
    server.route("GET", "/boom", () => {
      throw new Error("secret stack detail");
    });
    mountMetrics(server, queue.queue);
    base = `http://127.0.0.1:${await server.listen(0, "127.0.0.1")}`;
  });

  afterAll(async () => {
    await server.close();
    await queue.queue.obliterate({ force: true });
    await queue.close();
  });

  it("/healthz says the process is up; /readyz says whether its dependencies answer", async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    redisUp = false;
    const down = await fetch(`${base}/readyz`);
    expect(down.status).toBe(503);
    expect(await down.json()).toMatchObject({ failures: { redis: "redis is down" } });
    redisUp = true;
  });

  it("/metrics reports the queue's jobs by state and process metrics", async () => {
    await queue.queue.add("request", { kind: "request" });
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toMatch(/mfa_bot_queue_jobs\{state="waiting"\} 1/);
    expect(text).toMatch(/^mfa_bot_redis_up 1$/m);
    expect(text).toContain("mfa_bot_process_cpu_seconds_total");
  });

  it("/readyz answers within a second when a check hangs (a Redis that does not answer)", async () => {
    const hanging = new HttpServer(silentLogger, { readinessTimeoutMs: 300 });
    hanging.addReadinessCheck({ name: "redis", check: () => new Promise(() => {}) });
    const url = `http://127.0.0.1:${await hanging.listen(0, "127.0.0.1")}`;
    const started = performance.now();
    const answer = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(5_000) });
    expect(answer.status).toBe(503);
    expect(await answer.json()).toMatchObject({
      failures: { redis: expect.stringMatching(/did not answer/) },
    });
    // Shutdown does not wait for the check that never ends.
    await hanging.close(1_000);
    expect(performance.now() - started).toBeLessThan(4_000);
  });

  it("/metrics answers with redis_up 0 and no job counts when the queue's counts do not come", async () => {
    const scraped = new HttpServer(silentLogger);
    mountMetrics(scraped, { getJobCounts: () => new Promise(() => {}) });
    const url = `http://127.0.0.1:${await scraped.listen(0, "127.0.0.1")}`;
    const answer = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5_000) });
    expect(answer.status).toBe(200);
    const text = await answer.text();
    expect(text).toMatch(/^mfa_bot_redis_up 0$/m);
    expect(text).not.toMatch(/mfa_bot_queue_jobs\{/);
    await scraped.close();
  });

  it("answers 404/405 for unknown routes and 500 without details when a handler throws", async () => {
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    expect((await fetch(`${base}/healthz`, { method: "POST" })).status).toBe(405);
    const boom = await fetch(`${base}/boom`);
    expect(boom.status).toBe(500);
    expect(await boom.text()).not.toContain("secret stack detail");
  });
});
