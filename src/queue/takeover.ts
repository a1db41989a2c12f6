/**
 * How fast a job of a worker that died is taken over by another, and why a job that is merely
 * slow never is. BullMQ (https://docs.bullmq.io/guide/workers/stalled-jobs,
 * https://docs.bullmq.io/bull/important-notes) keeps a lock on each active job for
 * `lockDuration` and renews it every `lockDuration / 2` from a timer, whatever the job is doing;
 * every `stalledInterval` one worker (any) marks the active jobs, and a marked job whose lock has
 * expired by the next check goes back to `wait`, where any worker takes it at once.
 *
 * A SIGKILLed worker's job is therefore free at most `lockDuration` after its last renewal, and
 * moved at most `stalledInterval` later: 10 s + 4 s = 14 s, inside the 15 s we promise. A live
 * worker renews every 5 s, so its job is only taken over if its event loop or its Redis stays
 * stuck for more than 5 s — never because the job is long: a 10,000-user bulk renews its lock
 * the same way as a one-user change. If a lock is lost all the same (Redis away for longer
 * than the lock), the worker stops that job at its next step (see `startWorker`), and the new
 * run skips every user whose result is recorded: a user is written at most twice.
 */
export interface TakeoverTiming {
  /**
   * How long a job's lock lasts without renewal.
   * @defaultValue 10_000
   */
  lockDurationMs: number;
  /**
   * How often the stalled-job check runs (one worker at a time, queue-wide).
   * @defaultValue 4_000
   */
  stalledIntervalMs: number;
  /**
   * Times a job may be taken over before BullMQ fails it. A crash, then a Redis restart during
   * the same bulk, must not fail it; a job that kills every worker that runs it must not loop.
   * A job failed this way is reported like any failed job (src/worker/stalled-out.ts).
   * @defaultValue 5
   */
  maxStalledCount: number;
}

export const DEFAULT_TAKEOVER: TakeoverTiming = {
  lockDurationMs: 10_000,
  stalledIntervalMs: 4_000,
  maxStalledCount: 5,
};

/** The longest a dead worker's job waits before another worker may take it. */
export function worstTakeoverMs(timing: TakeoverTiming): number {
  return timing.lockDurationMs + timing.stalledIntervalMs;
}
