import { collectDefaultMetrics, Gauge, Registry } from "prom-client";
import type { HttpServer } from "./server.js";

export interface QueueCounts {
  getJobCounts(...states: string[]): Promise<Record<string, number>>;
}

const STATES = ["waiting", "active", "delayed", "failed", "completed"] as const;

/**
 * `GET /metrics` for Prometheus: the process's own metrics and the queue's job counts,
 * read from Redis at scrape time (so any replica reports the shared queue).
 */
export function mountMetrics(server: HttpServer, queue: QueueCounts): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "mfa_bot_" });
  new Gauge({
    name: "mfa_bot_queue_jobs",
    help: "Jobs in the request queue, by state",
    labelNames: ["state"],
    registers: [registry],
    async collect() {
      const counts = await queue.getJobCounts(...STATES);
      for (const state of STATES) this.set({ state }, counts[state] ?? 0);
    },
  });
  server.route("GET", "/metrics", async (_req, res) => {
    const body = await registry.metrics();
    res.writeHead(200, { "content-type": registry.contentType });
    res.end(body);
  });
  return registry;
}
