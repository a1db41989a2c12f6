import type { Redis } from "ioredis";
import type { Policy } from "../../../src/config/policy.js";
import { HttpServer } from "../../../src/http/server.js";
import { type Logger, silentLogger } from "../../../src/log.js";
import { connectRedis, RequestQueue } from "../../../src/queue/queues.js";
import type { WorkerRuntimeOptions } from "../../../src/run/worker-runtime.js";
import type { SandboxOptions } from "../../../src/sandbox/index.js";
import { HARNESS_SETTINGS, REDIS_URL, WorkerHarness } from "../../helpers/worker-harness.js";

/**
 * The `mfa-bot serve` half of an end-to-end run, as src/cli/serve.ts wires it: one HTTP server,
 * a producer queue on Redis under the worker's prefix. Each platform mounts its route on it.
 */
export interface ServeSide {
  server: HttpServer;
  queue: RequestQueue;
  redis: Redis;
  baseUrl: string;
  close(): Promise<void>;
}

export async function startServeSide(
  prefix: string,
  mount: (server: HttpServer, serveQueue: RequestQueue, serveRedis: Redis) => Promise<void> | void,
  /** A port chosen beforehand (when a route must know its own public URL); any free one by default. */
  listenPort = 0,
): Promise<ServeSide> {
  const redis = connectRedis(REDIS_URL, { blocking: true });
  const queue = new RequestQueue({ redisUrl: REDIS_URL, prefix }, redis);
  const server = new HttpServer(silentLogger);
  await mount(server, queue, redis);
  const port = await server.listen(listenPort, "127.0.0.1");
  return {
    server,
    queue,
    redis,
    baseUrl: `http://127.0.0.1:${port}`,
    async close() {
      await server.close();
      await queue.close();
      redis.disconnect();
    },
  };
}

/**
 * The `mfa-bot worker` half: a real worker against the sandbox tenant with the platform's
 * notifier (as src/cli/chat-notifiers.ts builds it), counting the per-user PATCHes it makes.
 */
export async function startWorkerSide(
  policy: Policy | undefined,
  notifiers: WorkerRuntimeOptions["notifiers"],
  options: { publicUrl?: string; logger?: Logger; sandbox?: SandboxOptions } = {},
): Promise<{ worker: WorkerHarness; patches: Map<string, number> }> {
  const worker = await WorkerHarness.start({
    ...(policy ? { policy } : {}),
    ...(options.sandbox ? { sandbox: options.sandbox } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    startWorker: false,
  });
  const patches = worker.countPatches();
  worker.startWorker({
    notifiers,
    ...(options.publicUrl ? { settings: { ...HARNESS_SETTINGS, publicUrl: options.publicUrl } } : {}),
  });
  return { worker, patches };
}
