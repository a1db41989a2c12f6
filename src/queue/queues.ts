import { type JobsOptions, Queue } from "bullmq";
import { Redis, type RedisOptions } from "ioredis";
import type { AnyJob } from "./jobs.js";
import { BULK_PRIORITY, laneOfJob } from "./lanes.js";

/** One queue carries every job kind; the job name is the kind. */
export const QUEUE_NAME = "requests";

export interface QueueSettings {
  redisUrl: string;
  /** BullMQ key prefix (MFA_BOT_QUEUE_PREFIX); tests use a unique one each. */
  prefix: string;
}

/**
 * BullMQ needs `maxRetriesPerRequest: null` on connections it blocks on (workers);
 * producers get a bounded retry count so an adapter answers "try again" instead of hanging.
 * Commands issued while (re)connecting wait in the offline queue — a fresh process must not
 * fail its first command just because the connection is a few milliseconds old.
 */
export function connectRedis(url: string, options: { blocking: boolean } & RedisOptions): Redis {
  const { blocking, ...rest } = options;
  return new Redis(url, {
    maxRetriesPerRequest: blocking ? null : 3,
    enableOfflineQueue: true,
    lazyConnect: false,
    ...rest,
  });
}

/**
 * For `serve`, which answers people within seconds: while Redis is away a command fails at once
 * (no offline queue, nothing re-sent behind the person's back after a reconnect, no command
 * waits more than `FAIL_FAST_COMMAND_MS`), so the adapter can say "nothing was done — try again"
 * and mean it.
 */
export function connectRedisFailFast(url: string): Redis {
  return connectRedis(url, {
    blocking: false,
    enableOfflineQueue: false,
    autoResendUnfulfilledCommands: false,
    commandTimeout: FAIL_FAST_COMMAND_MS,
    maxRetriesPerRequest: 1,
  });
}

export const FAIL_FAST_COMMAND_MS = 2_000;

const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: "exponential", delay: 1_000 },
  // Keep finished jobs long enough to de-duplicate retries and to look at, not forever.
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

export class RequestQueue {
  readonly queue: Queue;
  /** BullMQ never closes a connection it was handed, so the one made here is closed here. */
  private readonly ownConnection: Redis | undefined;
  private readonly connection: Redis;

  constructor(
    readonly settings: QueueSettings,
    connection?: Redis,
  ) {
    const used = connection ?? connectRedis(settings.redisUrl, { blocking: false });
    this.ownConnection = connection ? undefined : used;
    this.connection = used;
    this.queue = new Queue(QUEUE_NAME, {
      connection: used,
      prefix: settings.prefix,
      defaultJobOptions: DEFAULT_JOB_OPTIONS,
    });
    // Without a listener, BullMQ prints every connection error as a stack trace; the
    // connection's own watcher (watchRedis) logs the outage once.
    this.queue.on("error", () => {});
  }

  /**
   * `dedupeKey` makes the job id deterministic: a second enqueue with the same key
   * (a Slack retry, a double click) is ignored while the first job is known.
   */
  /**
   * Whether an enqueue can work just now. A connection that is away (reconnecting, closed) cannot;
   * one still making its first connection can if it queues commands until then (the default),
   * not if it fails fast (`connectRedisFailFast`, for `serve`).
   */
  isAvailable(): boolean {
    const { status, options } = this.connection;
    if (status === "ready") return true;
    const starting = status === "wait" || status === "connecting" || status === "connect";
    return starting && options.enableOfflineQueue !== false;
  }

  async enqueue(job: AnyJob, options: EnqueueOptions = {}): Promise<string> {
    const added = await this.queue.add(job.kind, job, jobOptions(job, options));
    return added.id ?? "";
  }

  /** Many jobs in one round trip (a bulk's reminders): same options as `enqueue`, per job. */
  /**
   * Adds many jobs, ENQUEUE_CHUNK at a time: one `addBulk` of a bulk's 10,000 reminders would
   * build every job's commands in memory at once. Jobs that must not be doubled carry a dedupe
   * id, so a retry after a failure between chunks adds only what is missing.
   */
  async enqueueMany(jobs: ReadonlyArray<{ job: AnyJob; options?: EnqueueOptions }>): Promise<void> {
    for (let i = 0; i < jobs.length; i += ENQUEUE_CHUNK) {
      await this.queue.addBulk(
        jobs
          .slice(i, i + ENQUEUE_CHUNK)
          .map(({ job, options }) => ({ name: job.kind, data: job, opts: jobOptions(job, options ?? {}) })),
      );
    }
  }

  async close(): Promise<void> {
    await this.queue.close();
    this.ownConnection?.disconnect();
  }
}

/** Jobs per `addBulk` in `enqueueMany`. */
export const ENQUEUE_CHUNK = 500;

export interface EnqueueOptions {
  dedupeKey?: string;
  /**
   * The chat platform's id for this delivery (Slack's trigger_id, Teams' activity id): the same
   * delivery enqueued again within DELIVERY_WINDOW_MS adds nothing, even after the first job
   * has finished (a redelivered click must not be answered twice).
   */
  deliveryKey?: string;
  delayMs?: number;
}

/** How long a delivery is remembered: as long as finished jobs are kept (removeOnComplete). */
export const DELIVERY_WINDOW_MS = 24 * 3600 * 1000;

function jobOptions(job: AnyJob, options: EnqueueOptions): JobsOptions {
  const jobId = options.dedupeKey ? jobIdFor(job.kind, options.dedupeKey) : undefined;
  return {
    ...(jobId ? { jobId } : {}),
    // A click is de-duplicated while it is being handled, not for a day after: a person
    // who clicks again later (say, once their approver role is added) must be heard.
    ...(job.kind === "decision" ? { removeOnComplete: true, removeOnFail: true } : {}),
    ...(options.deliveryKey
      ? { deduplication: { id: jobIdFor("delivery", options.deliveryKey), ttl: DELIVERY_WINDOW_MS } }
      : {}),
    ...(options.delayMs ? { delay: options.delayMs } : {}),
    ...(laneOfJob(job) === "bulk" ? { priority: BULK_PRIORITY } : {}),
  };
}

/** BullMQ reserves `:` in ids; keep deterministic ids to a safe alphabet. */
export function jobIdFor(kind: string, key: string): string {
  return `${kind}-${key.replace(/[^A-Za-z0-9_.@-]/g, "_")}`;
}
