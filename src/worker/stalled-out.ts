import type { Job } from "bullmq";
import { requestContext } from "../log.js";
import { operationIdFor } from "../operations/operation-id.js";
import type { AnyJob } from "../queue/jobs.js";
import type { WorkerDeps } from "./deps.js";

/**
 * A job whose worker died or froze more than `maxStalledCount` times (src/queue/takeover.ts) is
 * failed by BullMQ itself, never by our processor, so the usual "report on the last attempt"
 * path in `runJob` does not see it. How BullMQ does it (bullmq 6.7.0,
 * commands/moveStalledJobsToWait-9.lua and classes/worker.js `getUnrecoverableErrorMessage`):
 * the stalled checker puts the job back in `wait` with this reason stored as its deferred
 * failure; the next worker that fetches it fails it at once, without running the processor,
 * and emits its own `failed` event. That worker is one of ours, so its `failed` event fires
 * exactly once per such job, in one process — unlike QueueEvents, which every worker would
 * receive (N answers for one failure). https://docs.bullmq.io/guide/jobs/stalled names the text.
 */
export const STALLED_OUT_REASON = "job stalled more than allowable limit";

/** True for a job BullMQ failed because it stalled too often (not one our processor failed). */
export function isStalledOut(job: Job, err: Error): boolean {
  return job.deferredFailure === STALLED_OUT_REASON || err.message === STALLED_OUT_REASON;
}

/** What the requester reads: why it stopped, and that it is not retried by itself. */
export function stalledOutMessage(stalls: number): string {
  return (
    `the worker running it stopped or froze ${stalls} time(s) in a row, so it was stopped ` +
    "rather than retried again (it may be what brings the workers down)."
  );
}

/** The operation a job belongs to, for the audit trail; one made up from the job's request otherwise. */
function operationIdOf(job: AnyJob): string {
  switch (job.kind) {
    case "request":
      // The id submit-change gives the operation this request creates (src/worker/submit-change.ts).
      return operationIdFor(`request:${job.requestId}`);
    case "decision":
      return job.approvalId;
    case "apply":
    case "expire":
      return job.operationId;
    case "reminder":
      return job.operationId ?? operationIdFor(`job:${job.requestId}`);
    default:
      return operationIdFor(`job:${job.requestId}`);
  }
}

export type StalledOutReport = (deps: WorkerDeps, job: AnyJob, message: string) => Promise<void>;

/**
 * Reports a job BullMQ failed for stalling as every failed job is reported: the log line names
 * the job and its operation, the audit stream records it, and whoever asked hears of it
 * (`report`: the per-kind failure report of src/worker/start.ts).
 */
export async function reportStalledOut(
  deps: WorkerDeps,
  bullJob: Job,
  data: AnyJob,
  report: StalledOutReport,
): Promise<void> {
  const operationId = operationIdOf(data);
  const stalls = bullJob.stalledCounter;
  const message = stalledOutMessage(stalls);
  await requestContext.run({ requestId: data.requestId }, async () => {
    deps.logger.error(
      { jobId: bullJob.id, kind: data.kind, operationId, stalls, reason: STALLED_OUT_REASON },
      "job failed: its worker stopped too many times while running it",
    );
    try {
      await deps.audit.append([
        {
          at: deps.now().toISOString(),
          operationId,
          actor: "mfa-bot",
          action: `${data.kind} job`,
          result: "failed",
          detail: `stalled ${stalls} time(s): ${STALLED_OUT_REASON} (job ${bullJob.id ?? "?"})`,
        },
      ]);
    } catch (err) {
      deps.logger.error({ err: String(err), operationId }, "could not record a stalled-out job in the audit");
    }
    await report(deps, data, message);
  });
}
