import { type Job, UnrecoverableError, Worker } from "bullmq";
import type { Redis } from "ioredis";
import type { ZodError } from "zod";
import { isDirectoryError, isFinal } from "../directory/errors.js";
import { inGraphLane } from "../directory/graph/lane.js";
import { requestContext } from "../log.js";
import { DeliveryError, type ReplyAddress } from "../notify/port.js";
import { type AnyJob, isJobKind, type JobKind, jobSchemas } from "../queue/jobs.js";
import { laneOfJob } from "../queue/lanes.js";
import { QUEUE_NAME } from "../queue/queues.js";
import { logErrorsSparingly } from "../queue/redis-watch.js";
import { DEFAULT_TAKEOVER, type TakeoverTiming } from "../queue/takeover.js";
import { handleLinked } from "./chat-links.js";
import type { WorkerDeps } from "./deps.js";
import { addToDigest, handleDigest } from "./digest.js";
import { handleDriftSweep, scheduleDriftSweep } from "./drift-sweep.js";
import { handleApply } from "./handle-apply.js";
import { handleDecision, refreshCard } from "./handle-decision.js";
import { handleExpire } from "./handle-expire.js";
import { handleRequest } from "./handle-request.js";
import { reply, textOutcome } from "./notify.js";
import { handleReminder } from "./send-reminder.js";
import { isStalledOut, reportStalledOut } from "./stalled-out.js";

export interface WorkerOptions {
  connection: Redis;
  prefix: string;
  concurrency: number;
  /** Lock and stalled-check times (DEFAULT_TAKEOVER, documented there); tests shorten them. */
  takeover?: Partial<TakeoverTiming>;
}

export interface RunningWorker {
  worker: Worker;
  /** Drains: the jobs in hand finish, nothing new starts. */
  close(): Promise<void>;
}

/** Starts the BullMQ worker that runs every job kind. */
export function startWorker(deps: WorkerDeps, options: WorkerOptions): RunningWorker {
  const takeover = { ...DEFAULT_TAKEOVER, ...options.takeover };
  // Jobs whose lock this worker could not renew: another worker may run them now, so this one
  // stops them at their next step (`checkpoint`) instead of writing beside it.
  const lost = new Set<string>();
  const worker: Worker = new Worker(
    QUEUE_NAME,
    async (job) => {
      try {
        await processJob({ ...deps, checkpoint: () => checkLock(lost, job) }, worker, job);
      } finally {
        if (job.id) lost.delete(job.id);
      }
    },
    {
      connection: options.connection,
      prefix: options.prefix,
      concurrency: options.concurrency,
      // A limiter must be configured for `rateLimit()` (Graph 429 → pause the queue) to take
      // effect; its own bound is far above what Graph allows, so only the pauses matter.
      limiter: { max: 10_000, duration: 1_000 },
      lockDuration: takeover.lockDurationMs,
      stalledInterval: takeover.stalledIntervalMs,
      maxStalledCount: takeover.maxStalledCount,
    },
  );
  worker.on("lockRenewalFailed", (jobIds: string[]) => {
    for (const id of jobIds) lost.add(id);
    deps.logger.warn({ jobIds }, "lost the lock on jobs: another worker may take them over");
  });
  // Reports of jobs BullMQ failed by itself, awaited on close so none is cut off.
  const reports = new Set<Promise<void>>();
  worker.on("failed", (job, err) => {
    deps.logger.error(
      { jobId: job?.id, kind: job?.name, attempts: job?.attemptsMade, err: err.message },
      "job failed",
    );
    // Our processor reports the failures it raises (`runJob`); a job that stalled past
    // `maxStalledCount` is failed by BullMQ without reaching it, so it is reported here.
    if (!job || !isStalledOut(job, err)) return;
    const parsed = parseJob(job.name, job.data);
    if (!parsed.ok) return; // Malformed: nobody to tell; logged above with its job id.
    const report = reportStalledOut(deps, job, parsed.job, reportToRequester)
      .catch((reportErr: unknown) =>
        deps.logger.error({ jobId: job.id, err: String(reportErr) }, "could not report a stalled-out job"),
      )
      .finally(() => reports.delete(report));
    reports.add(report);
  });
  logErrorsSparingly(worker, deps.logger, "worker");
  worker.on("stalled", (jobId) => deps.logger.warn({ jobId }, "took over a job whose worker stopped"));
  return {
    worker,
    close: async () => {
      await worker.close();
      await Promise.allSettled([...reports]);
    },
  };
}

