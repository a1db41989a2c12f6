import type { Redis } from "ioredis";
import { AuditLog } from "../audit/audit-log.js";
import type { Policy } from "../config/policy.js";
import type { Directory } from "../directory/port.js";
import type { Logger } from "../log.js";
import type { NotifierRegistry } from "../notify/port.js";
import { DigestStore } from "../operations/digests.js";
import { DriftStore } from "../operations/drift-store.js";
import { OperationStore } from "../operations/store.js";
import { connectRedis, RequestQueue } from "../queue/queues.js";
import { watchRedis } from "../queue/redis-watch.js";
import type { TakeoverTiming } from "../queue/takeover.js";
import { LinkStore } from "../signin/links.js";
import { SignInStore } from "../signin/sign-in-store.js";
import { DEFAULT_WORKER_SETTINGS, type WorkerDeps, type WorkerSettings } from "../worker/deps.js";
import { scheduleDriftSweep } from "../worker/drift-sweep.js";
import { type RunningWorker, startWorker } from "../worker/start.js";
import type { ThrottleRelay } from "../worker/throttle-relay.js";

export interface WorkerRuntimeOptions {
  redisUrl: string;
  prefix: string;
  concurrency: number;
  directory: Directory;
  policy: Policy;
  logger: Logger;
  /** Builds the platforms' notifiers; gets the runtime's state connection and key prefix. */
  notifiers: (state: Redis, statePrefix: string) => NotifierRegistry;
  settings?: Partial<WorkerSettings>;
  /** Lock and stalled-check times; DEFAULT_TAKEOVER unless a test shortens them. */
  takeover?: Partial<TakeoverTiming>;
  now?: () => Date;
  /** The relay the Graph client reports 429s to; the worker pauses the queue through it. */
  throttle?: ThrottleRelay;
}

export interface WorkerRuntime {
  deps: WorkerDeps;
  running: RunningWorker;
  /** Drains the worker, then closes every connection it opened. */
  close(): Promise<void>;
}

/** Key prefix of the bot's own state (operations, audit, console mailboxes) beside BullMQ's keys. */
export function statePrefix(prefix: string): string {
  return `${prefix}:state`;
}

/** A worker with everything it needs: the one wiring used by `mfa-bot worker`, the demo and tests. */
export function startWorkerRuntime(options: WorkerRuntimeOptions): WorkerRuntime {
  // Every connection waits for Redis to come back rather than failing the job in hand: a Redis
  // restart pauses the work, and the commands queued meanwhile run once it answers.
  const state: Redis = connectRedis(options.redisUrl, { blocking: true });
  const blocking: Redis = connectRedis(options.redisUrl, { blocking: true });
  const producer: Redis = connectRedis(options.redisUrl, { blocking: true });
  watchRedis(state, options.logger, "worker state");
  for (const connection of [blocking, producer]) connection.on("error", () => {});
  const queue = new RequestQueue({ redisUrl: options.redisUrl, prefix: options.prefix }, producer);
  const prefix = statePrefix(options.prefix);
  const deps: WorkerDeps = {
    directory: options.directory,
    policy: options.policy,
    operations: new OperationStore(state, prefix),
    drift: new DriftStore(state, prefix),
    digests: new DigestStore(state, prefix),
    audit: new AuditLog(state, prefix, options.logger),
    links: new LinkStore(state, prefix),
    signIns: new SignInStore(state, prefix),
    notifiers: options.notifiers(state, prefix),
    queue,
    logger: options.logger,
    now: options.now ?? (() => new Date()),
    settings: { ...DEFAULT_WORKER_SETTINGS, ...options.settings },
  };
  const running = startWorker(deps, {
    connection: blocking,
    prefix: options.prefix,
    concurrency: options.concurrency,
    ...(options.takeover ? { takeover: options.takeover } : {}),
  });
  options.throttle?.attach((ms) => running.worker.rateLimit(ms));
  // The first drift sweep of the policy's period (deduplicated: many workers queue it once).
  scheduleDriftSweep(deps).catch((err: unknown) =>
    options.logger.error({ err: String(err) }, "could not schedule the drift sweep"),
  );
  return {
    deps,
    running,
    async close() {
      await running.close();
      await queue.close();
      producer.disconnect();
      blocking.disconnect();
      state.disconnect();
    },
  };
}
