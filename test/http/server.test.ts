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
    expect(text).toContain("mfa_bot_process_cpu_seconds_total");
  });

  it("answers 404/405 for unknown routes and 500 without details when a handler throws", async () => {
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    expect((await fetch(`${base}/healthz`, { method: "POST" })).status).toBe(405);
    const boom = await fetch(`${base}/boom`);
    expect(boom.status).toBe(500);
    expect(await boom.text()).not.toContain("secret stack detail");
  });
});