/** Thrown at a job's next step once its lock is gone: the job is someone else's now. */
export class LockLostError extends Error {
  override readonly name = "LockLostError";
}

function checkLock(lost: ReadonlySet<string>, job: Job): void {
  if (job.id && lost.has(job.id)) {
    throw new LockLostError(`job ${job.id} lost its lock; another worker takes it over`);
  }
}

export async function processJob(deps: WorkerDeps, worker: Worker, job: Job): Promise<void> {
  const parsed = parseJob(job.name, job.data);
  if (!parsed.ok) {
    // Malformed data never gets a second try and never touches anything.
    deps.logger.error({ jobId: job.id, kind: job.name, problem: parsed.problem }, "malformed job rejected");
    throw new UnrecoverableError(`malformed ${job.name} job: ${parsed.problem}`);
  }
  const data = parsed.job;
  // Everything this job logs, on any logger (the Graph client's too), carries its request id.
  // Its Graph calls draw in its lane: bulk work never books the budget ahead of a person's command.
  await requestContext.run({ requestId: data.requestId }, () =>
    inGraphLane(laneOfJob(data), () => runJob(deps, worker, job, data)),
  );
}

async function runJob(deps: WorkerDeps, worker: Worker, job: Job, data: AnyJob): Promise<void> {
  const log = deps.logger.child({ jobId: job.id, kind: data.kind });
  const jobDeps = { ...deps, logger: log };
  try {
    await dispatch(jobDeps, data.kind, data, job.attemptsMade > 0);
  } catch (err) {
    // Nothing to report or retry: the worker that holds the lock now finishes the job.
    if (err instanceof LockLostError) {
      log.warn("stopped a job whose lock was lost");
      throw err;
    }
    if (isDirectoryError(err, "throttled")) {
      // Graph said slow down: pause the whole queue for Retry-After, without spending an attempt.
      const ms = err.retryAfterMs ?? 5_000;
      log.warn({ retryAfterMs: ms }, "Graph throttled: pausing the queue");
      await worker.rateLimit(ms);
      throw Worker.RateLimitError();
    }
    // What a person must fix ends the job now (isFinal); the rest is retried, and reported
    // once the attempts run out.
    const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    const final = isFinal(err) || lastAttempt;
    log.error({ err: err instanceof Error ? err.message : String(err), final }, "job error");
    if (final) {
      await tellRequester(jobDeps, data, err);
      throw new UnrecoverableError(err instanceof Error ? err.message : String(err));
    }
    throw err;
  }
}

type JobOf<K extends JobKind> = Extract<AnyJob, { kind: K }>;
type JobHandler<K extends JobKind> = (deps: WorkerDeps, job: JobOf<K>, retry: boolean) => Promise<void>;

/** One handler per job kind; a new kind is a compile error until it has one. */
const JOB_HANDLERS: { [K in JobKind]: JobHandler<K> } = {
  request: (deps, job) => handleRequest(deps, job),
  decision: (deps, job, retry) => handleDecision(deps, job, retry),
  apply: (deps, job) => handleApply(deps, job),
  reminder: (deps, job) => handleReminder(deps, job),
  digest: (deps, job) => handleDigest(deps, job),
  expire: (deps, job) => handleExpire(deps, job),
  linked: (deps, job) => handleLinked(deps, job),
  driftSweep: (deps, job) => handleDriftSweep(deps, job),
};

function dispatch<K extends JobKind>(
  deps: WorkerDeps,
  kind: K,
  job: JobOf<K>,
  retry: boolean,
): Promise<void> {
  const handler: JobHandler<K> = JOB_HANDLERS[kind];
  return handler(deps, job, retry);
}

type FailureReport<K extends JobKind> = (deps: WorkerDeps, job: JobOf<K>, message: string) => Promise<void>;

const answerRequester = async (deps: WorkerDeps, job: { replyTo: ReplyAddress }, message: string) =>
  reply(deps, job.replyTo, textOutcome("error", `That did not work: ${message}`));

