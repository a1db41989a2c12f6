import { collectDefaultMetrics, Gauge, Registry } from "prom-client";
import { withTimeout } from "../delivery/deadline.js";
import type { HttpServer } from "./server.js";

export interface QueueCounts {
  getJobCounts(...states: string[]): Promise<Record<string, number>>;
}

const STATES = ["waiting", "active", "delayed", "failed", "completed"] as const;

/** How long a scrape waits for the queue's counts; past it, the scrape answers without them. */
export const METRICS_REDIS_TIMEOUT_MS = 700;

/**
 * `GET /metrics` for Prometheus: the process's own metrics and the queue's job counts,
 * read from Redis at scrape time (so any replica reports the shared queue). While Redis does
 * not answer, the scrape still answers within a second: `mfa_bot_redis_up 0`, and no job
 * counts rather than stale ones.
 */
/** The chat outbox's counts (src/delivery/outbox.ts), read from Redis at scrape time. */
export interface OutboxCounts {
  pending(): Promise<number>;
  undeliverable(): Promise<number>;
}

export function mountMetrics(
  server: HttpServer,
  queue: QueueCounts,
  outbox?: OutboxCounts,
  registry = new Registry(),
): Registry {
  collectDefaultMetrics({ register: registry, prefix: "mfa_bot_" });
  const redisUp = new Gauge({
    name: "mfa_bot_redis_up",
    help: "1 when the queue's counts could be read from Redis at this scrape, else 0",
    registers: [registry],
  });
  const jobs = new Gauge({
    name: "mfa_bot_queue_jobs",
    help: "Jobs in the request queue, by state",
    labelNames: ["state"],
    registers: [registry],
  });
  const waiting = new Gauge({
    name: "mfa_bot_outbox_pending",
    help: "Chat messages waiting in the outbox for their platform to answer again",
    registers: [registry],
  });
  const undeliverable = new Gauge({
    name: "mfa_bot_outbox_undeliverable_total",
    help: "Chat messages given up on after their retry budget (each logged with its content id)",
    registers: [registry],
  });
  server.route("GET", "/metrics", async (_req, res) => {
    // Read before rendering (prom-client renders every metric at once): the gauges agree.
    jobs.reset();
    waiting.reset();
    undeliverable.reset();
    try {
      const [counts, outboxCounts] = await withTimeout(
        Promise.all([
          queue.getJobCounts(...STATES),
          outbox ? Promise.all([outbox.pending(), outbox.undeliverable()]) : undefined,
        ]),
        METRICS_REDIS_TIMEOUT_MS,
      );
      for (const state of STATES) jobs.set({ state }, counts[state] ?? 0);
      if (outboxCounts) {
        waiting.set(outboxCounts[0]);
        undeliverable.set(outboxCounts[1]);
      }
      redisUp.set(1);
    } catch {
      redisUp.set(0);
    }
    const body = await registry.metrics();
    res.writeHead(200, { "content-type": registry.contentType });
    res.end(body);
  });
  return registry;
}