/** Who hears of a job that cannot succeed, per kind. */
const FAILURE_REPORTS: { [K in JobKind]: FailureReport<K> } = {
  request: answerRequester,
  decision: answerRequester,
  apply: (deps, job, message) => failOperation(deps, job.operationId, message),
  // One line in the requester's digest, not one message per user of a bulk.
  reminder: (deps, job, message) =>
    addToDigest(deps, {
      topic: `unreachable:${job.operationId ?? "manual"}`,
      line: `${job.upn}: ${message}`,
      heading: "Could not remind these users to register for MFA",
      delivery: "reply",
      replyTo: job.replyTo,
      requestId: job.requestId,
    }),
  digest: async (deps, job, message) => {
    deps.logger.error({ key: job.key, problem: message }, "digest could not be delivered");
  },
  // The link stands; the page the person signed in on already said so.
  linked: async (deps, job, message) => {
    deps.logger.error(
      { slackUser: job.account.userId, teamId: job.account.teamId, problem: message },
      "could not tell a linked account it is linked",
    );
  },
  // The next period's sweep was not queued: queue it, so one failed sweep does not end them all.
  driftSweep: async (deps, job, message) => {
    deps.logger.error({ slot: job.slot, problem: message }, "drift sweep failed");
    await scheduleDriftSweep(deps, job.slot + 1);
  },
  // The request stays pending; a click on it is refused as expired all the same.
  expire: async (deps, job, message) => {
    deps.logger.error(
      { operationId: job.operationId, problem: message },
      "could not retire an expired request",
    );
  },
};

function reportFailure<K extends JobKind>(deps: WorkerDeps, kind: K, job: JobOf<K>, message: string) {
  const report: FailureReport<K> = FAILURE_REPORTS[kind];
  return report(deps, job, message);
}

/** A job that cannot succeed is reported to whoever asked, in words they can act on. */
async function tellRequester(deps: WorkerDeps, job: AnyJob, err: unknown): Promise<void> {
  const message = isDirectoryError(err)
    ? err.userMessage
    : err instanceof DeliveryError
      ? err.message
      : "something went wrong on our side; the details are in the bot's log.";
  await reportToRequester(deps, job, message);
}

async function reportToRequester(deps: WorkerDeps, job: AnyJob, message: string): Promise<void> {
  try {
    await reportFailure(deps, job.kind, job, message);
  } catch (notifyErr) {
    deps.logger.error({ err: String(notifyErr) }, "could not report a failed job to the requester");
  }
}

/**
 * An apply that cannot go on: the operation is marked failed (never left "applying now"),
 * the card says so, and the requester learns what was done before it stopped.
 *
 * Also for an apply BullMQ failed for stalling too often: failed, not left resumable. A job
 * that lost its worker more than `maxStalledCount` times is most likely what kills or freezes
 * the workers (memory, a blocked event loop), and resuming it by itself would take them down
 * again. Nothing done is lost: the per-user results are recorded as each user is written, the
 * answer counts them and `audit <operation>` lists them, and the same command issued again
 * skips every user already in the target state (read before write).
 */
async function failOperation(deps: WorkerDeps, operationId: string, message: string): Promise<void> {
  const found = await deps.operations.get(operationId);
  if (!found) return;
  const moved =
    (await deps.operations.transition(operationId, "applying", "failed")) ||
    (await deps.operations.transition(operationId, "approved", "failed"));
  if (!moved) return;
  const done = [...(await deps.operations.results(operationId)).values()].length;
  const text = `Operation ${operationId} stopped: ${message} ${done} user(s) were handled before it stopped; \`audit ${operationId}\` lists them.`;
  await refreshCard(deps, operationId, `Failed: ${message}`);
  await reply(deps, found.op.replyTo, textOutcome("error", text, operationId));
}

function parseJob(name: string, data: unknown): { ok: true; job: AnyJob } | { ok: false; problem: string } {
  if (!isJobKind(name)) return { ok: false, problem: `unknown job kind "${name}"` };
  const schema = jobSchemas[name];
  const parsed = schema.safeParse(data);
  if (parsed.success) return { ok: true, job: parsed.data };
  return { ok: false, problem: describe(parsed.error) };
}

function describe(error: ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join(".") || "data"}: ${i.message}`)
    .join("; ");
}
